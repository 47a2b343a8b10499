/// Direct Monte Carlo estimates (in Double) of the linear-Gaussian quantities, as an independent
/// check of the closed forms in `LinearGaussianModel.swift`.
///
/// Each quantity is the expectation of a per-sample value f over the sampling scheme written next to
/// it; the estimate is the sample mean and its standard error is the sample standard deviation / √N.

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A Monte Carlo estimate: mean ± standard error over `count` samples.
public struct MonteCarloEstimate: Sendable, Equatable, CustomStringConvertible {
    /// The estimate.
    public var mean: Double
    /// Its standard error (standard deviation of the estimator).
    public var standardError: Double
    /// Number of samples behind it.
    public var count: Int

    /// An estimate from its parts.
    public init(mean: Double, standardError: Double, count: Int) {
        self.mean = mean; self.standardError = standardError; self.count = count
    }

    /// The estimate from a list of i.i.d. samples.
    public init(samples: [Double]) {
        precondition(samples.count >= 2, "need at least two samples for a standard error")
        let n = Double(samples.count)
        let m = samples.reduce(0, +) / n
        let v = samples.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        self.init(mean: m, standardError: (v / n).squareRoot(), count: samples.count)
    }

    /// How many standard errors `value` is away from the estimate. Differences below 1e-10 (1 + |value|)
    /// count as zero (round-off, e.g. a quantity that is exactly zero for σ = 0); otherwise a zero
    /// standard error gives ∞.
    public func zScore(of value: Double) -> Double {
        let d = abs(value - mean)
        if d <= 1e-10 * (1 + abs(value)) { return 0 }
        if standardError == 0 { return .infinity }
        return d / standardError
    }

    /// The average of independent estimates (one per data point): mean of means, SE = √(Σ SE²) / n.
    public static func average(_ parts: [MonteCarloEstimate]) -> MonteCarloEstimate {
        precondition(!parts.isEmpty)
        let n = Double(parts.count)
        let m = parts.reduce(0) { $0 + $1.mean } / n
        let se = parts.reduce(0) { $0 + $1.standardError * $1.standardError }.squareRoot() / n
        return MonteCarloEstimate(mean: m, standardError: se, count: parts.reduce(0) { $0 + $1.count })
    }

    /// "mean ± se".
    public var description: String { "\(mean) ± \(standardError)" }
}

/// Monte Carlo estimates of every `LinearGaussianQuantities` field.
public struct LinearGaussianMonteCarlo: Sendable {
    /// log p(x), by importance sampling with the clean encoder q(z|x) as proposal:
    /// log (1/N Σ w_n), w_n = p(x, z_n)/q(z_n|x); SE by the delta method, sd(w)/(√N · mean w).
    public var logMarginal: MonteCarloEstimate
    /// L_dvae: x̃ ~ p(x̃|x), z ~ q(z|x̃) jointly; f = log p(x,z) − log q(z|x̃).
    public var dvae: MonteCarloEstimate
    /// L_cvae: z ~ q̃(z|x); f = log p(x,z) − log q̃(z|x).
    public var cvae: MonteCarloEstimate
    /// Lemma 1's middle term: x̃ ~ p(x̃|x) and z ~ q̃(z|x) independently; f = log p(x,z) − log q(z|x̃).
    public var independentMiddle: MonteCarloEstimate
    /// Plain ELBO: z ~ q(z|x); f = log p(x,z) − log q(z|x).
    public var elbo: MonteCarloEstimate
    /// E KL(q(z|x̃) ‖ p(z|x)): same joint samples as `dvae`; f = log q(z|x̃) − log p(z|x).
    public var klToPosterior: MonteCarloEstimate
    /// E KL(q(z|x̃) ‖ q̃(z|x)): same joint samples as `dvae`; f = log q(z|x̃) − log q̃(z|x).
    public var klToMarginalEncoder: MonteCarloEstimate

    /// Field by field `MonteCarloEstimate.average`.
    public static func average(_ parts: [LinearGaussianMonteCarlo]) -> LinearGaussianMonteCarlo {
        func avg(_ k: KeyPath<LinearGaussianMonteCarlo, MonteCarloEstimate>) -> MonteCarloEstimate {
            MonteCarloEstimate.average(parts.map { $0[keyPath: k] })
        }
        return LinearGaussianMonteCarlo(logMarginal: avg(\.logMarginal), dvae: avg(\.dvae), cvae: avg(\.cvae),
                                        independentMiddle: avg(\.independentMiddle), elbo: avg(\.elbo),
                                        klToPosterior: avg(\.klToPosterior),
                                        klToMarginalEncoder: avg(\.klToMarginalEncoder))
    }

    /// The largest |MC − exact| / SE over all fields (how many standard errors apart they are).
    public func maxZScore(against exact: LinearGaussianQuantities) -> Double {
        [logMarginal.zScore(of: exact.logMarginal), dvae.zScore(of: exact.dvae), cvae.zScore(of: exact.cvae),
         independentMiddle.zScore(of: exact.independentMiddle), elbo.zScore(of: exact.elbo),
         klToPosterior.zScore(of: exact.klToPosterior),
         klToMarginalEncoder.zScore(of: exact.klToMarginalEncoder)].max()!
    }
}

extension LinearGaussianModel {
    /// Direct Monte Carlo estimates of all quantities at one data point x, with `samples` draws each.
    public func monteCarlo(_ x: [Double], samples: Int, rng: inout RNG) -> LinearGaussianMonteCarlo {
        precondition(x.count == D && samples >= 2)
        let (mPost, sPost) = posterior(x)
        let postChol = try! Cholesky(sPost)
        let (mu, qTildeCov) = marginalEncoder(x)
        let qTildeChol = try! Cholesky(qTildeCov)
        let sdV = Vdiag.map { $0.squareRoot() }

        func normals(_ n: Int) -> [Double] { (0..<n).map { _ in ExactGaussian.standardNormal(&rng) } }
        func corrupt() -> [Double] { zip(x, normals(D)).map { $0 + sigma * $1 } }
        func sampleQ(mean m: [Double]) -> [Double] { zip(m, zip(sdV, normals(L))).map { $0 + $1.0 * $1.1 } }
        func sampleQTilde() -> [Double] { zip(mu, qTildeChol.lower * normals(L)).map { $0 + $1 } }
        func logQ(_ z: [Double], mean m: [Double]) -> Double { ExactGaussian.diagonalLogDensity(z, mean: m, variance: Vdiag) }

        var fDvae = [Double](), fKLp = [Double](), fKLq = [Double](), fCvae = [Double](), fInd = [Double]()
        var fElbo = [Double](), logW = [Double]()
        for _ in 0..<samples {
            // Joint scheme: x̃, then z ~ q(z|x̃).
            let m = encoderMean(corrupt())
            let z = sampleQ(mean: m)
            let lq = logQ(z, mean: m), lj = logJoint(x: x, z: z)
            fDvae.append(lj - lq)
            fKLp.append(lq - ExactGaussian.logDensity(z, mean: mPost, covariance: postChol))
            fKLq.append(lq - ExactGaussian.logDensity(z, mean: mu, covariance: qTildeChol))
            // Marginal encoder.
            let zt = sampleQTilde()
            fCvae.append(logJoint(x: x, z: zt) - ExactGaussian.logDensity(zt, mean: mu, covariance: qTildeChol))
            // Independent scheme: a fresh x̃, unrelated to zt.
            let mInd = encoderMean(corrupt())
            fInd.append(logJoint(x: x, z: zt) - logQ(zt, mean: mInd))
            // Clean encoder: ELBO samples double as importance weights for log p(x).
            let zc = sampleQ(mean: mu)
            let f = logJoint(x: x, z: zc) - logQ(zc, mean: mu)
            fElbo.append(f); logW.append(f)
        }
        // log-mean-exp with its delta-method standard error.
        let maxLW = logW.max()!
        let w = logW.map { exp($0 - maxLW) }
        let wStat = MonteCarloEstimate(samples: w)
        let logMarg = MonteCarloEstimate(mean: maxLW + log(wStat.mean),
                                         standardError: wStat.standardError / wStat.mean, count: samples)
        return LinearGaussianMonteCarlo(logMarginal: logMarg, dvae: MonteCarloEstimate(samples: fDvae),
                                        cvae: MonteCarloEstimate(samples: fCvae),
                                        independentMiddle: MonteCarloEstimate(samples: fInd),
                                        elbo: MonteCarloEstimate(samples: fElbo),
                                        klToPosterior: MonteCarloEstimate(samples: fKLp),
                                        klToMarginalEncoder: MonteCarloEstimate(samples: fKLq))
    }

    /// Direct Monte Carlo estimates averaged over the rows of `data`, `samplesPerPoint` draws per row.
    /// Standard errors are Monte Carlo errors conditional on these data points.
    public func monteCarlo(data: DenseMatrix, samplesPerPoint: Int, rng: inout RNG) -> LinearGaussianMonteCarlo {
        precondition(data.cols == D && data.rows > 0)
        return LinearGaussianMonteCarlo.average((0..<data.rows).map {
            monteCarlo(data.row($0), samples: samplesPerPoint, rng: &rng)
        })
    }
}
