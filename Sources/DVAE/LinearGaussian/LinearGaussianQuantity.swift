/// The quantities of the linear-Gaussian model that can be asked of data, each with its name,
/// its closed form and its Monte Carlo estimate: the single source the language's
/// `bound G on DATA QUANTITY [exact | samples N]` and its help read.
public enum LinearGaussianQuantity: String, CaseIterable, Sendable {
    /// log p(x).
    case logMarginal = "logpx"
    /// L_dvae (Eq. 4).
    case dvae
    /// L_cvae (Eq. 5), with the marginal encoder q̃.
    case cvae
    /// E_{x̃} KL(q(z|x̃) ‖ p(z|x)).
    case klToPosterior = "kl_post"
    /// E_{x̃} KL(q(z|x̃) ‖ q̃(z|x)).
    case klToMarginalEncoder = "kl_marginal"
    /// Lemma 1's middle term, z and x̃ drawn independently.
    case independentMiddle = "independent"
    /// The plain ELBO of the clean encoder (σ = 0).
    case elbo

    /// The name the language uses (`logpx`, `kl_post`, …).
    public var name: String { rawValue }

    /// The mathematical name, for labels: "log p(x)", "L_dvae", ….
    public var symbol: String {
        switch self {
        case .logMarginal: return "log p(x)"
        case .dvae: return "L_dvae"
        case .cvae: return "L_cvae"
        case .klToPosterior: return "E KL(q‖p(z|x))"
        case .klToMarginalEncoder: return "E KL(q‖q̃)"
        case .independentMiddle: return "L_ind"
        case .elbo: return "ELBO"
        }
    }

    /// One line for help.
    public var summary: String {
        switch self {
        case .logMarginal: return "log p(x)"
        case .dvae: return "L_dvae"
        case .cvae: return "L_cvae (marginal encoder q̃)"
        case .klToPosterior: return "E KL(q(z|x̃) ‖ p(z|x))"
        case .klToMarginalEncoder: return "E KL(q(z|x̃) ‖ q̃(z|x))"
        case .independentMiddle: return "the bound with z and x̃ drawn independently"
        case .elbo: return "the ELBO of the clean encoder"
        }
    }

    /// The closed form at one data point.
    public func exactValue(of model: LinearGaussianModel, at x: [Double]) -> Double {
        switch self {
        case .logMarginal: return model.logMarginal(x)
        case .dvae: return model.dvaeBound(x)
        case .cvae: return model.cvaeBound(x)
        case .klToPosterior: return model.expectedKLToPosterior(x)
        case .klToMarginalEncoder: return model.expectedKLToMarginalEncoder(x)
        case .independentMiddle: return model.independentMiddleTerm(x)
        case .elbo: return model.elbo(x)
        }
    }

    /// Where `LinearGaussianMonteCarlo` keeps this quantity's estimate.
    public var monteCarloField: KeyPath<LinearGaussianMonteCarlo, MonteCarloEstimate> {
        switch self {
        case .logMarginal: return \.logMarginal
        case .dvae: return \.dvae
        case .cvae: return \.cvae
        case .klToPosterior: return \.klToPosterior
        case .klToMarginalEncoder: return \.klToMarginalEncoder
        case .independentMiddle: return \.independentMiddle
        case .elbo: return \.elbo
        }
    }
}

extension LinearGaussianModel {
    /// `quantity` averaged over the rows of `data` (nats per data point).
    ///
    /// - `samples == nil`: the closed form per row; the standard error is the spread over rows
    ///   (sample standard deviation / √rows, as `BoundEstimate`), 0 for one row.
    /// - `samples = n ≥ 2`: `monteCarlo(_:samples:rng:)` per row with n draws, averaged; the
    ///   standard error is the Monte Carlo error given these rows. (log p(x) by sampling is an
    ///   importance-sampled IWAE-n estimate: biased low.)
    public func estimate(_ quantity: LinearGaussianQuantity, on data: DenseMatrix, samples: Int? = nil,
                         rng: inout RNG) -> MonteCarloEstimate {
        precondition(data.cols == D && data.rows > 0, "estimate: data must have D = \(D) columns and at least one row")
        let rows = (0..<data.rows).map { data.row($0) }
        if let n = samples {
            let parts = rows.map { monteCarlo($0, samples: n, rng: &rng) }
            return MonteCarloEstimate.average(parts.map { $0[keyPath: quantity.monteCarloField] })
        }
        let (mean, se) = BoundEstimate.meanAndStandardError(rows.map { quantity.exactValue(of: self, at: $0) })
        return MonteCarloEstimate(mean: mean, standardError: se, count: rows.count)
    }
}
