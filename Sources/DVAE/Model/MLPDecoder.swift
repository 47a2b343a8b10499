/// An MLP observation model p(x|z): an `MLPBody` (softplus hidden layers and affine heads) and a
/// `DecoderLikelihood` that reads the heads.
///
/// Parameters, in order: `decoder.layer<i>.weight` / `.bias` (hidden layers), each head's
/// `decoder.<name>.weight` (size × last hidden, or size × L when `hidden == []`) and `.bias`, then
/// the likelihood's own parameters (`decoder.logvar`, 1 × D, for the Gaussian).
public final class MLPDecoder<Likelihood: DecoderLikelihood>: DecoderNetwork {
    /// The hidden stack and the affine heads.
    public let body: MLPBody
    /// What the heads mean.
    public let likelihood: Likelihood
    private var outputs: [Tensor]?

    /// A decoder L → hidden… → heads, initialised from `seed`, reading its heads with `likelihood`.
    public init(latent: Int, hidden: [Int], outputSize: Int, seed: UInt64, likelihood: Likelihood) {
        var rng = RNG(seed: seed)
        self.likelihood = likelihood
        body = MLPBody(prefix: "decoder", inputSize: latent, hidden: hidden, heads: likelihood.heads(outputSize: outputSize),
                       inputGradient: true, rng: &rng)
    }

    /// The body's parameters, then the likelihood's.
    public var parameters: [Parameter] { body.parameters + likelihood.parameters }

    /// z: n × L → the likelihood's output n × D (Bernoulli logits, Gaussian means).
    @discardableResult
    public func forward(_ z: Tensor) -> Tensor {
        let o = body.forward(z)
        outputs = o
        return likelihood.forward(outputs: o)
    }

    /// log p(x_r | z_r) per row, after `forward`.
    public func logLikelihood(x: Tensor, into out: UnsafeMutablePointer<Double>) {
        likelihood.logLikelihood(outputs: lastOutputs("logLikelihood"), x: x, into: out)
    }

    /// dL/dz from dL/d log p per row; accumulates parameter gradients.
    public func backward(x: Tensor, dLogLik: Tensor) -> Tensor {
        let dOutputs = likelihood.backward(outputs: lastOutputs("backward"), x: x, dLogLik: dLogLik)
        guard let dz = body.backward(dOutputs) else { preconditionFailure("decoder must produce dL/dz") }
        return dz
    }

    /// E[x|z] of the last forward (a new tensor).
    public func mean() -> Tensor { likelihood.mean(outputs: lastOutputs("mean")) }

    private func lastOutputs(_ caller: String) -> [Tensor] {
        guard let o = outputs else { preconditionFailure("MLPDecoder.\(caller) before forward") }
        return o
    }
}

/// p(x|z) = Π_d Bernoulli(x_d; sigmoid(l_d(z))): an MLP producing logits `decoder.out`.
public typealias BernoulliDecoder = MLPDecoder<BernoulliLikelihood>

/// p(x|z) = Π_d N(x_d; μ_d(z), e^{λ_d}): an MLP producing the means `decoder.out` (identity, no
/// sigmoid: with `hidden == []` this is exactly the linear-Gaussian model's p(x|z) = N(Wz + b,
/// diag e^λ)) and a learned per-pixel log-variance `decoder.logvar` (initialised to 0).
public typealias GaussianDecoder = MLPDecoder<GaussianLikelihood>

extension MLPDecoder where Likelihood == BernoulliLikelihood {
    /// A Bernoulli decoder L → hidden… → D, initialised from `seed`.
    public convenience init(latent: Int, hidden: [Int], outputSize: Int, seed: UInt64) {
        self.init(latent: latent, hidden: hidden, outputSize: outputSize, seed: seed, likelihood: BernoulliLikelihood())
    }
}

extension MLPDecoder where Likelihood == GaussianLikelihood {
    /// A Gaussian decoder L → hidden… → D, initialised from `seed`, log-variance 0.
    public convenience init(latent: Int, hidden: [Int], outputSize: Int, seed: UInt64) {
        self.init(latent: latent, hidden: hidden, outputSize: outputSize, seed: seed,
                  likelihood: GaussianLikelihood(name: "decoder.logvar", dimension: outputSize))
    }
}
