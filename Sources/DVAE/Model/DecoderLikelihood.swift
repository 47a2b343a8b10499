/// What an MLP decoder's head outputs mean: the observation model p(x|z) on top of an `MLPBody`
/// (the part of `MLPDecoder` that varies).
///
/// A likelihood declares the affine heads it reads (`heads(outputSize:)`), may own parameters of
/// its own (listed after the body's), and computes log p(x|z) per row, its gradient with respect
/// to the head outputs, and E[x|z].
public protocol DecoderLikelihood: AnyObject {
    /// The body heads this likelihood reads, in order (named under `decoder.`), for D = `outputSize`.
    func heads(outputSize: Int) -> [HeadSpec]
    /// Parameters owned by the likelihood itself (after the body's in the decoder's list).
    var parameters: [Parameter] { get }
    /// After the body's forward: the decoder's output n × D (logits or means; may be a head's own
    /// buffer). The default is the first head's output.
    func forward(outputs: [Tensor]) -> Tensor
    /// Writes log p(x_r | outputs_r) for each of the n rows into `out`.
    func logLikelihood(outputs: [Tensor], x: Tensor, into out: UnsafeMutablePointer<Double>)
    /// Given dL/d log p per row (`dLogLik`, n × 1), returns dL/d(outputs) (same order as `heads`)
    /// and accumulates the gradients of its own parameters. Follows `logLikelihood` on the same x.
    func backward(outputs: [Tensor], x: Tensor, dLogLik: Tensor) -> [Tensor]
    /// E[x | z] from the head outputs, as a new n × D tensor.
    func mean(outputs: [Tensor]) -> Tensor
}

extension DecoderLikelihood {
    /// The first head's output.
    public func forward(outputs: [Tensor]) -> Tensor { outputs[0] }
}

/// Bernoulli logits from one head `decoder.out` (D).
extension BernoulliLikelihood: DecoderLikelihood {
    /// `out`, D logits.
    public func heads(outputSize: Int) -> [HeadSpec] { [HeadSpec(name: "out", size: outputSize)] }
    /// None: the logits carry everything.
    public var parameters: [Parameter] { [] }
    /// Σ_d x·l − softplus(l) per row.
    public func logLikelihood(outputs: [Tensor], x: Tensor, into out: UnsafeMutablePointer<Double>) {
        logLikelihood(logits: outputs[0], x: x, into: out)
    }
    /// [dL/dlogits].
    public func backward(outputs: [Tensor], x: Tensor, dLogLik: Tensor) -> [Tensor] {
        [backward(x: x, dLogLik: dLogLik)]
    }
    /// sigmoid(logits).
    public func mean(outputs: [Tensor]) -> Tensor { BernoulliLikelihood.mean(logits: outputs[0]) }
}

/// Gaussian means from one head `decoder.out` (D, identity: no sigmoid) and the likelihood's own
/// per-pixel log-variance parameter.
extension GaussianLikelihood: DecoderLikelihood {
    /// `out`, D means.
    public func heads(outputSize: Int) -> [HeadSpec] { [HeadSpec(name: "out", size: outputSize)] }
    /// The per-pixel log-variance.
    public var parameters: [Parameter] { [logVariance] }
    /// Σ_d log N(x_d; μ_d, e^{λ_d}) per row.
    public func logLikelihood(outputs: [Tensor], x: Tensor, into out: UnsafeMutablePointer<Double>) {
        logLikelihood(mean: outputs[0], x: x, into: out)
    }
    /// [dL/dμ]; adds dL/dλ to the log-variance's gradient.
    public func backward(outputs: [Tensor], x: Tensor, dLogLik: Tensor) -> [Tensor] {
        [backward(mean: outputs[0], x: x, dLogLik: dLogLik)]
    }
    /// The means themselves (a copy).
    public func mean(outputs: [Tensor]) -> Tensor { outputs[0].copy() }
}
