import DVAE
import Foundation

/// Saving a cell's trained model, and the resumable state of an unfinished run
/// (`<key>.partial.safetensors`): weights, Adam state and, in metadata, the learning curve so far.
enum ExperimentCheckpoint {
    /// Metadata key: the experiment key.
    static let keyKey = "experiment.key"
    /// Metadata key: the canonical JSON of the configuration.
    static let configKey = "experiment.config"
    /// Metadata key: the learning curve so far (JSON `[EpochRecord]`).
    static let curveKey = "experiment.curve"
    /// Metadata key: wall-clock seconds spent so far (decimal).
    static let wallSecondsKey = "experiment.wall_seconds"

    /// The state read back from a partial checkpoint.
    struct Resume {
        var epochsCompleted: Int
        var curve: [EpochRecord]
        var wallSeconds: Double
    }

    /// Writes the model and its optimiser state with the standard and experiment metadata.
    static func save(_ trainer: Trainer, config: ExperimentConfig, curve: [EpochRecord], wallSeconds: Double,
                     to path: String) throws {
        let adam = trainer.optimizer
        var state: [String: Tensor] = [:]
        for (i, p) in adam.parameters.enumerated() {
            state[Checkpoint.adamFirstMomentName(p.name)] = adam.m[i]
            state[Checkpoint.adamSecondMomentName(p.name)] = adam.v[i]
        }
        let encoder = ExperimentJSON.canonicalEncoder()
        func json<T: Encodable>(_ v: T) -> String { String(decoding: (try? encoder.encode(v)) ?? Data(), as: UTF8.self) }
        // Everything `open` + `train` needs to continue (the same keys `save` writes), so a cell's
        // checkpoint opens in the language like any other.
        var metadata = Checkpoint.trainingMetadata(batch: config.batchSize, clip: config.clipNorm,
                                                    schedule: config.schedule ?? .constant,
                                                    nonFinite: config.nonFinite ?? .skip)
        metadata.merge([
            Checkpoint.MetadataKey.architecture: json(config.model),
            Checkpoint.MetadataKey.objective: json(config.objectiveConfig),
            Checkpoint.MetadataKey.corruption: config.corruption.description,
            Checkpoint.MetadataKey.seed: String(config.seed),
            Checkpoint.MetadataKey.epoch: String(trainer.epochsCompleted),
            Checkpoint.MetadataKey.adamStep: String(adam.step),
            Checkpoint.MetadataKey.adamConfig: json(adam.config),
            keyKey: config.key,
            configKey: ExperimentKey.canonicalJSON(config),
            curveKey: json(curve),
            wallSecondsKey: String(wallSeconds),
        ]) { $1 }
        try Checkpoint.save(parameters: trainer.model.parameters, optimizerState: state, metadata: metadata, to: path)
    }

    /// Restores a partial checkpoint of `config` into `trainer` (weights, Adam moments and step,
    /// completed epochs). Returns nil — leaving the trainer untouched — when the file is missing,
    /// unreadable, of another configuration, or inconsistent.
    static func resume(_ trainer: Trainer, config: ExperimentConfig, from path: String) -> Resume? {
        guard FileManager.default.fileExists(atPath: path),
              let loaded = try? Checkpoint.load(from: path),
              loaded.metadata[keyKey] == config.key,
              loaded.metadata[configKey] == ExperimentKey.canonicalJSON(config),
              let epoch = loaded.epoch, epoch >= 0, epoch <= config.epochs,
              let step = loaded.adamStep, step >= 0,
              let curveText = loaded.metadata[curveKey],
              let curve = try? ExperimentJSON.decoder().decode([EpochRecord].self, from: Data(curveText.utf8)),
              curve.count == epoch,
              let wall = loaded.metadata[wallSecondsKey].flatMap(Double.init),
              let moments = try? Checkpoint.adamMoments(for: trainer.model.parameters, from: loaded.tensors),
              (try? loaded.restore(into: trainer.model.parameters)) != nil
        else { return nil }
        for i in trainer.optimizer.parameters.indices {
            trainer.optimizer.m[i].copy(from: moments.m[i])
            trainer.optimizer.v[i].copy(from: moments.v[i])
        }
        trainer.optimizer.step = step
        trainer.epochsCompleted = epoch
        return Resume(epochsCompleted: epoch, curve: curve, wallSeconds: wall)
    }
}
