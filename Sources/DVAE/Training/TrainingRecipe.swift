import Foundation

/// How a model is trained, besides the epochs to reach and the seed: the objective with its noise
/// and law, K, M, the minibatch, the optimiser with its learning rate and schedule, clipping, the
/// non-finite rule, the initialisation of a fresh model, the encoder's σ head, the KL estimator
/// and the batch order.
///
/// The one owner of these settings: the language's `train` and `experiment` parse one recipe
/// (`ExperimentConfig` embeds it, its fields spelled as before so cell keys are unchanged), the
/// trainer gets its `TrainConfig` from it, and a checkpoint records it (`checkpointMetadata`,
/// read back by `fromCheckpoint(_:path:)`). Adding a training option is a field here — its
/// default, its coding key (left out of the JSON while it holds its default, so older cells keep
/// their keys), its checkpoint entry, its description suffix and, for the language, its entry
/// in `languageOptions` — plus its test.
///
/// `initialisation` and `encoderSigma` shape a *fresh* model (an `experiment` cell builds one);
/// `train` continues a model whose weights already exist, and its checkpoint records them in the
/// architecture.
public struct TrainingRecipe: Hashable, Sendable {
    /// The objective maximised.
    public var objective: ObjectiveKind = .vae
    /// K, latent samples per (corrupted) input.
    public var K: Int = 1
    /// M, corruptions per example (`dvae` / `diwae`).
    public var M: Int = 1
    /// The training corruption p(x̃|x), its law included (`Corruption.saltPepperAuthors`).
    public var corruption: Corruption = .none
    /// Examples per minibatch.
    public var batchSize: Int = 100
    /// The Adam update rule.
    public var optimizer: AdamVariant = .standard
    /// Adam's learning rate (before the schedule's factor).
    public var learningRate: Float = 1e-3
    /// How the learning rate changes epoch by epoch.
    public var schedule: LearningRateSchedule = .constant
    /// Global gradient-norm clipping threshold (nil: no clipping).
    public var clipNorm: Float? = nil
    /// What a step with a non-finite objective or gradient does.
    public var nonFinite: NonFiniteRule = .skip
    /// How a fresh model's weights are drawn (nil: the engine's default, `WeightInit.standard`).
    public var initialisation: WeightInit? = nil
    /// What a fresh model's encoder variance head predicts (nil: log σ², `EncoderSigma.logVariance`).
    public var encoderSigma: EncoderSigma? = nil
    /// How training scores the latent term.
    public var kl: KLEstimator = .monteCarlo
    /// How each epoch walks the training set.
    public var batchOrder: BatchOrder = .shuffled

    /// The engine's defaults: `vae`, K = M = 1, batch 100, Adam at 1e-3, constant rate, no
    /// clipping, non-finite steps skipped, Monte Carlo KL, reshuffled batches.
    public init() {}

    /// The engine's defaults (`init()`).
    public static let engine = TrainingRecipe()

    /// Every option of the authors' training code (`protocol authors`): their Adam, clipping at 5,
    /// the shrink rule, their schedule, plain Glorot weights, σ = exp(output), the closed-form KL
    /// and fixed file-order minibatches. The objective and its samples are the engine's defaults:
    /// set them after. (An importance-weighted objective has no closed-form KL: see `normalised`.)
    public static let authors: TrainingRecipe = {
        var r = TrainingRecipe()
        r.optimizer = .authors
        r.clipNorm = 5
        r.nonFinite = .shrink
        r.schedule = .authors
        r.initialisation = .glorot
        r.encoderSigma = .exp
        r.kl = .analytic
        r.batchOrder = .fixed
        return r
    }()

    /// The objective the trainer maximises.
    public var objectiveConfig: ObjectiveConfig {
        get { ObjectiveConfig(kind: objective, K: K, M: M, corruption: corruption, kl: kl) }
        set {
            objective = newValue.kind
            K = newValue.K
            M = newValue.M
            corruption = newValue.corruption
            kl = newValue.kl
        }
    }

    /// Adam's settings (the moments' decays and ε are `AdamConfig`'s defaults).
    public var adam: AdamConfig { AdamConfig(lr: learningRate, variant: optimizer) }

    /// The trainer's settings for a run reaching `epochs` epochs from `seed`.
    public func trainConfig(epochs: Int, seed: UInt64, validateEveryEpoch: Bool,
                            evaluationInterval: Int = 1, scoreCleanTraining: Bool = false) -> TrainConfig {
        TrainConfig(objective: objectiveConfig, epochs: epochs, batchSize: batchSize, adam: adam, clipNorm: clipNorm,
                    seed: seed, validateEveryEpoch: validateEveryEpoch, schedule: schedule, nonFinite: nonFinite,
                    batchOrder: batchOrder, evaluationInterval: evaluationInterval,
                    scoreCleanTraining: scoreCleanTraining)
    }

    /// This recipe with the KL estimator falling back to Monte Carlo when the objective has no
    /// closed form (an importance-weighted one): for a `kl` that came from a preset or an earlier
    /// run rather than from the caller.
    public var normalised: TrainingRecipe {
        var r = self
        if r.kl.problem(with: r.objective) != nil { r.kl = .monteCarlo }
        return r
    }

    /// The non-default options, as `ExperimentConfig.description` ends: e.g.
    /// ` lr authors adam-authors nonfinite-shrink kl-analytic batches-fixed` (empty for the engine's).
    public var optionsDescription: String {
        var s = ""
        if schedule != .constant { s += " lr \(schedule)" }
        if optimizer != .standard { s += " adam-\(optimizer.rawValue)" }
        if nonFinite != .skip { s += " nonfinite-\(nonFinite.rawValue)" }
        if kl != .monteCarlo { s += " kl-\(kl.rawValue)" }
        if batchOrder != .shuffled { s += " batches-\(batchOrder.rawValue)" }
        return s
    }
}

// MARK: - The language's words

extension TrainingRecipe {
    /// The settings the language writes as `KEYWORD VALUE` after `train` and `experiment` (the
    /// fresh-model ones after `model` and `experiment`), with their words, help and how each sets
    /// the recipe: the language's keywords, parsing, help and completion come from this table.
    /// (The objective, `noise`/`law`, K, M, `batch` and `schedule` have their own syntax or
    /// rules across settings, and the language reads them itself.)
    public static let languageOptions: [TrainingOption] = [
        .number("lr", summary: "Adam learning rate (default 1e-3)",
                problem: { $0 > 0 && $0 < 10 ? nil : "must be positive (and below 10)" }) { $0.learningRate = Float($1) },
        .number("clip", summary: "clip the gradient norm at X",
                problem: { $0 > 0 ? nil : "must be positive" }) { $0.clipNorm = Float($1) },
        .choice("optimizer", "OPT", AdamVariant.self,
                summary: "adam (default) or authors_adam (the authors' variant: β1 ≈ 0 after step 1)") { $0.optimizer = $1 },
        .choice("nonfinite", "RULE", NonFiniteRule.self,
                summary: "a non-finite step: skip it (default) or shrink (gradient := 0.1 × parameter, the authors' rule)") { $0.nonFinite = $1 },
        .choice("kl", "KL", KLEstimator.self, stringToo: true,
                summary: "the latent term in training, a word or a string: monte_carlo (default: log p(z) − log q(z|x̃) at the sample) or analytic (closed-form KL, the authors'; vae/dvae only)") { $0.kl = $1 },
        .choice("batches", "ORDER", BatchOrder.self, stringToo: true,
                summary: "a word or a string: shuffled (default: reshuffled every epoch) or fixed (the authors': file order, full minibatches only)") { $0.batchOrder = $1 },
        .choice("init", "INIT", WeightInit.self, group: .freshModel,
                summary: "standard (default: variance head ×0.1) or glorot (plain Glorot-uniform, the authors')") {
                    $0.initialisation = $1 == .standard ? nil : $1 },
        .choice("encoder_sigma", "SIGMA", EncoderSigma.self, group: .freshModel,
                summary: "the encoder's variance head predicts log σ² (logvar, default) or log σ (exp: σ = exp(output), the authors')") {
                    $0.encoderSigma = $1 == .logVariance ? nil : $1 },
    ]
}

// MARK: - JSON

extension TrainingRecipe: Codable {
    /// The JSON names: those `ExperimentConfig` has always used, so embedding the recipe keeps
    /// every cell key (`kl` is `trainKL` there).
    public enum CodingKeys: String, CodingKey {
        case objective, K, M, corruption, batchSize, optimizer, learningRate, schedule, clipNorm, nonFinite,
             initialisation, encoderSigma, kl = "trainKL", batchOrder
    }

    /// Writes the recipe; options at their default are left out (so a new option keeps the keys
    /// of everything written before it). `modelChoices: false` leaves out `initialisation` and
    /// `encoderSigma`, for a container that stores them in its architecture.
    public func encode(to encoder: Swift.Encoder, modelChoices: Bool) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(objective, forKey: .objective)
        try c.encode(K, forKey: .K)
        try c.encode(M, forKey: .M)
        try c.encode(corruption, forKey: .corruption)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encodeIfPresent(clipNorm, forKey: .clipNorm)
        if schedule != .constant { try c.encode(schedule, forKey: .schedule) }
        if optimizer != .standard { try c.encode(optimizer, forKey: .optimizer) }
        if nonFinite != .skip { try c.encode(nonFinite, forKey: .nonFinite) }
        if kl != .monteCarlo { try c.encode(kl, forKey: .kl) }
        if batchOrder != .shuffled { try c.encode(batchOrder, forKey: .batchOrder) }
        if modelChoices {
            try c.encodeIfPresent(initialisation, forKey: .initialisation)
            try c.encodeIfPresent(encoderSigma, forKey: .encoderSigma)
        }
    }

    /// Writes every option (defaults left out).
    public func encode(to encoder: Swift.Encoder) throws { try encode(to: encoder, modelChoices: true) }

    /// Reads a recipe; absent options take their defaults (and unknown keys are ignored, so the
    /// recipe reads itself out of a larger object such as an `ExperimentConfig`).
    public init(from decoder: Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        objective = try c.decode(ObjectiveKind.self, forKey: .objective)
        K = try c.decode(Int.self, forKey: .K)
        M = try c.decode(Int.self, forKey: .M)
        corruption = try c.decode(Corruption.self, forKey: .corruption)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        learningRate = try c.decode(Float.self, forKey: .learningRate)
        clipNorm = try c.decodeIfPresent(Float.self, forKey: .clipNorm)
        schedule = try c.decodeIfPresent(LearningRateSchedule.self, forKey: .schedule) ?? .constant
        optimizer = try c.decodeIfPresent(AdamVariant.self, forKey: .optimizer) ?? .standard
        nonFinite = try c.decodeIfPresent(NonFiniteRule.self, forKey: .nonFinite) ?? .skip
        kl = try c.decodeIfPresent(KLEstimator.self, forKey: .kl) ?? .monteCarlo
        batchOrder = try c.decodeIfPresent(BatchOrder.self, forKey: .batchOrder) ?? .shuffled
        initialisation = try c.decodeIfPresent(WeightInit.self, forKey: .initialisation)
        encoderSigma = try c.decodeIfPresent(EncoderSigma.self, forKey: .encoderSigma)
    }
}

// MARK: - Checkpoint metadata

extension TrainingRecipe {
    /// The largest K, M or batch a checkpoint's recipe may hold (as the language's counts).
    public static let maximumCount = 1_000_000_000

    /// The checkpoint metadata of this recipe and the run's `seed` (`docs/checkpoint.md`):
    /// `objective` (JSON `ObjectiveConfig`), `corruption`, `seed`, `adam.config`, `batch`, `clip`
    /// when clipping, `schedule`, `nonfinite`, and `batch_order` when fixed. The fresh-model
    /// choices are not here: the `architecture` entry holds them.
    public func checkpointMetadata(seed: UInt64) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json<T: Encodable>(_ v: T) -> String { String(decoding: (try? encoder.encode(v)) ?? Data(), as: UTF8.self) }
        typealias Key = Checkpoint.MetadataKey
        var m = [Key.objective: json(objectiveConfig), Key.adamConfig: json(adam),
                 Key.corruption: objectiveConfig.effectiveCorruption.description, Key.seed: String(seed),
                 Key.batch: String(batchSize), Key.schedule: schedule.description, Key.nonFinite: nonFinite.rawValue]
        if let clipNorm { m[Key.clip] = "\(clipNorm)" }
        if batchOrder != .shuffled { m[Key.batchOrder] = batchOrder.rawValue }
        return m
    }

    /// The recipe and seed a checkpoint's metadata records (`checkpointMetadata(seed:)`), with
    /// the fresh-model choices from its `architecture` when present; nil when it records none (a
    /// checkpoint of an untrained model, or one written before these keys existed). A value that
    /// is present but invalid throws `CheckpointError.corruptHeader` naming the key at `path`.
    public static func fromCheckpoint(_ metadata: [String: String], path: String) throws -> (recipe: TrainingRecipe, seed: UInt64)? {
        typealias Key = Checkpoint.MetadataKey
        guard let objectiveJSON = metadata[Key.objective] else { return nil }
        func bad(_ key: String, _ what: String) -> CheckpointError {
            let value = metadata[key] ?? ""
            let shown = value.count > 60 ? String(value.prefix(60)) + "…" : value
            return CheckpointError.corruptHeader(path: path, reason: "metadata '\(key)' is '\(shown)'; \(what)")
        }
        let counts = 1...maximumCount
        let decoder = JSONDecoder()
        var r = TrainingRecipe()
        guard let objective = try? decoder.decode(ObjectiveConfig.self, from: Data(objectiveJSON.utf8)),
              counts.contains(objective.K), counts.contains(objective.M),
              (try? objective.corruption.validate()) != nil else {
            throw bad(Key.objective, "expected a JSON objective such as {\"kind\":\"dvae\",\"K\":1,\"M\":1,\"corruption\":{\"kind\":\"salt_pepper\",\"level\":0.1}}")
        }
        if let problem = objective.kl.problem(with: objective.kind) { throw bad(Key.objective, problem) }
        r.objectiveConfig = objective
        guard let adamJSON = metadata[Key.adamConfig],
              let adam = try? decoder.decode(AdamConfig.self, from: Data(adamJSON.utf8)),
              adam.lr > 0, adam.lr.isFinite, (0..<1).contains(adam.beta1), (0..<1).contains(adam.beta2), adam.eps > 0 else {
            throw bad(Key.adamConfig, "expected JSON Adam settings {\"lr\":…,\"beta1\":…,\"beta2\":…,\"eps\":…}")
        }
        r.learningRate = adam.lr
        r.optimizer = adam.variant
        guard let seed = metadata[Key.seed].flatMap({ UInt64($0) }) else { throw bad(Key.seed, "expected a whole number ≥ 0") }
        guard let batch = metadata[Key.batch].flatMap({ Int($0) }), counts.contains(batch) else {
            throw bad(Key.batch, "expected a whole number between 1 and \(maximumCount)")
        }
        r.batchSize = batch
        if let text = metadata[Key.clip] {
            guard let c = Float(text), c > 0, c.isFinite else { throw bad(Key.clip, "expected a positive number") }
            r.clipNorm = c
        }
        if let text = metadata[Key.schedule] {
            guard let s = LearningRateSchedule(name: text) else { throw bad(Key.schedule, "expected \(LearningRateSchedule.usage)") }
            r.schedule = s
        }
        if let text = metadata[Key.nonFinite] {
            guard let rule = NonFiniteRule(name: text) else { throw bad(Key.nonFinite, "expected \(NonFiniteRule.namesInProse)") }
            r.nonFinite = rule
        }
        if let text = metadata[Key.batchOrder] {
            guard let order = BatchOrder(name: text) else { throw bad(Key.batchOrder, "expected \(BatchOrder.namesInProse)") }
            r.batchOrder = order
        }
        if let text = metadata[Key.architecture], let model = try? decoder.decode(ModelConfig.self, from: Data(text.utf8)) {
            r.initialisation = model.initialisation
            r.encoderSigma = model.encoderSigma
        }
        return (r, seed)
    }
}
