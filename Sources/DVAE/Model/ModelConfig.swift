/// The inference network's architecture.
public enum EncoderKind: String, Codable, Sendable, CaseIterable {
    /// Softplus MLP on the flattened image (hidden sizes from `ModelConfig.encoderHidden`).
    case mlp
    /// GRU reading the image one row per step (Table 3).
    case gru
}

/// The observation model p(x|z).
public enum DecoderKind: String, Codable, Sendable, CaseIterable {
    /// Factorised Bernoulli with logits (binary data).
    case bernoulli
    /// Factorised Gaussian with identity mean and a learned per-pixel log-variance (continuous data).
    case gaussian
}

/// Everything needed to build a `VAEModel`'s architecture (not its weights).
public struct ModelConfig: Codable, Equatable, Sendable {
    /// D, the number of pixels per example (`height * width`).
    public var inputSize: Int
    /// Image height (the number of GRU steps).
    public var height: Int
    /// Image width (the GRU's input width).
    public var width: Int
    /// The inference network's kind.
    public var encoder: EncoderKind
    /// Hidden sizes of the encoder MLP, e.g. `[200]`, `[200, 200]`, or `[]` (purely affine encoder).
    /// For a GRU encoder the first entry is the GRU state size (200 when empty).
    public var encoderHidden: [Int]
    /// L, the latent dimension.
    public var latent: Int
    /// The observation model.
    public var decoder: DecoderKind
    /// Hidden sizes of the decoder MLP; `[]` is a linear decoder.
    public var decoderHidden: [Int]

    /// A configuration; the defaults are the paper's MNIST model with one hidden layer of 200.
    public init(inputSize: Int = 784, height: Int = 28, width: Int = 28,
                encoder: EncoderKind = .mlp, encoderHidden: [Int] = [200], latent: Int = 50,
                decoder: DecoderKind = .bernoulli, decoderHidden: [Int] = [200]) {
        self.inputSize = inputSize
        self.height = height
        self.width = width
        self.encoder = encoder
        self.encoderHidden = encoderHidden
        self.latent = latent
        self.decoder = decoder
        self.decoderHidden = decoderHidden
    }
}
