import CKernels
import Foundation

/// Which Adam update rule.
///
/// - `standard`: Kingma & Ba, m ← β1 m + (1 − β1) g, v ← β2 v + (1 − β2) g², bias corrections
///   1 − β1^t and 1 − β2^t.
/// - `authors`: the variant in the authors' `optimize.py` (`Optimize.ADAM`, after
///   danfischetti's DRAW code): the first-moment decay is β1_t = β1 · λ^(t − 1) with λ = 1e-8, so
///   it is β1 = 0.9 at step 1 and effectively **0** from step 2 on (m is just the current
///   gradient), while the bias correction still divides m by 1 − β1^t — the first steps after
///   step 1 are amplified (×5.3 at t = 2, ×3.7 at t = 3, → ×1). v and its correction are the
///   standard ones (β2 = 0.999). Their code writes β1 = 0.1 and β2 = 0.001 for 1 − β.
public enum AdamVariant: String, Codable, Equatable, Sendable, CaseIterable, NamedChoice {
    /// Kingma & Ba.
    case standard
    /// The authors' variant (effectively β1 ≈ 0 after the first step).
    case authors

    /// The word the language writes (`optimizer adam|authors_adam`).
    public var name: String {
        switch self {
        case .standard: return "adam"
        case .authors: return "authors_adam"
        }
    }
}

/// Adam hyper-parameters (Kingma & Ba). The paper uses lr = 1e-4.
public struct AdamConfig: Codable, Equatable, Sendable {
    /// Step size α.
    public var lr: Float
    /// Decay of the first-moment estimate.
    public var beta1: Float
    /// Decay of the second-moment estimate.
    public var beta2: Float
    /// Denominator offset ε.
    public var eps: Float
    /// The update rule (`standard` unless asked).
    public var variant: AdamVariant

    /// A configuration with the usual defaults.
    public init(lr: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8,
                variant: AdamVariant = .standard) {
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.variant = variant
    }

    private enum CodingKeys: String, CodingKey { case lr, beta1, beta2, eps, variant }

    /// Decodes a configuration; files written before `variant` existed read as `standard`.
    public init(from decoder: Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lr = try c.decode(Float.self, forKey: .lr)
        beta1 = try c.decode(Float.self, forKey: .beta1)
        beta2 = try c.decode(Float.self, forKey: .beta2)
        eps = try c.decode(Float.self, forKey: .eps)
        variant = try c.decodeIfPresent(AdamVariant.self, forKey: .variant) ?? .standard
    }
}

/// The Adam optimiser over a fixed list of parameters, descending on `Parameter.grad`.
///
/// State for checkpoints: `step` (number of updates applied) and, for parameter i, the moment
/// estimates `m[i]`, `v[i]` (same shape as `parameters[i].value`). Restoring `step`, `m` and `v`
/// (copy into the tensors) resumes exactly.
public final class Adam {
    /// The parameters updated, in order (normally `model.parameters`).
    public let parameters: [Parameter]
    /// Hyper-parameters (may be changed between steps, e.g. the learning rate).
    public var config: AdamConfig
    /// Number of updates applied so far (the bias-correction exponent).
    public var step: Int = 0
    /// First-moment estimates, one per parameter.
    public let m: [Tensor]
    /// Second-moment estimates, one per parameter.
    public let v: [Tensor]

    /// An optimiser with zero moments and `step` 0.
    public init(parameters: [Parameter], config: AdamConfig = AdamConfig()) {
        self.parameters = parameters
        self.config = config
        m = parameters.map { Tensor(rows: $0.value.rows, cols: $0.value.cols) }
        v = parameters.map { Tensor(rows: $0.value.rows, cols: $0.value.cols) }
    }

    /// The first moment of the parameter called `name`.
    public func firstMoment(named name: String) -> Tensor? {
        parameters.firstIndex { $0.name == name }.map { m[$0] }
    }

    /// The second moment of the parameter called `name`.
    public func secondMoment(named name: String) -> Tensor? {
        parameters.firstIndex { $0.name == name }.map { v[$0] }
    }

    /// The authors' λ: their first-moment decay at step t is β1 · λ^(t − 1).
    public static let authorsDecayBase: Double = 1e-8

    /// Applies one update θ ← θ − α m̂ / (√v̂ + ε) using the current gradients (which it leaves as is).
    /// With `threads` > 1 the (element-wise, so split-independent) update runs on that many workers.
    public func update(threads: Int = 1) {
        let c = coefficients(step: step + 1)
        step += 1
        forEachElementRange(of: parameters.map(\.value), threads: threads) { i, range in
            apply(c, parameter: i, range: range)
        }
    }

    /// The scalars of update number `step` (1-based): β1 of that step (the authors' variant decays
    /// it), β2, and the step size and ε with the bias corrections folded in.
    struct Coefficients {
        var beta1: Float, beta2: Float, alpha: Float, epsHat: Float
    }

    /// See `Coefficients`.
    func coefficients(step: Int) -> Coefficients {
        let b2 = config.beta2, eps = config.eps
        // The authors' variant decays β1 itself: β1_t = β1 λ^(t−1) (0.9, 9e-9, then 0 in Float).
        let b1 = config.variant == .authors
            ? Float(Double(config.beta1) * pow(Self.authorsDecayBase, Double(step - 1)))
            : config.beta1
        // Bias corrections folded into the step size (computed in Double for large step counts);
        // both variants divide m by 1 − β1^t with the configured β1.
        let c1 = 1 - pow(Double(config.beta1), Double(step))
        let c2 = 1 - pow(Double(b2), Double(step))
        return Coefficients(beta1: b1, beta2: b2, alpha: Float(Double(config.lr) * c2.squareRoot() / c1),
                            epsHat: eps * Float(c2.squareRoot()))
    }

    /// The update with coefficients `c` on elements `range` of parameter `i` (its gradient first
    /// multiplied by `gradientScale` and stored so, when that is not 1: gradient clipping). The
    /// caller advances `step` once per whole update; ranges may run on different threads.
    func apply(_ c: Coefficients, parameter i: Int, range: Range<Int>, gradientScale: Float = 1) {
        let p = parameters[i], o = range.lowerBound
        // m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  w ← w − α m / (√v + ε̂), one pass.
        if gradientScale == 1 {
            dvae_adam_update(p.value.data + o, p.grad.data + o, m[i].data + o, v[i].data + o, range.count,
                             c.beta1, c.beta2, c.alpha, c.epsHat)
        } else {
            dvae_adam_update_scaled(p.value.data + o, p.grad.data + o, m[i].data + o, v[i].data + o, range.count,
                                    gradientScale, c.beta1, c.beta2, c.alpha, c.epsHat)
        }
    }
}
