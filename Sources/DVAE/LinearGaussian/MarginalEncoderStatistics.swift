/// Helpers for the paper's Examples 1 and 2: samples of the marginal encoder
/// q̃(z|x) = ∫ q(z|x̃) p(x̃|x) dx̃, their moments and normality statistics, and the exact density of
/// q̃ when the corruption is discrete (a finite Gaussian mixture).

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Sampling the marginal encoder q̃(z|x) through a corruption and an arbitrary encoder.
public enum MarginalEncoderSampler {
    /// `count` draws z ~ q̃(z|x) as a count × L matrix: for each draw, x̃ = `corrupt`(x), then
    /// (μ, log σ²) = `encoder`(x̃) and z = μ + exp(½ log σ²) ⊙ ε with ε ~ N(0, I).
    ///
    /// Works for any encoder written as a closure, e.g. Example 2's non-linear scalar encoder
    /// `{ xt in ([tanh(2 * xt[0])], [log(0.1 + xt[0] * xt[0])]) }`.
    public static func sample(x: [Double], count: Int, rng: inout RNG,
                              corrupt: (inout RNG, [Double]) -> [Double],
                              encoder: ([Double]) -> (mu: [Double], logVar: [Double])) -> DenseMatrix {
        precondition(count > 0)
        var out: DenseMatrix? = nil
        for n in 0..<count {
            let xt = corrupt(&rng, x)
            let (mu, lv) = encoder(xt)
            if out == nil { out = DenseMatrix(rows: count, cols: mu.count) }
            for j in 0..<mu.count { out![n, j] = mu[j] + exp(0.5 * lv[j]) * ExactGaussian.standardNormal(&rng) }
        }
        return out!
    }

    /// Gaussian corruption x̃ = x + σ ε as a closure for `sample`.
    public static func gaussianCorruption(sigma: Double) -> (inout RNG, [Double]) -> [Double] {
        { rng, x in x.map { $0 + sigma * ExactGaussian.standardNormal(&rng) } }
    }

    /// Bit-flip corruption of a binary x (each coordinate flipped with probability p) as a closure for `sample`.
    public static func bitFlipCorruption(p: Double) -> (inout RNG, [Double]) -> [Double] {
        { rng, x in x.map { rng.uniformDouble() < p ? 1 - $0 : $0 } }
    }
}

/// Moments and normality statistics of a sample (rows are draws, columns are dimensions).
///
/// Per dimension: skewness g1 = m3 / m2^{3/2} and excess kurtosis g2 = m4 / m2² − 3 (central moments
/// with divisor n), and the Jarque–Bera statistic JB = n/6 (g1² + g2²/4), asymptotically χ²(2) under
/// normality, p-value exp(−JB/2).
///
/// Jointly, Mardia's multivariate skewness and kurtosis. With the whitened draws
/// y_i = S^{-1/2}(x_i − x̄) (S the covariance with divisor n; we use the Cholesky factor, the statistics
/// are invariant to the choice of square root):
/// - b1 = (1/n²) Σ_ij (y_iᵀ y_j)³. Expanding the cube, b1 = Σ_{a,b,c} m_abc² with
///   m_abc = (1/n) Σ_i y_ia y_ib y_ic, which costs O(n d³) instead of O(n² d). n b1 / 6 ~ χ²(d(d+1)(d+2)/6).
/// - b2 = (1/n) Σ_i |y_i|⁴; under normality (b2 − d(d+2)) / √(8 d(d+2)/n) ~ N(0, 1).
/// A small p-value says "not Gaussian"; a large one says the sample cannot tell.
public struct MomentStatistics: Sendable {
    /// Number of draws n.
    public let count: Int
    /// Sample mean, per dimension.
    public let mean: [Double]
    /// Sample covariance (divisor n − 1).
    public let covariance: DenseMatrix
    /// Per-dimension skewness g1.
    public let skewness: [Double]
    /// Per-dimension excess kurtosis g2 (0 for a Gaussian).
    public let excessKurtosis: [Double]
    /// Per-dimension Jarque–Bera statistic.
    public let jarqueBera: [Double]
    /// Per-dimension Jarque–Bera p-value (χ²(2) tail).
    public let jarqueBeraPValue: [Double]
    /// Mardia's multivariate skewness b1 (0 for a Gaussian).
    public let mardiaSkewness: Double
    /// p-value of n b1 / 6 against χ²(d(d+1)(d+2)/6).
    public let mardiaSkewnessPValue: Double
    /// Mardia's multivariate kurtosis b2 (d(d+2) for a Gaussian).
    public let mardiaKurtosis: Double
    /// The standardised kurtosis statistic (b2 − d(d+2)) / √(8 d(d+2)/n).
    public let mardiaKurtosisZ: Double
    /// Two-sided normal p-value of `mardiaKurtosisZ`.
    public let mardiaKurtosisPValue: Double

    /// Statistics of the rows of `samples` (n × d, n ≥ 4).
    public init(samples: DenseMatrix) {
        let n = samples.rows, d = samples.cols
        precondition(n >= 4 && d >= 1, "need at least 4 draws")
        let nd = Double(n)
        count = n
        var mean = Array(repeating: 0.0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += samples[i, j] } }
        mean = mean.map { $0 / nd }
        self.mean = mean

        // Centred data, biased covariance S (divisor n) for Mardia, unbiased for `covariance`.
        var centred = samples
        for i in 0..<n { for j in 0..<d { centred[i, j] -= mean[j] } }
        let scatter = centred.transposed * centred
        covariance = (1 / (nd - 1)) * scatter

        var g1 = [Double](), g2 = [Double](), jb = [Double](), jbp = [Double]()
        for j in 0..<d {
            var m2 = 0.0, m3 = 0.0, m4 = 0.0
            for i in 0..<n { let v = centred[i, j]; let v2 = v * v; m2 += v2; m3 += v2 * v; m4 += v2 * v2 }
            m2 /= nd; m3 /= nd; m4 /= nd
            let s = m3 / pow(m2, 1.5), k = m4 / (m2 * m2) - 3
            g1.append(s); g2.append(k)
            let stat = nd / 6 * (s * s + k * k / 4)
            jb.append(stat); jbp.append(exp(-stat / 2))
        }
        skewness = g1; excessKurtosis = g2; jarqueBera = jb; jarqueBeraPValue = jbp

        // Whitening: with S = R Rᵀ, y_i = R⁻¹ (x_i − x̄) has identity covariance.
        let chol = try? Cholesky(((1 / nd) * scatter).symmetrized)
        guard let chol else {
            // Degenerate sample (e.g. constant dimension): Mardia's statistics are undefined.
            mardiaSkewness = .nan; mardiaSkewnessPValue = .nan
            mardiaKurtosis = .nan; mardiaKurtosisZ = .nan; mardiaKurtosisPValue = .nan
            return
        }
        var third = Array(repeating: 0.0, count: d * d * d)
        var b2 = 0.0
        for i in 0..<n {
            let y = chol.solveLower(centred.row(i))
            let r2 = ExactGaussian.dot(y, y)
            b2 += r2 * r2
            for a in 0..<d { for b in 0..<d { let yab = y[a] * y[b]; for c in 0..<d { third[(a * d + b) * d + c] += yab * y[c] } } }
        }
        let b1 = third.reduce(0) { $0 + ($1 / nd) * ($1 / nd) }
        b2 /= nd
        mardiaSkewness = b1
        let dof = Double(d * (d + 1) * (d + 2)) / 6
        mardiaSkewnessPValue = SpecialFunctions.chiSquaredSurvival(nd * b1 / 6, degreesOfFreedom: dof)
        mardiaKurtosis = b2
        let dd = Double(d * (d + 2))
        mardiaKurtosisZ = (b2 - dd) / (8 * dd / nd).squareRoot()
        mardiaKurtosisPValue = erfc(abs(mardiaKurtosisZ) / 2.0.squareRoot())
    }
}

/// A finite mixture of diagonal Gaussians Σ_j π_j N(z; μ_j, diag σ²_j).
///
/// Example 1: with bit-flip or salt-and-pepper corruption of a binary x ∈ {0,1}^D, x̃ takes finitely
/// many values, so q̃(z|x) = Σ_{x̃} p(x̃|x) N(z; μ(x̃), diag σ²(x̃)) exactly. Pass the probabilities
/// p(x̃|x) of the enumerated corrupted inputs as `weights` and the encoder outputs on them.
public struct GaussianMixture: Sendable {
    /// Mixture weights π_j (normalised to sum to one).
    public let weights: [Double]
    /// Component means μ_j.
    public let means: [[Double]]
    /// Component variances σ²_j (diagonal).
    public let variances: [[Double]]

    /// A mixture from weights (any positive scale; they are normalised), means and log-variances.
    /// Components with weight zero are dropped.
    public init(weights: [Double], means: [[Double]], logVariances: [[Double]]) {
        precondition(weights.count == means.count && weights.count == logVariances.count && !weights.isEmpty)
        precondition(weights.allSatisfy { $0 >= 0 }, "weights must be non-negative")
        let total = weights.reduce(0, +)
        precondition(total > 0, "weights sum to zero")
        let keep = weights.indices.filter { weights[$0] > 0 }
        self.weights = keep.map { weights[$0] / total }
        self.means = keep.map { means[$0] }
        self.variances = keep.map { logVariances[$0].map { exp($0) } }
    }

    /// Dimension of z.
    public var dimension: Int { means[0].count }

    /// log q̃(z) = log Σ_j π_j N(z; μ_j, σ²_j), by log-sum-exp.
    public func logDensity(_ z: [Double]) -> Double {
        var terms = [Double]()
        terms.reserveCapacity(weights.count)
        for j in 0..<weights.count {
            terms.append(log(weights[j]) + ExactGaussian.diagonalLogDensity(z, mean: means[j], variance: variances[j]))
        }
        let m = terms.max()!
        return m + log(terms.reduce(0) { $0 + exp($1 - m) })
    }

    /// Mixture mean Σ_j π_j μ_j.
    public var mean: [Double] {
        var m = Array(repeating: 0.0, count: dimension)
        for j in 0..<weights.count { for a in 0..<dimension { m[a] += weights[j] * means[j][a] } }
        return m
    }

    /// Mixture covariance by the law of total variance: Σ_j π_j [diag σ²_j + (μ_j − μ̄)(μ_j − μ̄)ᵀ].
    public var covariance: DenseMatrix {
        let mbar = mean
        var c = DenseMatrix(rows: dimension, cols: dimension)
        for j in 0..<weights.count {
            let d = zip(means[j], mbar).map { $0 - $1 }
            for a in 0..<dimension {
                c[a, a] += weights[j] * variances[j][a]
                for b in 0..<dimension { c[a, b] += weights[j] * d[a] * d[b] }
            }
        }
        return c
    }

    /// `count` draws (count × dimension): pick a component by its weight, then draw from it.
    public func sample(count: Int, rng: inout RNG) -> DenseMatrix {
        var cumulative = [Double](); var acc = 0.0
        for w in weights { acc += w; cumulative.append(acc) }
        var out = DenseMatrix(rows: count, cols: dimension)
        for n in 0..<count {
            let u = rng.uniformDouble() * acc
            let j = cumulative.firstIndex { u < $0 } ?? (weights.count - 1)
            for a in 0..<dimension {
                out[n, a] = means[j][a] + variances[j][a].squareRoot() * ExactGaussian.standardNormal(&rng)
            }
        }
        return out
    }
}

/// Special functions for the p-values above.
public enum SpecialFunctions {
    /// P(X > x) for X ~ χ²(k): the regularised upper incomplete gamma function Q(k/2, x/2).
    public static func chiSquaredSurvival(_ x: Double, degreesOfFreedom k: Double) -> Double {
        if x <= 0 { return 1 }
        return regularizedGammaQ(a: k / 2, x: x / 2)
    }

    /// Q(a, x) = Γ(a, x) / Γ(a): series for P = 1 − Q when x < a + 1, Lentz continued fraction otherwise
    /// (the standard split; both converge fast on their side).
    public static func regularizedGammaQ(a: Double, x: Double) -> Double {
        precondition(a > 0 && x >= 0)
        if x == 0 { return 1 }
        let logPrefactor = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            // P(a, x) = e^{−x} x^a / Γ(a) Σ_n x^n / (a (a+1) … (a+n)).
            var term = 1 / a, sum = term, ap = a
            for _ in 0..<10_000 {
                ap += 1; term *= x / ap; sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * exp(logPrefactor))
        }
        // Q(a, x) = e^{−x} x^a / Γ(a) · 1/(x + 1 − a − 1·(1−a)/(x + 3 − a − 2·(2−a)/(x + 5 − a − …))).
        let tiny = 1e-300
        var bb = x + 1 - a, cc = 1 / tiny, dd = 1 / bb, h = dd
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            bb += 2
            dd = an * dd + bb; if abs(dd) < tiny { dd = tiny }
            cc = bb + an / cc; if abs(cc) < tiny { cc = tiny }
            dd = 1 / dd
            let delta = dd * cc
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return min(1, exp(logPrefactor) * h)
    }
}
