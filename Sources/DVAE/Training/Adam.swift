import Foundation

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

    /// A configuration with the usual defaults.
    public init(lr: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8) {
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
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

    /// Applies one update θ ← θ − α m̂ / (√v̂ + ε) using the current gradients (which it leaves as is).
    public func update() {
        step += 1
        let b1 = config.beta1, b2 = config.beta2, eps = config.eps
        // Bias corrections folded into the step size (computed in Double for large step counts).
        let c1 = 1 - pow(Double(b1), Double(step))
        let c2 = 1 - pow(Double(b2), Double(step))
        let alpha = Float(Double(config.lr) * c2.squareRoot() / c1)
        let epsHat = eps * Float(c2.squareRoot())
        for i in parameters.indices {
            let p = parameters[i]
            adamKernel(p.value.data, p.grad.data, m[i].data, v[i].data, p.value.count,
                       b1, b2, alpha, epsHat)
        }
    }
}

/// The element-wise Adam update over n contiguous floats (a separate function with plain pointer
/// arguments so the loop is vectorised).
@inline(never)
func adamKernel(_ w: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ n: Int,
                _ b1: Float, _ b2: Float, _ alpha: Float, _ eps: Float) {
    let c1 = 1 - b1, c2 = 1 - b2
    for j in 0..<n {
        let gj = g[j]
        let mj = b1 * m[j] + c1 * gj
        let vj = b2 * v[j] + c2 * gj * gj
        m[j] = mj
        v[j] = vj
        w[j] -= alpha * mj / (fastSqrt(vj) + eps)
    }
}
