import DVAE
import Foundation

/// What the last `train` of a model used, beyond what its weights and Adam state record: kept on
/// the model, written by `save` and read back by `open`, so that `train` given no settings
/// continues the run exactly (same objective, corruption, batch, Adam settings, clipping and seed;
/// each epoch's random stream is derived from the seed and the epoch number).
struct TrainingSettings: Equatable {
    /// The objective with K, M and its corruption.
    var objective: ObjectiveConfig
    /// Minibatch size.
    var batch: Int
    /// Adam's hyper-parameters.
    var adam: AdamConfig
    /// Gradient-norm clipping threshold, if any.
    var clip: Float?
    /// The training seed.
    var seed: UInt64
    /// The learning-rate schedule (its factor may depend on the total epochs of one `train`, so
    /// only `constant` continues exactly across separate `train` commands).
    var schedule: LearningRateSchedule = .constant
    /// What a non-finite step does.
    var nonFinite: NonFiniteRule = .skip
    /// How epochs walk the training set.
    var batchOrder: BatchOrder = .shuffled

    /// Metadata key of the minibatch size (`docs/checkpoint.md`).
    static let batchKey = Checkpoint.MetadataKey.batch
    /// Metadata key of the clipping threshold.
    static let clipKey = Checkpoint.MetadataKey.clip
    /// Metadata key of the learning-rate schedule: `constant`, `authors` or `decay T`.
    static let scheduleKey = Checkpoint.MetadataKey.schedule
    /// Metadata key of the non-finite-step rule: `skip` or `shrink`.
    static let nonFiniteKey = Checkpoint.MetadataKey.nonFinite

    /// The schedule written by `LearningRateSchedule.description`, or nil.
    static func schedule(_ text: String) -> LearningRateSchedule? {
        let parts = text.split(separator: " ")
        switch (parts.first, parts.count) {
        case ("constant", 1): return .constant
        case ("authors", 1): return .authors
        case ("decay", 2): return Double(parts[1]).flatMap { $0.isFinite && $0 > 0 ? .inverse($0) : nil }
        default: return nil
        }
    }

    /// The checkpoint metadata entries (`objective`, `corruption`, `seed`, `adam.config`, `batch`, `clip`).
    var metadata: [String: String] {
        var m: [String: String] = [:]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        if let o = try? encoder.encode(objective) { m[Checkpoint.MetadataKey.objective] = String(decoding: o, as: UTF8.self) }
        if let a = try? encoder.encode(adam) { m[Checkpoint.MetadataKey.adamConfig] = String(decoding: a, as: UTF8.self) }
        m[Checkpoint.MetadataKey.corruption] = objective.effectiveCorruption.description
        m[Checkpoint.MetadataKey.seed] = String(seed)
        m.merge(Checkpoint.trainingMetadata(batch: batch, clip: clip, schedule: schedule, nonFinite: nonFinite,
                                            batchOrder: batchOrder)) { $1 }
        return m
    }

    /// The settings recorded in a checkpoint's metadata; nil when it has none (a checkpoint of an
    /// untrained model, or one written before these keys existed). Values that are present but
    /// invalid throw `CheckpointError.corruptHeader` naming the key.
    init?(metadata: [String: String], path: String) throws {
        guard let objectiveJSON = metadata[Checkpoint.MetadataKey.objective] else { return nil }
        func bad(_ key: String, _ what: String) -> CheckpointError {
            let value = metadata[key] ?? ""
            let shown = value.count > 60 ? String(value.prefix(60)) + "…" : value
            return CheckpointError.corruptHeader(path: path, reason: "metadata '\(key)' is '\(shown)'; \(what)")
        }
        let decoder = JSONDecoder()
        guard let objective = try? decoder.decode(ObjectiveConfig.self, from: Data(objectiveJSON.utf8)),
              (1...CommandArguments.maximumCount).contains(objective.K), (1...CommandArguments.maximumCount).contains(objective.M),
              (try? objective.corruption.validate()) != nil else {
            throw bad(Checkpoint.MetadataKey.objective, "expected a JSON objective such as {\"kind\":\"dvae\",\"K\":1,\"M\":1,\"corruption\":{\"kind\":\"salt_pepper\",\"level\":0.1}}")
        }
        guard let adamJSON = metadata[Checkpoint.MetadataKey.adamConfig],
              let adam = try? decoder.decode(AdamConfig.self, from: Data(adamJSON.utf8)),
              adam.lr > 0, adam.lr.isFinite, (0..<1).contains(adam.beta1), (0..<1).contains(adam.beta2), adam.eps > 0 else {
            throw bad(Checkpoint.MetadataKey.adamConfig, "expected JSON Adam settings {\"lr\":…,\"beta1\":…,\"beta2\":…,\"eps\":…}")
        }
        guard let seedText = metadata[Checkpoint.MetadataKey.seed], let seed = UInt64(seedText) else {
            throw bad(Checkpoint.MetadataKey.seed, "expected a whole number ≥ 0")
        }
        guard let batchText = metadata[Self.batchKey], let batch = Int(batchText),
              (1...CommandArguments.maximumCount).contains(batch) else {
            throw bad(Self.batchKey, "expected a whole number between 1 and \(CommandArguments.maximumCount)")
        }
        var clip: Float?
        if let clipText = metadata[Self.clipKey] {
            guard let c = Float(clipText), c > 0, c.isFinite else { throw bad(Self.clipKey, "expected a positive number") }
            clip = c
        }
        var schedule = LearningRateSchedule.constant
        if let text = metadata[Self.scheduleKey] {
            guard let s = Self.schedule(text) else { throw bad(Self.scheduleKey, "expected constant, authors or decay T") }
            schedule = s
        }
        var nonFinite = NonFiniteRule.skip
        if let text = metadata[Self.nonFiniteKey] {
            guard let r = NonFiniteRule(rawValue: text) else { throw bad(Self.nonFiniteKey, "expected skip or shrink") }
            nonFinite = r
        }
        var batchOrder = BatchOrder.shuffled
        if let text = metadata[Checkpoint.MetadataKey.batchOrder] {
            guard let b = BatchOrder(rawValue: text) else {
                throw bad(Checkpoint.MetadataKey.batchOrder, "expected \(BatchOrder.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            batchOrder = b
        }
        guard objective.kl.problem(with: objective.kind) == nil else {
            throw bad(Checkpoint.MetadataKey.objective, objective.kl.problem(with: objective.kind)!)
        }
        self.init(objective: objective, batch: batch, adam: adam, clip: clip, seed: seed, schedule: schedule,
                  nonFinite: nonFinite, batchOrder: batchOrder)
    }

    /// Settings given explicitly.
    init(objective: ObjectiveConfig, batch: Int, adam: AdamConfig, clip: Float?, seed: UInt64,
         schedule: LearningRateSchedule = .constant, nonFinite: NonFiniteRule = .skip,
         batchOrder: BatchOrder = .shuffled) {
        self.objective = objective
        self.batch = batch
        self.adam = adam
        self.clip = clip
        self.seed = seed
        self.schedule = schedule
        self.nonFinite = nonFinite
        self.batchOrder = batchOrder
    }
}
