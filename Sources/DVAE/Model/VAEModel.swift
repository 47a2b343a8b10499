/// A variational auto-encoder: an inference network q(z|x) and an observation model p(x|z) with
/// prior p(z) = N(0, I).
///
/// Parameter names and layouts (`parameters` lists encoder then decoder, in this order; a
/// checkpoint stores each as a row-major Float32 matrix of the given shape):
///
/// MLP encoder (`h_i` = `encoderHidden[i]`, `h` = last hidden width or D when empty):
/// - `encoder.layer<i>.weight` h_i × h_{i−1} (h_{−1} = D), `encoder.layer<i>.bias` 1 × h_i
/// - `encoder.mu.weight` L × h, `encoder.mu.bias` 1 × L
/// - `encoder.logvar.weight` L × h, `encoder.logvar.bias` 1 × L
///
/// Decoder (`g_i` = `decoderHidden[i]`, `g` = last hidden width or L when empty):
/// - `decoder.layer<i>.weight` g_i × g_{i−1} (g_{−1} = L), `decoder.layer<i>.bias` 1 × g_i
/// - `decoder.out.weight` D × g, `decoder.out.bias` 1 × D
/// - Gaussian only: `decoder.logvar` 1 × D
/// - Gaussian-sigmoid only (instead of `decoder.logvar`): `decoder.sigma.weight` D × g, `decoder.sigma.bias` 1 × D
///
/// With `encoderSigma == .exp` the `encoder.logvar.*` head predicts log σ (see `LogSigmaEncoder`).
///
/// Affine layers compute y = x Wᵀ + b. A GRU encoder names its own parameters `encoder.…`.
public final class VAEModel {
    /// The architecture.
    public let config: ModelConfig
    /// q(z|x).
    public let encoder: EncoderNetwork
    /// p(x|z).
    public let decoder: DecoderNetwork
    /// Reused buffers of the objective and bound computations (internal scratch space).
    let workspace = ObjectiveWorkspace()
    /// Worker replicas sharing this model's parameter values (built on demand, see `replicas(_:)`).
    var replicaCache: [VAEModel] = []

    /// A freshly initialised model; the same `seed` gives the same weights.
    public convenience init(config: ModelConfig, seed: UInt64) {
        var rng = RNG(seed: seed)
        let encoderSeed = rng.next(), decoderSeed = rng.next()
        let shrink = (config.initialisation ?? .standard) == .standard
        var encoder: EncoderNetwork
        switch config.encoder {
        case .mlp:
            encoder = MLPEncoder(inputSize: config.inputSize, hidden: config.encoderHidden,
                                 latent: config.latent, seed: encoderSeed, shrinkVarianceHead: shrink)
        case .gru:
            encoder = GRUEncoder(inputWidth: config.width, steps: config.height,
                                 hidden: config.encoderHidden.first ?? 200, latent: config.latent,
                                 seed: encoderSeed, shrinkVarianceHead: shrink)
        }
        if config.encoderSigma == .exp { encoder = LogSigmaEncoder(encoder) }
        self.init(config: config, encoder: encoder, decoderSeed: decoderSeed)
    }

    /// A model using an encoder built elsewhere (e.g. a GRU) and a decoder built from `config`
    /// with weights from `decoderSeed`.
    public convenience init(config: ModelConfig, encoder: EncoderNetwork, decoderSeed: UInt64) {
        let decoder: DecoderNetwork
        switch config.decoder {
        case .bernoulli:
            decoder = BernoulliDecoder(latent: config.latent, hidden: config.decoderHidden,
                                       outputSize: config.inputSize, seed: decoderSeed)
        case .gaussian:
            decoder = GaussianDecoder(latent: config.latent, hidden: config.decoderHidden,
                                      outputSize: config.inputSize, seed: decoderSeed)
        case .gaussianSigmoid:
            decoder = SigmoidGaussianDecoder(latent: config.latent, hidden: config.decoderHidden,
                                             outputSize: config.inputSize, seed: decoderSeed)
        }
        self.init(config: config, encoder: encoder, decoder: decoder)
    }

    /// A model from explicit networks; they must match `config`'s sizes.
    public init(config: ModelConfig, encoder: EncoderNetwork, decoder: DecoderNetwork) {
        precondition(config.inputSize == config.height * config.width,
                     "ModelConfig: inputSize \(config.inputSize) ≠ height \(config.height) × width \(config.width)")
        self.config = config
        self.encoder = encoder
        self.decoder = decoder
    }

    /// Encoder parameters, then decoder parameters, with stable names (see the type's doc).
    public var parameters: [Parameter] { encoder.parameters + decoder.parameters }

    /// The parameter called `name`, if any.
    public func parameter(named name: String) -> Parameter? { parameters.first { $0.name == name } }

    /// Total number of scalar parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Sets every parameter gradient to zero.
    public func zeroGradients() { for p in parameters { p.grad.zero() } }

    /// (μ, logVar) of q(z|x) for each row of x (n × D → n × L each; new tensors).
    public func encode(_ x: Tensor) -> (mu: Tensor, logVar: Tensor) {
        let (mu, logVar) = encoder.forward(x)
        return (mu.copy(), logVar.copy())
    }

    /// E[x|z] for each row of z (n × L → n × D; a new tensor).
    public func decodeMean(_ z: Tensor) -> Tensor {
        decoder.forward(z)
        return decoder.mean()
    }

    /// The decoder mean of one z ~ q(z|x) per row of x (n × D → n × D).
    public func reconstruct(_ x: Tensor, rng: inout RNG) -> Tensor {
        let (mu, logVar) = encoder.forward(x)
        let z = Tensor(rows: mu.rows, cols: mu.cols)
        let eps = Tensor(rows: mu.rows, cols: mu.cols)
        rng.fillStandardNormal(eps)
        for i in 0..<z.count { z.data[i] = mu.data[i] + fastExp(0.5 * logVar.data[i]) * eps.data[i] }
        return decodeMean(z)
    }

    /// The decoder means of `count` draws z ~ p(z) = N(0, I) (count × D).
    public func sample(count: Int, rng: inout RNG) -> Tensor {
        let z = Tensor(rows: count, cols: config.latent)
        rng.fillStandardNormal(z)
        return decodeMean(z)
    }
}
