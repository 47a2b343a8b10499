import DVAE

/// `model …`: a neural VAE or the exact linear-Gaussian model.
extension Interpreter {
    /// Largest layer size accepted (guards against typos such as `hidden [2000000]`).
    static let maximumLayerSize = 10_000
    /// Largest corruption σ the exact linear-Gaussian model accepts (its closed forms factor
    /// V + σ²AAᵀ; far beyond this the factorisation fails in Double).
    static let maximumExactSigma: Float = 1e6

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
        if let (data, at) = try a.dataset(keyword: "for") {
            try a.reject(["input", "shape"], because: "is taken from the dataset given with `for`")
            config.inputSize = data.dimension
            config.height = data.height
            config.width = data.width
            config.decoder = data.kind == .binary ? .bernoulli : .gaussian
            origin = data.name
            _ = at
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
        if config.encoder == .gru {
            if config.encoderHidden.isEmpty { config.encoderHidden = [200] }
            guard config.height * config.width == config.inputSize else {
                throw LocatedError("the GRU encoder reads the image row by row and needs its shape", at: a.location(of: "encoder"),
                                   suggestion: "add `for DATA` or `shape [H W]`")
            }
        }
        if let problem = config.problems.first {
            throw LocatedError("cannot build this model: \(problem)", at: a.call.location)
        }
        let model = VAEModel(config: config, seed: seed)
        return .model(ModelHandle(model: model, origin: origin))
    }
}
