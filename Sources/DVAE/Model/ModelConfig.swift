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
    /// Factorised Gaussian whose mean sigmoid(·) and standard deviation softplus(·) + 1e-4 both
    /// come from the network, per pixel and per z (the authors' Frey Face decoder).
    case gaussianSigmoid = "gaussian_sigmoid"

    /// The paper's choice for data of `kind`: Bernoulli for binary data, Gaussian otherwise.
    public init(for kind: DataKind) {
        self = kind == .binary ? .bernoulli : .gaussian
    }
}

/// How the initial weights are drawn. Every kind uses Glorot-uniform weights
/// (±√(6 / (fan in + fan out))) and zero biases; they differ in the encoder's variance head.
public enum WeightInit: String, Codable, Sendable, CaseIterable, NamedChoice {
    /// The engine's default: the variance head's weights are shrunk ×0.1, so the initial
    /// q(z|x) has σ ≈ 1 for every input.
    case standard
    /// Plain Glorot-uniform everywhere, as in the authors' code (`initialize_weight(…, 'uniform')`).
    case glorot

    /// The word the language writes (`init standard|glorot`).
    public var name: String { rawValue }
}

/// What the encoder's second head predicts.
public enum EncoderSigma: String, Codable, Sendable, CaseIterable, NamedChoice {
    /// log σ² (the engine's default): σ = exp(½ · output).
    case logVariance = "logvar"
    /// log σ, as in the authors' code: σ = exp(output) (so log σ² = 2 · output).
    case exp

    /// The word the language writes (`encoder_sigma logvar|exp`).
    public var name: String { rawValue }
}

/// Everything needed to build a `VAEModel`'s architecture (not its weights).
public struct ModelConfig: Codable, Hashable, Sendable {
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
    /// The initial weights (nil: `standard`; nil is left out of the JSON, so older checkpoints and
    /// cache keys are unchanged).
    public var initialisation: WeightInit?
    /// What the encoder's variance head predicts (nil: `logVariance`).
    public var encoderSigma: EncoderSigma?

    /// A configuration; the defaults are the paper's MNIST model with one hidden layer of 200.
    public init(inputSize: Int = 784, height: Int = 28, width: Int = 28,
                encoder: EncoderKind = .mlp, encoderHidden: [Int] = [200], latent: Int = 50,
                decoder: DecoderKind = .bernoulli, decoderHidden: [Int] = [200],
                initialisation: WeightInit? = nil, encoderSigma: EncoderSigma? = nil) {
        self.inputSize = inputSize
        self.height = height
        self.width = width
        self.encoder = encoder
        self.encoderHidden = encoderHidden
        self.latent = latent
        self.decoder = decoder
        self.decoderHidden = decoderHidden
        self.initialisation = initialisation
        self.encoderSigma = encoderSigma
    }
}

extension ModelConfig {
    /// The default architecture for `data`: its input size and image shape, and the decoder its
    /// kind calls for (`DecoderKind(for:)`); the other fields are the `init` defaults.
    public init(for data: Dataset) {
        self.init(inputSize: data.dimension, height: data.height, width: data.width, decoder: DecoderKind(for: data.kind))
    }

    /// Largest layer, latent or input size accepted by `problems` (guards against typos and
    /// against hand-edited checkpoint metadata asking for terabytes).
    public static let maximumSize = 100_000

    /// A field of the configuration (so a caller can point at the argument that set it).
    public enum Field: Sendable {
        /// `inputSize`, `height` or `width`.
        case shape
        /// `encoder`.
        case encoder
        /// `encoderHidden`.
        case encoderHidden
        /// `latent`.
        case latent
        /// `decoderHidden`.
        case decoderHidden
    }

    /// One thing wrong with a configuration: the field and a sentence.
    public struct Problem: Sendable, CustomStringConvertible {
        /// The field at fault.
        public var field: Field
        /// What is wrong, in one sentence without a trailing period.
        public var description: String
    }

    /// What is wrong with this configuration, one sentence each; empty when a `VAEModel` can be
    /// built from it. Callers that take a configuration from outside (a checkpoint's metadata,
    /// a script) check this first: the engine's layers trust their shapes.
    public var problems: [String] { fieldProblems.map(\.description) }

    /// `problems` with the field each is about. The single place that says which architectures
    /// can be built: the language (`model`, `experiment`), checkpoints and the cache all ask it.
    public var fieldProblems: [Problem] {
        var found: [Problem] = []
        func check(_ n: Int, _ what: String, _ field: Field) {
            if n < 1 || n > ModelConfig.maximumSize {
                found.append(Problem(field: field, description: "\(what) is \(n); it must be between 1 and \(ModelConfig.maximumSize)"))
            }
        }
        check(inputSize, "the input size", .shape)
        check(height, "the image height", .shape)
        check(width, "the image width", .shape)
        check(latent, "the latent size", .latent)
        if height >= 1, width >= 1, height.multipliedReportingOverflow(by: width).partialValue != inputSize {
            found.append(Problem(field: .shape, description: "the image shape \(height)×\(width) does not have \(inputSize) pixels"))
        }
        for n in encoderHidden { check(n, "an encoder hidden size", .encoderHidden) }
        for n in decoderHidden { check(n, "a decoder hidden size", .decoderHidden) }
        if encoder == .gru {
            if encoderHidden.isEmpty {
                found.append(Problem(field: .encoderHidden,
                                     description: "the GRU encoder needs a state size: its hidden sizes cannot be empty"))
            }
            if encoderHidden.count > 1 {
                // One recurrent layer: a second size would be silently ignored, so refuse it.
                found.append(Problem(field: .encoderHidden, description:
                    "the GRU encoder has one recurrent layer and takes one state size, got \(encoderHidden.count) (\(encoderHidden.map(String.init).joined(separator: " "))); for example: hidden [\(encoderHidden[0])]"))
            }
            if height < 2 {
                found.append(Problem(field: .encoder, description:
                    "the GRU encoder reads the image row by row and needs an image of at least 2 rows, got \(height)×\(width)"))
            }
        }
        return found
    }
}
