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
        var metadata = config.recipe.checkpointMetadata(seed: config.seed)
        metadata.merge([
            Checkpoint.MetadataKey.architecture: json(config.model),
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

    /// What `resume` found at a partial checkpoint's path.
    enum ResumeOutcome {
        /// No partial checkpoint: the cell starts from epoch 0.
        case absent
        /// The trainer now holds the saved state.
        case resumed(Resume)
        /// A file is there but cannot be resumed from (the reason says why); the trainer is
        /// untouched and the cell starts afresh.
        case unusable(reason: String)
    }

    /// Restores a partial checkpoint of `config` into `trainer` (weights, Adam moments and step,
    /// completed epochs). Leaves the trainer untouched unless the whole state could be read and
    /// checked: a missing file is `.absent`; an unreadable one, one of another configuration, or
    /// an inconsistent one is `.unusable` with its reason.
    static func resume(_ trainer: Trainer, config: ExperimentConfig, from path: String) -> ResumeOutcome {
        guard FileManager.default.fileExists(atPath: path) else { return .absent }
        let loaded: LoadedCheckpoint
        do {
            loaded = try Checkpoint.load(from: path)
        } catch {
            return .unusable(reason: "unreadable: \(error)")
        }
        guard loaded.metadata[keyKey] == config.key, loaded.metadata[configKey] == ExperimentKey.canonicalJSON(config) else {
            return .unusable(reason: "it was saved for another configuration")
        }
        guard let epoch = loaded.epoch, epoch >= 0, epoch <= config.epochs, let step = loaded.adamStep, step >= 0 else {
            return .unusable(reason: "its epoch or optimiser step is missing or out of range")
        }
        guard let curveText = loaded.metadata[curveKey],
              let curve = try? ExperimentJSON.decoder().decode([EpochRecord].self, from: Data(curveText.utf8)),
              curve.count == config.curveRecords(upTo: epoch), curve.last.map({ $0.epoch <= epoch }) ?? true,
              let wall = loaded.metadata[wallSecondsKey].flatMap(Double.init) else {
            return .unusable(reason: "its learning curve or wall time is missing or does not match its \(epoch) epochs")
        }
        let moments: (m: [Tensor], v: [Tensor])
        do {
            guard let saved = try Checkpoint.adamMoments(for: trainer.model.parameters, from: loaded.tensors) else {
                return .unusable(reason: "it holds no optimiser state")
            }
            moments = saved
            try loaded.restore(into: trainer.model.parameters)
        } catch {
            return .unusable(reason: "its tensors do not fit the model: \(error)")
        }
        for i in trainer.optimizer.parameters.indices {
            trainer.optimizer.m[i].copy(from: moments.m[i])
            trainer.optimizer.v[i].copy(from: moments.v[i])
        }
        trainer.optimizer.step = step
        trainer.epochsCompleted = epoch
        return .resumed(Resume(epochsCompleted: epoch, curve: curve, wallSeconds: wall))
    }
}
