#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension Corruption {
    /// The largest dimension `enumerateCorruptions(of:)` accepts (2^16 = 65 536 outcomes).
    public static let maximumEnumerationDimension = 16

    /// Per-pixel probabilities (keep, change) of a discrete corruption on a binary pixel.
    ///
    /// Bit-flip changes a pixel with probability p; salt-and-pepper with probability p/2 (the pixel
    /// is replaced with probability p, and the replacement equals the old value half of the time).
    private func keepAndChange() throws -> (keep: Double, change: Double) {
        try validate()
        switch self {
        case .none: return (1, 0)
        case .bitFlip(let p): return (1 - Double(p), Double(p))
        case .saltPepper(let p): return (1 - Double(p) / 2, Double(p) / 2)
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
    /// Pixels are corrupted independently, so p(x̃|x) = keep^(D−c) · change^c where c is the number
    /// of pixels that differ; (keep, change) = (1 − p, p) for bit-flip and (1 − p/2, p/2) for
    /// salt-and-pepper. Throws for Gaussian corruption, non-binary input, or different lengths.
    public func probability(of xTilde: [Float], given x: [Float]) throws -> Double {
        let (keep, change, changed) = try countChanges(xTilde, x)
        return Self.power(keep, x.count - changed) * Self.power(change, changed)
    }

    /// log p(x̃ | x) for a discrete corruption of binary vectors (−∞ for impossible outcomes).
    /// Same rules as `probability(of:given:)`.
    public func logProbability(of xTilde: [Float], given x: [Float]) throws -> Double {
        let (keep, change, changed) = try countChanges(xTilde, x)
        return Self.logPower(keep, x.count - changed) + Self.logPower(change, changed)
    }

    /// Checks the inputs and counts the pixels where x̃ differs from x.
    private func countChanges(_ xTilde: [Float], _ x: [Float]) throws -> (keep: Double, change: Double, changed: Int) {
        guard x.count == xTilde.count else { throw CorruptionError.lengthMismatch(x: x.count, xTilde: xTilde.count) }
        let (keep, change) = try keepAndChange()
        try Self.checkBinary(x)
        try Self.checkBinary(xTilde)
        var changed = 0
        for i in 0..<x.count where x[i] != xTilde[i] { changed += 1 }
        return (keep, change, changed)
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
        let (keep, change) = try keepAndChange()
        try Self.checkBinary(x)
        var result: [(xTilde: [Float], probability: Double)] = []
        result.reserveCapacity(1 << d)
        for k in 0..<(1 << d) {
            var xt = [Float](repeating: 0, count: d)
            var changed = 0
            for i in 0..<d {
                let bit: Float = (k >> (d - 1 - i)) & 1 == 1 ? 1 : 0
                xt[i] = bit
                if bit != x[i] { changed += 1 }
            }
            let p = Self.power(keep, d - changed) * Self.power(change, changed)
            result.append((xTilde: xt, probability: p))
        }
        return result
    }

    /// b^n with 0^0 = 1.
    private static func power(_ b: Double, _ n: Int) -> Double { n == 0 ? 1 : pow(b, Double(n)) }
    /// n · log b with 0 · log 0 = 0.
    private static func logPower(_ b: Double, _ n: Int) -> Double { n == 0 ? 0 : Double(n) * log(b) }
}
