import DVAE

/// `model`: a new model.
enum ModelCommand: Command {
    static let spec = CommandSpec(
        name: "model", positional: [],
        keywords: [
            Keyword(name: "vae", slots: [], summary: "a neural VAE (the default)"),
            Keyword(name: "linear_gaussian", slots: [.expr("D"), .expr("L")],
                    summary: "the exact linear-Gaussian model with D inputs and L latents"),
            Keyword(name: "for", slots: [.expr("DATA")], summary: "take input size, image shape and decoder from a dataset"),
            Keyword(name: "hidden", slots: [.expr("LIST")], summary: "hidden layer sizes of encoder and decoder (default [200])"),
            Keyword(name: "latent", slots: [.expr("N")], summary: "latent units (default 50)"),
            .encoder,
            Keyword(name: "decoder", slots: [.word("DEC", DecoderKind.allCases.map(\.rawValue))],
                    summary: "bernoulli (binary data), gaussian, or gaussian_sigmoid (mean sigmoid(·), σ softplus(·) + 1e-4 from the network)"),
            Keyword(name: "decoder_hidden", slots: [.expr("LIST")], summary: "decoder hidden sizes when they differ from the encoder's"),
            Keyword(name: "input", slots: [.expr("D")], summary: "input size when there is no `for DATA`"),
            Keyword(name: "shape", slots: [.expr("[H W]")], summary: "image shape when there is no `for DATA`"),
            Keyword(name: "noise_sigma", slots: [.expr("SIGMA")], summary: "linear-Gaussian: Gaussian corruption level σ"),
            Keyword(name: "seed", slots: [.expr("S")], summary: "initialisation seed (default: the global seed)"),
        ] + CommandSpec.initKeywords,
        returnsValue: true,
        summary: "a new model",
        usage: "model [vae] [for DATA] [hidden LIST] [latent N] [encoder mlp|gru] [decoder bernoulli|gaussian] [seed S]\n"
            + "model linear_gaussian D L [noise_sigma SIGMA] [seed S]",
        details: [
            "Without `for DATA` the input is 784 (28×28) unless `input D` / `shape [H W]` say otherwise.",
            "The linear-Gaussian model has closed forms for log p(x), the bounds and the KL terms (help exact).",
        ],
        example: "let m = model vae for mnist.train hidden [200 200] latent 50\nlet g = model linear_gaussian 4 2 noise_sigma 0.5")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.makeModel(a) }
}

/// `model …`: a neural VAE or the exact linear-Gaussian model.
extension Interpreter {
    /// Largest layer size accepted (guards against typos such as `hidden [2000000]`).
    static let maximumLayerSize = 10_000
    /// Largest corruption σ the exact linear-Gaussian model accepts (its closed forms factor
    /// V + σ²AAᵀ; far beyond this the factorisation fails in Double).
    static let maximumExactSigma: Float = 1e6

    /// Refuses a model whose parameters, gradients and Adam state (what training it needs)
    /// exceed the memory budget — before any layer is allocated.
    func checkModelSize(_ config: ModelConfig, at location: SourceLocation) throws {
        let count = config.parameterCountIfValid.map { Interpreter.grouped($0) } ?? "more than 2⁶³"
        try checkBudget(config.trainingStateBytes, for: "this model's \(count) parameters with their gradients and Adam state",
                        at: location, fix: "use smaller `hidden` or `latent` sizes")
    }

    /// `model [vae] [for DATA] [hidden LIST] [latent N] [encoder …] [decoder …]` or
    /// `model linear_gaussian D L [noise_sigma SIGMA]`.
    func makeModel(_ a: CommandArguments) throws -> Value {
        let seed = try a.seed()
        if a.has("linear_gaussian") {
            try a.reject(["vae", "for", "hidden", "latent", "encoder", "decoder", "decoder_hidden", "input", "shape", "init", "encoder_sigma"],
                         because: "does not apply to the linear-Gaussian model")
            let k = a.keyword("linear_gaussian")!
            guard case .expr(let dExpr) = k.values[0], case .expr(let lExpr) = k.values[1] else {
                throw LocatedError("`linear_gaussian` needs D and L", at: k.location)
            }
            let d = try CommandArguments.int(try evaluate(dExpr, in: a.env), at: dExpr.location, name: "D", minimum: 1)
            let l = try CommandArguments.int(try evaluate(lExpr, in: a.env), at: lExpr.location, name: "L", minimum: 1)
            guard d <= 200, l <= 200 else {
                throw LocatedError("the linear-Gaussian model is for small checks: D and L must be at most 200", at: k.location)
            }
            var sigma = 0.0
            if let (s, at) = try a.number("noise_sigma") {
                guard s >= 0 else { throw LocatedError("`noise_sigma` must be ≥ 0, got \(formatNumber(s))", at: at) }
                guard s <= Double(Interpreter.maximumExactSigma) else {
                    throw LocatedError("`noise_sigma` \(formatNumber(s)) is too large (at most 1e6)", at: at)
                }
                sigma = s
            }
            return .exactModel(LinearGaussianModel.random(D: d, L: l, seed: seed, sigma: sigma))
        }
        try a.reject(["noise_sigma"], because: "applies only to `model linear_gaussian D L`")

        var config = ModelConfig()
        var origin = "input 784"
        if let (data, _) = try a.dataset(keyword: "for") {
            try a.reject(["input", "shape"], because: "is taken from the dataset given with `for`")
            config = ModelConfig(for: data)
            origin = data.name
        } else {
            if let (v, at) = try a.value("input") {
                config.inputSize = try CommandArguments.int(v, at: at, name: "`input`", minimum: 1)
                config.height = 1
                config.width = config.inputSize
                let side = Int(Double(config.inputSize).squareRoot().rounded())
                if side * side == config.inputSize { config.height = side; config.width = side }
                origin = "input \(config.inputSize)"
            }
            if let (v, at) = try a.value("shape") {
                let dims = try layerSizes(v, at: at, name: "`shape`", allowEmpty: false)
                guard dims.count == 2 else {
                    throw LocatedError("`shape` needs two numbers [H W], got \(dims.count)", at: at)
                }
                if a.has("input"), dims[0] * dims[1] != config.inputSize {
                    throw LocatedError("`shape` \(dims[0])×\(dims[1]) has \(dims[0] * dims[1]) pixels but `input` is \(config.inputSize)",
                                       at: at)
                }
                config.height = dims[0]; config.width = dims[1]; config.inputSize = dims[0] * dims[1]
            }
        }
        try applyArchitecture(a, to: &config)
        try checkModelSize(config, at: a.call.location)
        let model = VAEModel(config: config, seed: seed)
        return .model(ModelHandle(model: model, origin: origin))
    }
}
