import CKernels

/// The element-wise non-linearities available to networks.
public enum ActivationKind: String, Codable, Sendable, CaseIterable {
    /// softplus(x) = ln(1 + eˣ), the paper's hidden unit.
    case softplus
    /// tanh(x).
    case tanh
    /// max(x, 0).
    case relu
}

/// An element-wise activation layer y = f(x) with backward dx = dy ⊙ f′(x).
///
/// Shapes: x, y, dy, dx all `n × width`. The forward pass stores f′(x) (computed from the same
/// exponential as f) so backward is a single multiply. Buffers are owned and reused.
public final class Activation {
    /// Which non-linearity.
    public let kind: ActivationKind
    /// False while the network only evaluates (see `VAEModel.evaluatingOnly`): `forward` then skips
    /// f′(x), which only `backward` reads.
    var keepsDerivative = true
    private var derivativeIsCurrent = false
    private var outputBuffer: Tensor?
    private var derivativeBuffer: Tensor?
    private var inputGradientBuffer: Tensor?

    /// An activation layer of the given kind.
    public init(_ kind: ActivationKind) { self.kind = kind }

    /// y = f(x), into the layer's own buffer.
    @discardableResult
    public func forward(_ x: Tensor) -> Tensor {
        let y = reuse(&outputBuffer, rows: x.rows, cols: x.cols)
        let n = x.count
        derivativeIsCurrent = keepsDerivative
        if !keepsDerivative {
            let xp = x.data, yp = y.data
            switch kind {
            case .softplus: dvae_softplus_value(xp, yp, n)
            case .tanh: for i in 0..<n { yp[i] = fastTanh(xp[i]) }
            case .relu: for i in 0..<n { yp[i] = max(xp[i], 0) }
            }
            return y
        }
        let d = reuse(&derivativeBuffer, rows: x.rows, cols: x.cols)
        let xp = x.data, yp = y.data, dp = d.data
        switch kind {
        case .softplus:
            dvae_softplus_forward(xp, yp, dp, n)             // y = softplus(x), d = softplus′ = sigmoid
        case .tanh:
            for i in 0..<n {
                let t = fastTanh(xp[i])
                yp[i] = t; dp[i] = 1 - t * t
            }
        case .relu:
            for i in 0..<n {
                let v = xp[i]
                yp[i] = max(v, 0); dp[i] = v > 0 ? 1 : 0
            }
        }
        return y
    }

    /// dx = dy ⊙ f′(x) for the last forward input, into the layer's own buffer.
    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        guard let d = derivativeBuffer, derivativeIsCurrent else {
            preconditionFailure("Activation.backward without a training forward (none, or an evaluation-only one)")
        }
        precondition(dy.rows == d.rows && dy.cols == d.cols, "Activation.backward: bad gradient shape")
        let dx = reuse(&inputGradientBuffer, rows: d.rows, cols: d.cols)
        let n = d.count
        dvae_multiply(dy.data, d.data, dx.data, n)         // dx = dy ⊙ f′(x)
        return dx
    }
}
