import Foundation

/// How a training objective scores the latent term log p(z) − log q(z|x̃) of the ELBO.
///
/// The single source of the words the language's `kl …` accepts.
public enum KLEstimator: String, Codable, Sendable, CaseIterable, NamedChoice {
    /// One-sample Monte Carlo: log w = log p(x|z) + log p(z) − log q(z|x̃) at the drawn z
    /// (the engine's default, and the only choice for importance-weighted objectives).
    case monteCarlo = "monte_carlo"
    /// Closed form: log w = log p(x|z) − KL(q(z|x̃) ‖ N(0, I)), the authors' training cost
    /// (BCE + analytic KL in their `dvae.py`). Same expectation, less gradient noise. Valid for
    /// `vae` and `dvae` only: an importance weight needs the per-sample log ratio.
    case analytic

    /// The word the language writes.
    public var name: String { rawValue }

    /// The estimator called `name` (its word, or `mc` / `closed_form`), or nil.
    public init?(name: String) {
        switch name.lowercased() {
        case "monte_carlo", "mc", "monte-carlo": self = .monteCarlo
        case "analytic", "closed_form", "closed-form": self = .analytic
        default: return nil
        }
    }

    /// Why `self` cannot train `objective`, or nil when it can.
    public func problem(with objective: ObjectiveKind) -> String? {
        guard self == .analytic, objective.isImportanceWeighted else { return nil }
        return "the analytic KL applies to vae and dvae only: \(objective.rawValue) weights each sample by its own log p(x,z)/q(z|x̃)"
    }
}

/// KL(N(μ, diag exp(logVar)) ‖ N(0, I)) = ½ Σ_j (μ_j² + exp(logVar_j) − 1 − logVar_j) for one
/// encoder row of `L` units, accumulated in Double.
func analyticKL(mu: UnsafePointer<Float>, logVar: UnsafePointer<Float>, count L: Int) -> Double {
    var kl = 0.0
    for j in 0..<L {
        let m = Double(mu[j]), lv = Double(logVar[j])
        kl += 0.5 * (m * m + exp(lv) - 1 - lv)
    }
    return kl
}
