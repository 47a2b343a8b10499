/// An encoder whose variance head predicts log σ rather than log σ² (the authors' parameterisation,
/// `sampleZ_cond_H` in their `dvae.py`: z = μ + exp(output) · ε).
///
/// It wraps any `EncoderNetwork` and doubles its second output: logVar = 2 · o. Backward: the
/// inner network receives dL/do = 2 · dL/dlogVar. (The wrapped head's parameters keep their
/// names, `encoder.logvar.*`, although they now predict log σ; `ModelConfig.encoderSigma` says so.)
public final class LogSigmaEncoder: EncoderNetwork {
    /// The wrapped network; its second output is read as log σ.
    public let inner: EncoderNetwork
    private var logVarBuffer: Tensor?
    private var innerGradient: Tensor?

    /// Wraps `inner`.
    public init(_ inner: EncoderNetwork) { self.inner = inner }

    /// The inner network's parameters, unchanged.
    public var parameters: [Parameter] { inner.parameters }

    /// x: n × D → (μ, logVar = 2 · log σ), n × L each.
    public func forward(_ x: Tensor) -> (mu: Tensor, logVar: Tensor) {
        let (mu, logSigma) = inner.forward(x)
        let lv = reuse(&logVarBuffer, rows: logSigma.rows, cols: logSigma.cols)
        for i in 0..<lv.count { lv.data[i] = 2 * logSigma.data[i] }
        return (mu, lv)
    }

    /// dL/d log σ = 2 · dL/dlogVar, passed to the inner network with dL/dμ.
    public func backward(dMu: Tensor, dLogVar: Tensor) {
        let g = reuse(&innerGradient, rows: dLogVar.rows, cols: dLogVar.cols)
        for i in 0..<g.count { g.data[i] = 2 * dLogVar.data[i] }
        inner.backward(dMu: dMu, dLogVar: g)
    }
}
