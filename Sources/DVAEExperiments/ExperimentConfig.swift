import DVAE
/// Everything that determines one table cell: the data, the architecture, the training run and
/// the test bounds to report.
///
/// Two configurations with equal fields are the same cell; `key` names its cached result (see
/// `ExperimentKey`). Every field is part of the key, so changing anything — including the seed or
/// the optional extra IWAE-k column — is a different cell. Fields that an objective ignores (`M`
/// and `corruption` for `vae` / `iwae`) are still part of the key: write them as `1` and `.none`.
///
/// The test bound is always computed on the clean test split (`testCount` examples): the ELBO
/// for `vae` / `dvae`, IWAE-K for `iwae` / `diwae` (see `testBoundKind`), plus IWAE-`extraIWAE`
/// when that is set (5000 in the paper).
public struct ExperimentConfig: Hashable, Sendable {
    /// The dataset's name as `DataSplits.name` reports it, e.g. `"binarized_mnist"`, `"frey"`,
    /// `"synthetic"`. `ExperimentRunner` refuses data whose name differs.
    public var dataset: String
    /// What the key knows of the data beyond its name: `ExperimentConfig.dataDigest(of:validCount:)`
    /// of the splits the cell draws its examples from, so two different datasets of the same name
    /// (another file version, another subset, the synthetic set with another seed) never share a
    /// cell. `ExperimentRunner` refuses data with another digest. Nil: not recorded (the name is
    /// then all the key knows; the language always sets it).
    public var dataDigest: String?
    /// Training examples used: `trainCount` examples of the training split, a fixed-seed random subset (`Dataset.sample`) (nil: all of it).
    public var trainCount: Int?
    /// Validation examples scored (ELBO) after every epoch for the learning curve:
    /// `validCount` examples of the validation split (a fixed-seed random subset); 0 (the default) skips validation, nil uses all of it.
    public var validCount: Int?
    /// Test examples the bounds are computed on: `testCount` examples of the test split, a fixed-seed random subset (the file is sorted by class) (nil: all).
    public var testCount: Int?
    /// The architecture (weights are initialised from `seed`). Its weight initialisation and
    /// encoder σ head are the recipe's (`recipe.initialisation`, `recipe.encoderSigma`): setting
    /// the model sets them there.
    public var model: ModelConfig {
        get {
            var m = architecture
            m.initialisation = recipe.initialisation
            m.encoderSigma = recipe.encoderSigma
            return m
        }
        set {
            recipe.initialisation = newValue.initialisation
            recipe.encoderSigma = newValue.encoderSigma
            architecture = Self.shapeOnly(newValue)
        }
    }
    /// The architecture without the recipe's fresh-model choices (kept nil, so equality and
    /// hashing see each setting once).
    private var architecture: ModelConfig
    /// How the cell trains: objective, noise, K, M, batch, optimiser, rate and schedule, clipping,
    /// non-finite rule, initialisation, encoder σ, KL estimator, batch order. Its fields are
    /// written into the configuration's JSON under the names they always had, so keys are kept.
    public var recipe: TrainingRecipe
    /// Number of training epochs.
    public var epochs: Int
    /// The seed of the weights, the training streams and the bound estimates.
    public var seed: UInt64
    /// When set, the k of an extra IWAE-k test bound (the paper's IWAE-5000 column).
    public var extraIWAE: Int?
    /// When true, the ELBO test bound of `vae` / `dvae` takes its KL term in closed form
    /// (`BoundKind.elboAnalytic`, the authors' test cost); nil or false: the Monte Carlo ELBO.
    /// Like every optional field, nil is left out of the key, so cells computed before the field
    /// existed keep their keys.
    public var analyticKL: Bool?
    /// When true, the per-epoch curve scores the clean **test** examples (the `testCount` used for
    /// the final bound) instead of the validation split — for notebooks that study the test bound
    /// against epochs, not for model selection. nil or false: the validation split (`validCount`).
    public var curveOnTest: Bool?
    /// The curve keeps every `curveEvery`-th epoch (and the last), and its bounds are computed
    /// only there (nil: every epoch). Keeps a 5 000-epoch cell's curve and checkpoint small.
    public var curveEvery: Int?
    /// When true, the curve also scores the clean training examples (`EpochRecord.cleanTrainBound`).
    public var curveOnTrain: Bool?

    /// A cell training with `recipe` (whose initialisation and encoder σ replace the model's).
    public init(dataset: String = "synthetic", dataDigest: String? = nil, trainCount: Int? = nil, validCount: Int? = 0,
                testCount: Int? = nil, model: ModelConfig, recipe: TrainingRecipe, epochs: Int = 10, seed: UInt64 = 0,
                extraIWAE: Int? = nil, analyticKL: Bool? = nil, curveOnTest: Bool? = nil, curveEvery: Int? = nil,
                curveOnTrain: Bool? = nil) {
        self.dataset = dataset
        self.dataDigest = dataDigest
        self.trainCount = trainCount
        self.validCount = validCount
        self.testCount = testCount
        self.architecture = Self.shapeOnly(model)
        self.recipe = recipe
        self.epochs = epochs
        self.seed = seed
        self.extraIWAE = extraIWAE
        self.analyticKL = analyticKL
        self.curveOnTest = curveOnTest
        self.curveEvery = curveEvery
        self.curveOnTrain = curveOnTrain
    }

    /// A configuration from the recipe's settings one by one (nil optional settings: the engine's
    /// defaults); the model's initialisation and encoder σ are kept. The defaults are a tiny
    /// quick-protocol cell on the synthetic data.
    public init(dataset: String = "synthetic", trainCount: Int? = nil, validCount: Int? = 0,
                testCount: Int? = nil,
                model: ModelConfig = ModelConfig(inputSize: 144, height: 12, width: 12, encoderHidden: [200],
                                                  latent: 50, decoderHidden: [200]),
                objective: ObjectiveKind = .dvae, K: Int = 1, M: Int = 1, corruption: Corruption = .none,
                epochs: Int = 10, batchSize: Int = 100, learningRate: Float = 1e-3, clipNorm: Float? = nil,
                seed: UInt64 = 0, extraIWAE: Int? = nil, schedule: LearningRateSchedule? = nil,
                optimizer: AdamVariant? = nil, nonFinite: NonFiniteRule? = nil, analyticKL: Bool? = nil,
                curveOnTest: Bool? = nil, dataDigest: String? = nil, trainKL: KLEstimator? = nil,
                batchOrder: BatchOrder? = nil, curveEvery: Int? = nil, curveOnTrain: Bool? = nil) {
        var r = TrainingRecipe()
        r.objective = objective
        r.K = K
        r.M = M
        r.corruption = corruption
        r.batchSize = batchSize
        r.learningRate = learningRate
        r.clipNorm = clipNorm
        r.schedule = schedule ?? .constant
        r.optimizer = optimizer ?? .standard
        r.nonFinite = nonFinite ?? .skip
        r.kl = trainKL ?? .monteCarlo
        r.batchOrder = batchOrder ?? .shuffled
        r.initialisation = model.initialisation
        r.encoderSigma = model.encoderSigma
        self.init(dataset: dataset, dataDigest: dataDigest, trainCount: trainCount, validCount: validCount,
                  testCount: testCount, model: model, recipe: r, epochs: epochs, seed: seed, extraIWAE: extraIWAE,
                  analyticKL: analyticKL, curveOnTest: curveOnTest, curveEvery: curveEvery, curveOnTrain: curveOnTrain)
    }

    /// `model` without the fields the recipe owns.
    private static func shapeOnly(_ model: ModelConfig) -> ModelConfig {
        var m = model
        m.initialisation = nil
        m.encoderSigma = nil
        return m
    }

    // The recipe's settings under the names cells have always used (read and written through).

    /// The training objective (`recipe.objective`).
    public var objective: ObjectiveKind { get { recipe.objective } set { recipe.objective = newValue } }
    /// K, latent samples per (corrupted) input during training; also the k of the IWAE-K test
    /// bound of `iwae` / `diwae` (`recipe.K`).
    public var K: Int { get { recipe.K } set { recipe.K = newValue } }
    /// M, corruptions per example during training (`recipe.M`).
    public var M: Int { get { recipe.M } set { recipe.M = newValue } }
    /// The training corruption p(x̃|x) (`recipe.corruption`); the test bound never corrupts.
    public var corruption: Corruption { get { recipe.corruption } set { recipe.corruption = newValue } }
    /// Minibatch size (`recipe.batchSize`).
    public var batchSize: Int { get { recipe.batchSize } set { recipe.batchSize = newValue } }
    /// Adam's learning rate (`recipe.learningRate`).
    public var learningRate: Float { get { recipe.learningRate } set { recipe.learningRate = newValue } }
    /// Global gradient-norm clipping threshold (`recipe.clipNorm`; nil: no clipping).
    public var clipNorm: Float? { get { recipe.clipNorm } set { recipe.clipNorm = newValue } }
    /// The learning-rate schedule, nil when constant (`recipe.schedule`).
    public var schedule: LearningRateSchedule? {
        get { recipe.schedule == .constant ? nil : recipe.schedule }
        set { recipe.schedule = newValue ?? .constant }
    }
    /// The Adam variant, nil when standard (`recipe.optimizer`).
    public var optimizer: AdamVariant? {
        get { recipe.optimizer == .standard ? nil : recipe.optimizer }
        set { recipe.optimizer = newValue ?? .standard }
    }
    /// What a non-finite step does, nil when it is skipped (`recipe.nonFinite`).
    public var nonFinite: NonFiniteRule? {
        get { recipe.nonFinite == .skip ? nil : recipe.nonFinite }
        set { recipe.nonFinite = newValue ?? .skip }
    }
    /// How training scores the latent term, nil for Monte Carlo (`recipe.kl`).
    public var trainKL: KLEstimator? {
        get { recipe.kl == .monteCarlo ? nil : recipe.kl }
        set { recipe.kl = newValue ?? .monteCarlo }
    }
    /// How each epoch walks the training set, nil when reshuffled (`recipe.batchOrder`).
    public var batchOrder: BatchOrder? {
        get { recipe.batchOrder == .shuffled ? nil : recipe.batchOrder }
        set { recipe.batchOrder = newValue ?? .shuffled }
    }

    /// The digest of the data a cell on `data` uses: the training and test splits' `contentDigest`
    /// (the cell takes its seeded subsets from them), and the validation split's when
    /// `validCount` is not 0. 16 lowercase hex digits; each split's digest is computed once per
    /// loaded split and reused.
    public static func dataDigest(of data: DataSplits, validCount: Int?) -> String {
        var parts = [data.train.contentDigest, data.test.contentDigest]
        if validCount != 0 { parts.append(data.valid.contentDigest) }
        return hexDigits(ExperimentKey.fnv1a64(parts.joined(separator: "|").utf8))
    }

    /// The cache key of this configuration (`ExperimentKey.key(for:)`): 16 lowercase hex digits.
    public var key: String { ExperimentKey.key(for: self) }

    /// The objective the trainer maximises.
    public var objectiveConfig: ObjectiveConfig { recipe.objectiveConfig }

    /// The trainer's settings (seeded with `seed`; per-epoch validation when `validCount` ≠ 0).
    public var trainConfig: TrainConfig {
        recipe.trainConfig(epochs: epochs, seed: seed, validateEveryEpoch: validCount != 0 || curveOnTest == true,
                           evaluationInterval: curveEvery ?? 1, scoreCleanTraining: curveOnTrain == true)
    }

    /// How many curve records the first `epoch` epochs leave (the epochs `TrainConfig.evaluates`).
    public func curveRecords(upTo epoch: Int) -> Int {
        let train = trainConfig
        return (0..<max(0, epoch)).filter { train.evaluates(epoch: $0 + 1) }.count
    }

    /// The bound of the trained objective on clean test data: ELBO for `vae` / `dvae` (with the
    /// KL in closed form when `analyticKL`), IWAE-K for `iwae` / `diwae`.
    public var testBoundKind: BoundKind {
        objective.isImportanceWeighted ? .iwae(K) : (analyticKL == true ? .elboAnalytic : .elbo)
    }

    /// The same cell with another seed (one seed of a mean ± std group).
    public func with(seed: UInt64) -> ExperimentConfig {
        var c = self
        c.seed = seed
        return c
    }

    /// The same cell with another training corruption (one noise level of a table row).
    public func with(corruption: Corruption) -> ExperimentConfig {
        var c = self
        c.corruption = corruption
        return c
    }

    /// This configuration with the seed set to 0: equal for every seed of one cell, so it groups
    /// results for `ExperimentSummary`.
    public var ignoringSeed: ExperimentConfig { with(seed: 0) }
}

extension ExperimentConfig: Codable {
    /// The configuration's own JSON names; the recipe writes its settings beside them.
    private enum CodingKeys: String, CodingKey {
        case dataset, dataDigest, trainCount, validCount, testCount, model, epochs, seed, extraIWAE, analyticKL,
             curveOnTest, curveEvery, curveOnTrain
    }

    /// One flat object, as cells have always been written (their keys hash it): the recipe's
    /// settings sit beside the cell's fields, its fresh-model choices inside `model`, and nil or
    /// default settings are left out.
    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dataset, forKey: .dataset)
        try c.encodeIfPresent(dataDigest, forKey: .dataDigest)
        try c.encodeIfPresent(trainCount, forKey: .trainCount)
        try c.encodeIfPresent(validCount, forKey: .validCount)
        try c.encodeIfPresent(testCount, forKey: .testCount)
        try c.encode(model, forKey: .model)
        try c.encode(epochs, forKey: .epochs)
        try c.encode(seed, forKey: .seed)
        try c.encodeIfPresent(extraIWAE, forKey: .extraIWAE)
        try c.encodeIfPresent(analyticKL, forKey: .analyticKL)
        try c.encodeIfPresent(curveOnTest, forKey: .curveOnTest)
        try c.encodeIfPresent(curveEvery, forKey: .curveEvery)
        try c.encodeIfPresent(curveOnTrain, forKey: .curveOnTrain)
        try recipe.encode(to: encoder, modelChoices: false)
    }

    /// Reads what `encode(to:)` writes (and every configuration written before the recipe existed).
    public init(from decoder: Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var recipe = try TrainingRecipe(from: decoder)
        let model = try c.decode(ModelConfig.self, forKey: .model)
        recipe.initialisation = model.initialisation
        recipe.encoderSigma = model.encoderSigma
        self.init(dataset: try c.decode(String.self, forKey: .dataset),
                  dataDigest: try c.decodeIfPresent(String.self, forKey: .dataDigest),
                  trainCount: try c.decodeIfPresent(Int.self, forKey: .trainCount),
                  validCount: try c.decodeIfPresent(Int.self, forKey: .validCount),
                  testCount: try c.decodeIfPresent(Int.self, forKey: .testCount),
                  model: model, recipe: recipe, epochs: try c.decode(Int.self, forKey: .epochs),
                  seed: try c.decode(UInt64.self, forKey: .seed),
                  extraIWAE: try c.decodeIfPresent(Int.self, forKey: .extraIWAE),
                  analyticKL: try c.decodeIfPresent(Bool.self, forKey: .analyticKL),
                  curveOnTest: try c.decodeIfPresent(Bool.self, forKey: .curveOnTest),
                  curveEvery: try c.decodeIfPresent(Int.self, forKey: .curveEvery),
                  curveOnTrain: try c.decodeIfPresent(Bool.self, forKey: .curveOnTrain))
    }
}

extension ExperimentConfig: CustomStringConvertible {
    /// A one-line summary, e.g. `synthetic dvae K1 M1 salt_pepper 0.1 mlp[200]-50 10ep seed 0`.
    public var description: String {
        let enc = "\(model.encoder.rawValue)\(model.encoderHidden)-\(model.latent)"
        var s = "\(dataset) \(objective.rawValue) K\(K) M\(M) \(corruption) \(enc) \(epochs)ep seed \(seed)"
        if let k = extraIWAE { s += " +iwae-\(k)" }
        return s + recipe.optionsDescription
    }
}
