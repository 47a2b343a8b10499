import DVAE

/// The optimisation arguments `train` and `experiment` share — the objective with its corruption,
/// K, M, batch, lr and clip — parsed and checked in one place so the two commands cannot drift.
struct OptimisationArguments {
    /// The objective (defaults to `dvae` when a noise is given, else `vae`).
    var kind: ObjectiveKind
    /// The corruption given with `noise`, if any.
    var noise: Corruption?
    /// Latent samples per corruption.
    var K: Int
    /// Corruptions per example.
    var M: Int
    /// Minibatch size.
    var batch: Int
    /// Adam's learning rate.
    var lr: Double
    /// Gradient-norm clipping threshold, if any.
    var clip: Float?
    /// The learning-rate schedule (`schedule`), nil when not given.
    var schedule: LearningRateSchedule?
    /// The Adam variant (`optimizer`), nil when not given.
    var optimizer: AdamVariant?
    /// The non-finite-step rule (`nonfinite`), nil when not given.
    var nonFinite: NonFiniteRule?
    /// How training scores the latent term (`kl`), nil when not given.
    var kl: KLEstimator?
    /// How epochs walk the data (`batches`), nil when not given.
    var batchOrder: BatchOrder?
}

extension Interpreter {
    /// Parses `objective`, `noise`, `K`, `M`, `batch`, `lr` and `clip`. `objective` is the word or
    /// string the caller read (with its location), or nil when absent.
    ///
    /// `previous` — the settings of the model's last training, if any (also restored by `open`) —
    /// supplies what is not given: the objective with its noise, K and M when neither `objective`
    /// nor `noise` is given, and `batch`, `lr`, `clip`, `optimizer`, `schedule` and `nonfinite`
    /// each when absent. So `train m on d epochs 1` continues a run exactly.
    func optimisationArguments(_ a: CommandArguments, objective: (String, SourceLocation)?,
                               previous: TrainingSettings? = nil) throws -> OptimisationArguments {
        var noise = try a.noise()
        // With neither `objective` nor `noise`, a model trained before keeps its objective.
        let inherited = objective == nil && noise == nil ? previous?.objective : nil
        if let inherited, inherited.kind.usesCorruption { noise = inherited.corruption }
        var kind: ObjectiveKind = inherited?.kind ?? ((noise.map { !$0.isIdentity } ?? false) ? .dvae : .vae)
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
        let K = try a.int("K", default: inherited?.K ?? 1, minimum: 1)
        let M = try a.int("M", default: inherited.map { $0.kind.usesCorruption ? $0.M : 1 } ?? 1, minimum: 1)
        if a.has("M") && !kind.usesCorruption && M != 1 {
            throw LocatedError("`M` counts corruptions and needs objective dvae or diwae", at: a.location(of: "M"),
                               suggestion: inherited.map { "this model was last trained with objective \($0.kind.rawValue)" })
        }
        let batch = try a.int("batch", default: previous?.batch ?? 100, minimum: 1)
        var lr = previous.map { Double($0.adam.lr) } ?? 1e-3
        if let (x, at) = try a.number("lr") {
            guard x > 0, x < 10 else { throw LocatedError("`lr` must be positive (and below 10), got \(formatNumber(x))", at: at) }
            lr = x
        }
        var clip: Float? = previous?.clip
        if let (x, at) = try a.number("clip") {
            guard x > 0 else { throw LocatedError("`clip` must be positive, got \(formatNumber(x))", at: at) }
            clip = Float(x)
        }
        let optimizer = a.word("optimizer").map { $0.0 == "authors_adam" ? AdamVariant.authors : AdamVariant.standard }
            ?? previous?.adam.variant
        let nonFinite = a.word("nonfinite").map { NonFiniteRule(rawValue: $0.0) ?? .skip } ?? previous?.nonFinite
        var kl = inherited?.kl
        if let (w, at) = try a.choice("kl", from: KLEstimator.allCases.map(\.rawValue)) {
            kl = KLEstimator(name: w)
            if let problem = kl?.problem(with: kind) {
                throw LocatedError(problem, at: at, suggestion: "use objective \(kind.usesCorruption ? "dvae" : "vae"), or kl monte_carlo")
            }
        } else if let k = kl, k.problem(with: kind) != nil {
            kl = nil   // inherited from a vae/dvae run, now training an importance-weighted objective
        }
        let batchOrder = try a.choice("batches", from: BatchOrder.allCases.map(\.rawValue)).flatMap { BatchOrder(rawValue: $0.0) }
            ?? previous?.batchOrder
        return OptimisationArguments(kind: kind, noise: noise, K: K, M: M, batch: batch, lr: lr, clip: clip,
                                     schedule: try a.schedule() ?? previous?.schedule, optimizer: optimizer, nonFinite: nonFinite,
                                     kl: kl, batchOrder: batchOrder)
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
        // nil stays nil for the defaults, so configurations (and cache keys) without these words are unchanged.
        if let (w, _) = a.word("init") { config.initialisation = w == "glorot" ? .glorot : nil }
        if let (w, _) = a.word("encoder_sigma") { config.encoderSigma = w == "exp" ? .exp : nil }
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
