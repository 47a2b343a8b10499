import DVAE

extension Interpreter {
    /// The training recipe of a `train` or `experiment` call — `objective`, `noise` with `law`,
    /// `K`, `M`, `batch`, `lr`, `clip`, `optimizer`, `schedule`, `nonfinite`, `kl`, `batches`,
    /// `init`, `encoder_sigma` — parsed and checked in one place, so the two commands cannot
    /// drift. `objective` is the word or string the caller read (with its location), or nil.
    ///
    /// `base` supplies every setting not given: for `train`, the model's last training (also
    /// restored by `open`), so `train m on d epochs 1` continues a run exactly; for `experiment`,
    /// the protocol's preset (`TrainingRecipe.engine` or `.authors`). When `continuing` (a model
    /// trained before) and neither `objective` nor `noise` is given, the objective with its noise,
    /// K, M and KL estimator are the base's too; otherwise K and M default to 1, and the KL
    /// estimator to Monte Carlo when continuing and to the preset's when not. A preset's (or an
    /// earlier run's) closed-form KL falls back to Monte Carlo for an importance-weighted objective.
    func trainingRecipe(_ a: CommandArguments, objective: (String, SourceLocation)?, base: TrainingRecipe,
                        continuing: Bool) throws -> TrainingRecipe {
        var r = base
        var noise = try a.noise()
        // With neither `objective` nor `noise`, a model trained before keeps its objective.
        let inherits = continuing && objective == nil && noise == nil
        if inherits && base.objective.usesCorruption { noise = base.corruption }
        var kind: ObjectiveKind = inherits ? base.objective : ((noise.map { !$0.isIdentity } ?? false) ? .dvae : .vae)
        if let (name, at) = objective {
            guard let k = ObjectiveKind(rawValue: name) else {
                throw LocatedError("unknown objective `\(name)`", at: at,
                                   suggestion: Suggestions.didYouMean(name, in: ObjectiveKind.names)
                                       ?? "choose one of \(ObjectiveKind.names.joined(separator: ", "))")
            }
            kind = k
            if !kind.usesCorruption, let n = noise, !n.isIdentity {
                throw LocatedError("objective \(name) does not corrupt its input, so `noise` would be ignored", at: a.location(of: "noise"),
                                   suggestion: "use objective \(kind.denoising.rawValue), or drop `noise`")
            }
            if kind.usesCorruption && noise == nil {
                throw LocatedError("objective \(name) needs a `noise` (the level may be 0: the no-noise case)", at: at,
                                   suggestion: "for example: objective \(name) noise salt_pepper 0.05")
            }
        }
        r.objective = kind
        r.corruption = noise ?? .none
        r.K = try a.int("K", default: inherits ? base.K : 1, minimum: 1)
        r.M = try a.int("M", default: inherits && base.objective.usesCorruption ? base.M : 1, minimum: 1)
        if a.has("M") && !kind.usesCorruption && r.M != 1 {
            throw LocatedError("`M` counts corruptions and needs objective dvae or diwae", at: a.location(of: "M"),
                               suggestion: inherits ? "this model was last trained with objective \(base.objective.rawValue)" : nil)
        }
        r.batchSize = try a.int("batch", default: base.batchSize, minimum: 1)
        try applyRecipeOptions(a, to: &r)
        if let s = try a.schedule() { r.schedule = s }
        if a.has("kl") {
            if let problem = r.kl.problem(with: kind) {
                throw LocatedError(problem, at: a.expr("kl")?.location ?? a.location(of: "kl"), suggestion: "use objective \(kind.usesCorruption ? "dvae" : "vae"), or kl monte_carlo")
            }
        } else {
            r.kl = inherits || !continuing ? base.kl : .monteCarlo
            r = r.normalised   // inherited from a vae/dvae run or a preset, now training an importance-weighted objective
        }
        return r
    }

    /// Sets each of `TrainingRecipe.languageOptions` the call gives in `recipe` — the one reading
    /// of those keywords (a command without one of them never has it). A word option's word was
    /// checked by the parser (a bare word) or by `choice` (a string); a number's `problem` is
    /// reported at the number. `only`: the options of that group alone.
    func applyRecipeOptions(_ a: CommandArguments, to recipe: inout TrainingRecipe, only: TrainingOption.Group? = nil) throws {
        for option in TrainingRecipe.languageOptions where a.has(option.keyword) && (only.map { $0 == option.group } ?? true) {
            switch option.argument {
            case .number:
                guard let (x, at) = try a.number(option.keyword) else { continue }
                if let problem = option.set(number: x, in: &recipe) {
                    throw LocatedError("`\(option.keyword)` \(problem), got \(formatNumber(x))", at: at)
                }
            case .word(_, let words, let stringToo):
                guard let (w, at) = stringToo ? try a.choice(option.keyword, from: words) : a.word(option.keyword) else { continue }
                guard option.set(word: w, in: &recipe) else {
                    throw LocatedError("unknown \(option.keyword) `\(w)`", at: at, suggestion: "choose one of \(words.joined(separator: ", "))")
                }
            }
        }
    }

    /// Applies `hidden`, `decoder_hidden`, `latent`, `encoder` and `decoder` to `config` (shared by
    /// `model` and `experiment`, which build the same architectures).
    func applyArchitecture(_ a: CommandArguments, to config: inout ModelConfig) throws {
        if let (v, at) = try a.value("hidden") {
            config.encoderHidden = try layerSizes(v, at: at, name: "`hidden`", allowEmpty: true)
            config.decoderHidden = config.encoderHidden
        }
        if let (v, at) = try a.value("decoder_hidden") {
            config.decoderHidden = try layerSizes(v, at: at, name: "`decoder_hidden`", allowEmpty: true)
        }
        config.latent = try a.int("latent", default: 50, minimum: 1)
        guard config.latent <= Interpreter.maximumLayerSize else {
            throw LocatedError("`latent` \(config.latent) is too large (at most \(Interpreter.maximumLayerSize))", at: a.location(of: "latent"))
        }
        if let (w, at) = a.word("encoder") {
            guard let kind = EncoderKind(rawValue: w) else { throw LocatedError("unknown encoder `\(w)`", at: at) }
            config.encoder = kind
        }
        // A word, or (in `experiment`) a string, so a notebook can choose the decoder from a variable.
        if let (w, _) = try a.choice("decoder", from: DecoderKind.allCases.map(\.rawValue)) {
            config.decoder = DecoderKind(rawValue: w)!
        }
        // The recipe's fresh-model options, read through a recipe holding the config's choices (the
        // defaults stay nil, so configurations and cache keys without these words are unchanged).
        var choices = TrainingRecipe()
        choices.initialisation = config.initialisation
        choices.encoderSigma = config.encoderSigma
        try applyRecipeOptions(a, to: &choices, only: .freshModel)
        config.initialisation = choices.initialisation
        config.encoderSigma = choices.encoderSigma
        try checkArchitecture(config, a)
    }

    /// Reports the first of `ModelConfig.fieldProblems` — the engine's one list of what can be
    /// built — at the argument that set the field at fault.
    func checkArchitecture(_ config: ModelConfig, _ a: CommandArguments) throws {
        guard let problem = config.fieldProblems.first else { return }
        let keyword: String
        switch problem.field {
        case .shape: keyword = ""               // from several arguments (or the data): the command
        case .encoder: keyword = "encoder"
        case .encoderHidden: keyword = "hidden"
        case .latent: keyword = "latent"
        case .decoderHidden: keyword = a.has("decoder_hidden") ? "decoder_hidden" : "hidden"
        }
        throw LocatedError("cannot build this model: \(problem)", at: a.location(of: keyword),
                           suggestion: problem.field == .encoder ? "give the data with `for DATA`, or the image shape with `shape [H W]`" : nil)
    }

    /// A list of positive layer sizes (or a single number) as `[Int]`.
    func layerSizes(_ v: Value, at: SourceLocation, name: String, allowEmpty: Bool) throws -> [Int] {
        let items: [Value]
        switch v {
        case .list(let xs): items = xs
        case .number: items = [v]
        default: throw LocatedError("\(name) needs a list of sizes such as [200 200], got \(v.typeWithArticle)", at: at)
        }
        if items.isEmpty && !allowEmpty { throw LocatedError("\(name) cannot be empty", at: at) }
        return try items.map { item in
            let n = try CommandArguments.int(item, at: at, name: "each size in \(name)", minimum: 1)
            guard n <= Interpreter.maximumLayerSize else {
                throw LocatedError("layer size \(n) in \(name) is too large (at most \(Interpreter.maximumLayerSize))", at: at)
            }
            return n
        }
    }
}
