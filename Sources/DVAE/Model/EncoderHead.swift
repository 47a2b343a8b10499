/// How an MLP encoder's head outputs become q(z|x) = N(μ, diag exp(logVar)): the part of
/// `MLPEncoder` that varies (the body is `MLPBody`).
///
/// A head declares the affine heads it reads (`heads(latent:)`), maps their outputs to (μ, logVar)
/// in `forward`, and maps dL/dμ, dL/dlogVar back to dL/d(outputs) in `backward`.
public protocol EncoderHead: AnyObject {
    /// The body heads this head reads, in order (named under `encoder.`).
    func heads(latent: Int) -> [HeadSpec]
    /// Head outputs (n × L each) → (μ, logVar), n × L each; may return the outputs themselves.
    func forward(_ outputs: [Tensor]) -> (mu: Tensor, logVar: Tensor)
    /// dL/dμ, dL/dlogVar (n × L) → dL/d(outputs), same order as `heads`; after `forward`.
    func backward(dMu: Tensor, dLogVar: Tensor) -> [Tensor]
}

/// The paper's head: `encoder.mu` gives μ and `encoder.logvar` gives log σ² directly (identity
/// maps). By default the log-variance weights start shrunk by 10 so that σ ≈ 1 for every input at
/// first. (The authors' log σ parameterisation wraps any encoder: `LogSigmaEncoder`.)
public final class LogVarianceHead: EncoderHead {
    /// True when the `logvar` head's initial weights are scaled by 0.1.
    public let shrinkVarianceHead: Bool

    /// A stateless head; `shrinkVarianceHead` false keeps plain Glorot-uniform weights.
    public init(shrinkVarianceHead: Bool = true) { self.shrinkVarianceHead = shrinkVarianceHead }

    /// `mu` (L) and `logvar` (L, initial weights × 0.1 when shrunk).
    public func heads(latent: Int) -> [HeadSpec] {
        [HeadSpec(name: "mu", size: latent),
         HeadSpec(name: "logvar", size: latent, initialWeightScale: shrinkVarianceHead ? 0.1 : 1)]
    }

    /// (μ, logVar) = (outputs[0], outputs[1]).
    public func forward(_ outputs: [Tensor]) -> (mu: Tensor, logVar: Tensor) { (outputs[0], outputs[1]) }

    /// The identity: [dL/dμ, dL/dlogVar].
    public func backward(dMu: Tensor, dLogVar: Tensor) -> [Tensor] { [dMu, dLogVar] }
}
