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
public struct ExperimentConfig: Codable, Hashable, Sendable {
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
    /// The architecture (weights are initialised from `seed`).
    public var model: ModelConfig
    /// The training objective.
    public var objective: ObjectiveKind
    /// K, latent samples per (corrupted) input during training; also the k of the IWAE-K test
    /// bound of `iwae` / `diwae`.
    public var K: Int
    /// M, corruptions per example during training (`dvae` / `diwae`).
    public var M: Int
    /// The training corruption p(x̃|x) (`dvae` / `diwae`); the test bound never corrupts.
    public var corruption: Corruption
    /// Number of training epochs.
    public var epochs: Int
    /// Minibatch size.
    public var batchSize: Int
    /// Adam's learning rate (the other Adam settings are the defaults of `AdamConfig`).
    public var learningRate: Float
    /// Global gradient-norm clipping threshold (nil: no clipping).
    public var clipNorm: Float?
    /// The seed of the weights, the training streams and the bound estimates.
    public var seed: UInt64
    /// When set, the k of an extra IWAE-k test bound (the paper's IWAE-5000 column).
    public var extraIWAE: Int?
    /// The learning-rate schedule (nil: constant). Like every optional field below, nil is left
    /// out of the key, so cells computed before the field existed keep their keys.
    public var schedule: LearningRateSchedule?
    /// The Adam variant (nil: standard).
    public var optimizer: AdamVariant?
    /// What a non-finite step does (nil: skip it).
    public var nonFinite: NonFiniteRule?
    /// When true, the ELBO test bound of `vae` / `dvae` takes its KL term in closed form
    /// (`BoundKind.elboAnalytic`, the authors' test cost); nil or false: the Monte Carlo ELBO.
    public var analyticKL: Bool?
    /// When true, the per-epoch curve scores the clean **test** examples (the `testCount` used for
    /// the final bound) instead of the validation split — for notebooks that study the test bound
    /// against epochs, not for model selection. nil or false: the validation split (`validCount`).
    public var curveOnTest: Bool?
    /// How training scores the latent term (nil: Monte Carlo; `.analytic`: the closed-form KL of
    /// the authors' training cost, `vae` / `dvae` only).
    public var trainKL: KLEstimator?
    /// How each epoch walks the training set (nil: reshuffled every epoch; `.fixed`: the
    /// authors' file-order minibatches, full ones only).
    public var batchOrder: BatchOrder?
    /// The curve keeps every `curveEvery`-th epoch (and the last), and its bounds are computed
    /// only there (nil: every epoch). Keeps a 5 000-epoch cell's curve and checkpoint small.
    public var curveEvery: Int?
    /// When true, the curve also scores the clean training examples (`EpochRecord.cleanTrainBound`).
    public var curveOnTrain: Bool?

    /// A configuration; the defaults are a tiny quick-protocol cell on the synthetic data.
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
        self.dataset = dataset
        self.dataDigest = dataDigest
        self.trainCount = trainCount
        self.validCount = validCount
        self.testCount = testCount
        self.model = model
        self.objective = objective
        self.K = K
        self.M = M
        self.corruption = corruption
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.clipNorm = clipNorm
        self.seed = seed
        self.extraIWAE = extraIWAE
        self.schedule = schedule
        self.optimizer = optimizer
        self.nonFinite = nonFinite
        self.analyticKL = analyticKL
        self.curveOnTest = curveOnTest
        self.trainKL = trainKL
        self.batchOrder = batchOrder
        self.curveEvery = curveEvery
        self.curveOnTrain = curveOnTrain
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
    public var objectiveConfig: ObjectiveConfig {
        ObjectiveConfig(kind: objective, K: K, M: M, corruption: corruption, kl: trainKL ?? .monteCarlo)
    }

    /// The trainer's settings (seeded with `seed`; per-epoch validation when `validCount` ≠ 0).
    public var trainConfig: TrainConfig {
        TrainConfig(objective: objectiveConfig, epochs: epochs, batchSize: batchSize,
                    adam: AdamConfig(lr: learningRate, variant: optimizer ?? .standard), clipNorm: clipNorm, seed: seed,
                    validateEveryEpoch: validCount != 0 || curveOnTest == true, schedule: schedule ?? .constant,
                    nonFinite: nonFinite ?? .skip, batchOrder: batchOrder ?? .shuffled,
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

    /// Hashes every field (consistent with the synthesised `==`).
    public func hash(into h: inout Hasher) {
        h.combine(dataset)
        h.combine(dataDigest)
        h.combine(trainCount)
        h.combine(validCount)
        h.combine(testCount)
        h.combine(model.inputSize)
        h.combine(model.height)
        h.combine(model.width)
        h.combine(model.encoder)
        h.combine(model.encoderHidden)
        h.combine(model.latent)
        h.combine(model.decoder)
        h.combine(model.decoderHidden)
        h.combine(model.initialisation)
        h.combine(model.encoderSigma)
        h.combine(objective)
        h.combine(K)
        h.combine(M)
        h.combine(corruption.name)
        h.combine(corruption.level)
        h.combine(epochs)
        h.combine(batchSize)
        h.combine(learningRate)
        h.combine(clipNorm)
        h.combine(seed)
        h.combine(extraIWAE)
        h.combine(schedule?.description)
        h.combine(optimizer)
        h.combine(nonFinite)
        h.combine(analyticKL)
        h.combine(curveOnTest)
        h.combine(trainKL)
        h.combine(batchOrder)
        h.combine(curveEvery)
        h.combine(curveOnTrain)
    }
}

extension ExperimentConfig: CustomStringConvertible {
    /// A one-line summary, e.g. `synthetic dvae K1 M1 salt_pepper 0.1 mlp[200]-50 10ep seed 0`.
    public var description: String {
        let enc = "\(model.encoder.rawValue)\(model.encoderHidden)-\(model.latent)"
        var s = "\(dataset) \(objective.rawValue) K\(K) M\(M) \(corruption) \(enc) \(epochs)ep seed \(seed)"
        if let k = extraIWAE { s += " +iwae-\(k)" }
        if let p = schedule, p != .constant { s += " lr \(p)" }
        if let o = optimizer, o != .standard { s += " adam-\(o.rawValue)" }
        if let n = nonFinite, n != .skip { s += " nonfinite-\(n.rawValue)" }
        if let k = trainKL, k != .monteCarlo { s += " kl-\(k.rawValue)" }
        if let b = batchOrder, b != .shuffled { s += " batches-\(b.rawValue)" }
        return s
    }
}
