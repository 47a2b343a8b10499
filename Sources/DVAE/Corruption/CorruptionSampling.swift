import CKernels

extension Corruption {
    /// Draws x̃ ~ p(x̃ | x) for every element of `x`, writing into `out`.
    ///
    /// `out` must have the shape of `x`; it may be `x` itself (in-place corruption). The loop
    /// allocates nothing. Pixels are visited in row-major order and each draws from `rng` in turn,
    /// so a seed reproduces the same corruption. The level is assumed valid (see `validate()`).
    public func apply(_ x: Tensor, into out: Tensor, rng: inout RNG) {
        apply(x, rows: 0..<x.rows, into: out, rng: &rng)
    }

    /// Draws x̃ ~ p(x̃ | x) for the rows `rows` of `x` only, into the same rows of `out` (the
    /// objectives corrupt each example from its own random stream). Applying to consecutive row
    /// ranges with one `rng` gives the same result as one call on the whole tensor.
    public func apply(_ x: Tensor, rows: Range<Int>, into out: Tensor, rng: inout RNG) {
        precondition(out.rows == x.rows && out.cols == x.cols,
                     "Corruption.apply: output is \(out.rows)×\(out.cols), input is \(x.rows)×\(x.cols)")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= x.rows, "Corruption.apply: rows \(rows) out of 0..<\(x.rows)")
        let n = rows.count * x.cols
        let src = x.data + rows.lowerBound * x.cols, dst = out.data + rows.lowerBound * x.cols
        switch self {
        case .none:
            if src != dst { dst.update(from: src, count: n) }
        case .saltPepper(let p):
            // One uniform u per pixel: u < p replaces the pixel, and given that, u < p/2 (probability ½)
            // chooses 0, otherwise 1.
            let half = p * 0.5
            for i in 0..<n {
                let u = rng.uniform()
                dst[i] = u < p ? (u < half ? 0 : 1) : src[i]
            }
        case .saltPepperAuthors(let p):
            // a ~ Bernoulli(1 − p) keeps the pixel (u ≥ p); otherwise b ~ Bernoulli(p) from a
            // second uniform replaces it.
            for i in 0..<n {
                let u = rng.uniform()
                if u < p {
                    dst[i] = rng.uniform() < p ? 1 : 0
                } else {
                    dst[i] = src[i]
                }
            }
        case .bitFlip(let p):
            for i in 0..<n {
                let v = src[i]
                dst[i] = rng.uniform() < p ? 1 - v : v
            }
        case .gaussian(let sigma):
            for i in 0..<n { dst[i] = src[i] + sigma * rng.normal() }
        }
    }

    /// Returns a new tensor x̃ ~ p(x̃ | x) (see `apply(_:into:rng:)`).
    public func apply(_ x: Tensor, rng: inout RNG) -> Tensor {
        let out = Tensor(rows: x.rows, cols: x.cols)
        apply(x, into: out, rng: &rng)
        return out
    }

    /// Corrupts a plain vector (convenience for small examples and notebooks).
    public func apply(_ x: [Float], rng: inout RNG) -> [Float] {
        let t = Tensor(rows: 1, cols: x.count, values: x)
        apply(t, into: t, rng: &rng)
        return t.array
    }
}

extension Corruption {
    /// Corrupts example e = 0 ..< `streams.count` — rows e·`rowsPerExample` ..< (e + 1)·`rowsPerExample`
    /// of `x` — into the same rows of `out`, drawing from `streams[e]`: the same pixels and the same
    /// advanced streams as `apply(x, rows:into:rng: &streams[e])` example by example. Salt-and-pepper
    /// and bit-flip (one uniform per pixel) advance eight streams at once in a vector kernel
    /// (`dvae_corrupt_streams`); the other kinds run example by example.
    func apply(_ x: Tensor, into out: Tensor, rowsPerExample: Int, streams: inout [RNG]) {
        let E = streams.count
        precondition(out.rows == x.rows && out.cols == x.cols && E * rowsPerExample <= x.rows,
                     "Corruption.apply: \(E) examples of \(rowsPerExample) rows in \(x.rows)")
        let mode: dvae_corrupt_mode, p: Float
        switch self {
        case .saltPepper(let level): (mode, p) = (DVAE_CORRUPT_SALT_PEPPER, level)
        case .bitFlip(let level): (mode, p) = (DVAE_CORRUPT_BIT_FLIP, level)
        default:
            for e in 0..<E { apply(x, rows: e * rowsPerExample ..< (e + 1) * rowsPerExample, into: out, rng: &streams[e]) }
            return
        }
        var words = [UInt64](repeating: 0, count: 4 * E)
        for e in 0..<E { (words[4 * e], words[4 * e + 1], words[4 * e + 2], words[4 * e + 3]) = streams[e].stateWords }
        dvae_corrupt_streams(&words, x.data, out.data, E, rowsPerExample * x.cols, mode, p)
        for e in 0..<E { streams[e].stateWords = (words[4 * e], words[4 * e + 1], words[4 * e + 2], words[4 * e + 3]) }
    }
}
