#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension Corruption {
    /// The largest dimension `enumerateCorruptions(of:)` accepts (2^16 = 65 536 outcomes).
    public static let maximumEnumerationDimension = 16

    /// Per-pixel probabilities that a discrete corruption changes a binary pixel, by its value.
    ///
    /// Bit-flip changes a pixel with probability p; textbook salt-and-pepper with probability p/2
    /// (the pixel is replaced with probability p, and the replacement equals the old value half of
    /// the time); the authors' salt-and-pepper changes a 1 with probability p(1 − p) (replaced, by
    /// a 0) and a 0 with probability p² (replaced, by a 1).
    private func changeProbabilities() throws -> (fromZero: Double, fromOne: Double) {
        try validate()
        switch self {
        case .none: return (0, 0)
        case .bitFlip(let p): return (Double(p), Double(p))
        case .saltPepper(let p): return (Double(p) / 2, Double(p) / 2)
        case .saltPepperAuthors(let p):
            let q = Double(p)
            return (q * q, q * (1 - q))
        case .gaussian: throw CorruptionError.notDiscrete(name)
        }
    }

    private static func checkBinary(_ v: [Float]) throws {
        for (i, value) in v.enumerated() where value != 0 && value != 1 {
            throw CorruptionError.notBinary(index: i, value: value)
        }
    }

    /// The exact probability p(x̃ | x) of a discrete corruption, for binary vectors `x` and `x̃`.
    ///
    /// Pixels are corrupted independently, so p(x̃|x) is the product over pixels of the change or
    /// keep probability of each pixel's value (see `changeProbabilities`): for the symmetric laws
    /// keep^(D−c) · change^c where c is the number of pixels that differ. Throws for Gaussian
    /// corruption, non-binary input, or different lengths.
    public func probability(of xTilde: [Float], given x: [Float]) throws -> Double {
        let counts = try countChanges(xTilde, x)
        let (c0, c1) = try changeProbabilities()
        return Self.power(1 - c0, counts.zerosKept) * Self.power(c0, counts.zerosChanged)
            * Self.power(1 - c1, counts.onesKept) * Self.power(c1, counts.onesChanged)
    }

    /// log p(x̃ | x) for a discrete corruption of binary vectors (−∞ for impossible outcomes).
    /// Same rules as `probability(of:given:)`.
    public func logProbability(of xTilde: [Float], given x: [Float]) throws -> Double {
        let counts = try countChanges(xTilde, x)
        let (c0, c1) = try changeProbabilities()
        return Self.logPower(1 - c0, counts.zerosKept) + Self.logPower(c0, counts.zerosChanged)
            + Self.logPower(1 - c1, counts.onesKept) + Self.logPower(c1, counts.onesChanged)
    }

    /// Checks the inputs and counts, by the clean value, the pixels kept and changed.
    private func countChanges(_ xTilde: [Float], _ x: [Float]) throws
        -> (zerosKept: Int, zerosChanged: Int, onesKept: Int, onesChanged: Int) {
        guard x.count == xTilde.count else { throw CorruptionError.lengthMismatch(x: x.count, xTilde: xTilde.count) }
        _ = try changeProbabilities()
        try Self.checkBinary(x)
        try Self.checkBinary(xTilde)
        var z = (0, 0, 0, 0)
        for i in 0..<x.count {
            switch (x[i] == 1, x[i] != xTilde[i]) {
            case (false, false): z.0 += 1
            case (false, true): z.1 += 1
            case (true, false): z.2 += 1
            case (true, true): z.3 += 1
            }
        }
        return (z.0, z.1, z.2, z.3)
    }

    /// log p(x̃ | x) for Gaussian corruption: the log density Σ log N(x̃_i; x_i, σ²) in nats.
    /// For σ = 0 the distribution is a point mass (+∞ at x̃ = x, −∞ elsewhere). Throws for the
    /// discrete kinds — use `logProbability(of:given:)` for those.
    public func logDensity(of xTilde: [Float], given x: [Float]) throws -> Double {
        guard x.count == xTilde.count else { throw CorruptionError.lengthMismatch(x: x.count, xTilde: xTilde.count) }
        try validate()
        guard case .gaussian(let s) = self else { throw CorruptionError.notContinuous(name) }
        let sigma = Double(s)
        var sq = 0.0
        for i in 0..<x.count { let d = Double(xTilde[i]) - Double(x[i]); sq += d * d }
        if sigma == 0 { return sq == 0 ? .infinity : -.infinity }
        return -0.5 * sq / (sigma * sigma) - Double(x.count) * (log(sigma) + 0.5 * log(2 * Double.pi))
    }

    /// Every possible corruption x̃ of the binary vector `x` with its exact probability p(x̃ | x).
    ///
    /// Returns all 2^D binary vectors (D = `x.count` ≤ 16) in lexicographic order: outcome `k` has
    /// pixel `i` equal to bit `D − 1 − i` of `k` (so pixel 0 is the most significant). Outcomes of
    /// probability zero (e.g. for `none` or p = 0) are included, so the list always has 2^D entries;
    /// the probabilities sum to 1. Throws for Gaussian corruption, non-binary `x`, or D > 16.
    public func enumerateCorruptions(of x: [Float]) throws -> [(xTilde: [Float], probability: Double)] {
        let d = x.count
        guard d <= Self.maximumEnumerationDimension else {
            throw CorruptionError.dimensionTooLarge(dimension: d, maximum: Self.maximumEnumerationDimension)
        }
        let (c0, c1) = try changeProbabilities()
        try Self.checkBinary(x)
        var result: [(xTilde: [Float], probability: Double)] = []
        result.reserveCapacity(1 << d)
        for k in 0..<(1 << d) {
            var xt = [Float](repeating: 0, count: d)
            var p = 1.0
            for i in 0..<d {
                let bit: Float = (k >> (d - 1 - i)) & 1 == 1 ? 1 : 0
                xt[i] = bit
                let change = x[i] == 1 ? c1 : c0
                p *= bit != x[i] ? change : 1 - change
            }
            result.append((xTilde: xt, probability: p))
        }
        return result
    }

    /// b^n with 0^0 = 1.
    private static func power(_ b: Double, _ n: Int) -> Double { n == 0 ? 1 : pow(b, Double(n)) }
    /// n · log b with 0 · log 0 = 0.
    private static func logPower(_ b: Double, _ n: Int) -> Double { n == 0 ? 0 : Double(n) * log(b) }
}
