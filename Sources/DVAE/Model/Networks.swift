/// An inference network q(z|x) = N(μ(x), diag exp(logVar(x))).
///
/// (Named `EncoderNetwork`, not `Encoder`, so it does not shadow `Swift.Encoder` used by Codable
/// code elsewhere in the module.)
public protocol EncoderNetwork: AnyObject {
    /// All trainable parameters, in a stable order with stable dotted names `encoder.…`.
    var parameters: [Parameter] { get }
    /// x: n × D → (μ, logVar), each n × L. The tensors are buffers owned by the encoder, valid
    /// until its next forward; the input must stay unchanged until `backward`.
    func forward(_ x: Tensor) -> (mu: Tensor, logVar: Tensor)
    /// Given dL/dμ and dL/dlogVar (n × L each) for the last forward, accumulates dL/dθ into the
    /// parameters' `grad`.
    func backward(dMu: Tensor, dLogVar: Tensor)
}

/// An observation model p(x|z) computed by a network from z.
public protocol DecoderNetwork: AnyObject {
    /// All trainable parameters, in a stable order with stable dotted names `decoder.…`.
    var parameters: [Parameter] { get }
    /// z: n × L → the network output n × D (Bernoulli logits or Gaussian means), an owned buffer.
    @discardableResult func forward(_ z: Tensor) -> Tensor
    /// After `forward`: writes log p(x_r | z_r) for each of the n rows into `out`.
    func logLikelihood(x: Tensor, into out: UnsafeMutablePointer<Double>)
    /// After `logLikelihood` on the same x: given dL/d log p(x_r|z_r) (`dLogLik`, n × 1),
    /// accumulates parameter gradients and returns dL/dz (n × L, an owned buffer).
    func backward(x: Tensor, dLogLik: Tensor) -> Tensor
    /// E[x | z] for the last forward, as a new n × D tensor (for pictures).
    func mean() -> Tensor
}

extension DecoderNetwork {
    /// After `forward`: log p(x_r | z_r) for each row.
    public func logLikelihood(x: Tensor) -> [Double] {
        var out = [Double](repeating: 0, count: x.rows)
        out.withUnsafeMutableBufferPointer { logLikelihood(x: x, into: $0.baseAddress!) }
        return out
    }
}
