/// p(x|z) = Π_d Bernoulli(x_d; sigmoid(l_d(z))) with an MLP producing the logits l.
///
/// Parameters, in order: `decoder.layer<i>.weight` / `.bias` for the softplus hidden layers, then
/// `decoder.out.weight` (D × last hidden, or D × L when `hidden == []`) and `decoder.out.bias` (1 × D).
public final class BernoulliDecoder: DecoderNetwork {
    /// The hidden stack (possibly empty).
    public let trunk: MLP
    /// The output (logit) layer.
    public let out: Affine
    private let likelihood = BernoulliLikelihood()
    private var logits: Tensor?

    /// A decoder L → hidden… → D, initialised from `seed`.
    public init(latent: Int, hidden: [Int], outputSize: Int, seed: UInt64) {
        var rng = RNG(seed: seed)
        trunk = MLP(prefix: "decoder", inputSize: latent, hidden: hidden, rng: &rng, inputGradient: true)
        out = Affine(name: "decoder.out", inputSize: trunk.outputSize, outputSize: outputSize, rng: &rng)
    }

    /// Trunk parameters, then the output layer's.
    public var parameters: [Parameter] { trunk.parameters + out.parameters }

    /// z: n × L → logits n × D.
    @discardableResult
    public func forward(_ z: Tensor) -> Tensor {
        let l = out.forward(trunk.forward(z))
        logits = l
        return l
    }

    /// log p(x_r | z_r) per row, after `forward`.
    public func logLikelihood(x: Tensor, into o: UnsafeMutablePointer<Double>) {
        guard let l = logits else { preconditionFailure("BernoulliDecoder.logLikelihood before forward") }
        likelihood.logLikelihood(logits: l, x: x, into: o)
    }

    /// dL/dz from dL/d log p per row; accumulates parameter gradients.
    public func backward(x: Tensor, dLogLik: Tensor) -> Tensor {
        let dl = likelihood.backward(x: x, dLogLik: dLogLik)
        guard let dh = out.backward(dl), let dz = trunk.backward(dh) else {
            preconditionFailure("decoder must produce dL/dz")
        }
        return dz
    }

    /// Bernoulli means sigmoid(l) of the last forward.
    public func mean() -> Tensor {
        guard let l = logits else { preconditionFailure("BernoulliDecoder.mean before forward") }
        return BernoulliLikelihood.mean(logits: l)
    }
}
