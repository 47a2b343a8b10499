/// Which Monte Carlo lower bound of log p(x) to estimate.
public enum BoundKind: Equatable, Codable, Sendable, CustomStringConvertible {
    /// The evidence lower bound, one sample z ~ q(z|x) per example.
    case elbo
    /// The same ELBO with the KL term in closed form: log p(x|z) at one z ~ q(z|x) minus
    /// KL(q(z|x) ‖ p(z)) = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²). Same expectation as `elbo`, lower
    /// variance; the test cost of the authors' code.
    case elboAnalytic
    /// The importance-weighted bound with k samples per example (IWAE-1 is the ELBO).
    case iwae(Int)

    /// Samples per example.
    public var samples: Int {
        switch self {
        case .elbo, .elboAnalytic: return 1
        case .iwae(let k): return k
        }
    }

    /// `"elbo"`, `"elbo-analytic"` or `"iwae-<k>"`.
    public var description: String {
        switch self {
        case .elbo: return "elbo"
        case .elboAnalytic: return "elbo-analytic"
        case .iwae(let k): return "iwae-\(k)"
        }
    }
}

/// A bound averaged over a dataset, in nats per example (higher is better).
public struct BoundEstimate: Codable, Equatable, Sendable {
    /// Which bound.
    public var kind: BoundKind
    /// Mean over examples of the per-example estimate.
    public var mean: Double
    /// Standard error of the mean: (sample standard deviation over examples) / √count.
    public var standardError: Double
    /// Number of examples.
    public var count: Int

    /// An estimate with the given fields.
    public init(kind: BoundKind, mean: Double, standardError: Double, count: Int) {
        self.kind = kind
        self.mean = mean
        self.standardError = standardError
        self.count = count
    }

    /// Mean and standard error of per-example values.
    public init(kind: BoundKind, values: [Double]) {
        let (m, se) = BoundEstimate.meanAndStandardError(values)
        self.init(kind: kind, mean: m, standardError: se, count: values.count)
    }

    /// The mean of `values` and its standard error (sample standard deviation / √count; 0 for
    /// fewer than two values), accumulated in Double.
    public static func meanAndStandardError(_ values: [Double]) -> (mean: Double, standardError: Double) {
        let n = values.count
        var s = 0.0
        for v in values { s += v }
        let m = n > 0 ? s / Double(n) : 0
        var ss = 0.0
        for v in values { ss += (v - m) * (v - m) }
        let sd = n > 1 ? (ss / Double(n - 1)).squareRoot() : 0
        return (m, n > 0 ? sd / Double(n).squareRoot() : 0)
    }
}
