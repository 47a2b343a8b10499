import DVAE
import Foundation

/// `save M PATH` and `open PATH`: safetensors checkpoints with the architecture in the metadata.
extension Interpreter {
    /// Writes the model (and its optimiser state, when it has been trained) to a checkpoint.
    func save(_ a: CommandArguments) throws -> Value {
        let (handle, _) = try a.model(0)
        let (path, pathAt) = try pathArgument(a, 1)
        var metadata: [String: String] = [:]
        if let json = try? JSONEncoder().encode(handle.model.config), let s = String(data: json, encoding: .utf8) {
            metadata[Checkpoint.MetadataKey.architecture] = s
        }
        metadata[Checkpoint.MetadataKey.epoch] = String(handle.epochsTrained)
        var state: [String: Tensor] = [:]
        if let adam = handle.optimizer {
            for (i, p) in adam.parameters.enumerated() {
                state[Checkpoint.adamFirstMomentName(p.name)] = adam.m[i]
                state[Checkpoint.adamSecondMomentName(p.name)] = adam.v[i]
            }
            metadata[Checkpoint.MetadataKey.adamStep] = String(adam.step)
        }
        do {
            try Checkpoint.save(parameters: handle.model.parameters, optimizerState: state, metadata: metadata, to: path)
        } catch {
            throw LocatedError("cannot save the model: \(error)", at: pathAt)
        }
        say("saved \(handle.model.parameterCount) parameters to \(path)")
        return .nothing
    }

    /// Reads a model saved with `save`.
    func open(_ a: CommandArguments) throws -> Value {
        let (path, pathAt) = try pathArgument(a, 0)
        guard FileManager.default.fileExists(atPath: path) else {
            throw LocatedError("no such file: \(path)", at: pathAt,
                               suggestion: "paths are relative to \(FileManager.default.currentDirectoryPath)")
        }
        let loaded: LoadedCheckpoint
        do {
            loaded = try Checkpoint.load(from: path)
        } catch {
            throw LocatedError("cannot read the checkpoint: \(error)", at: pathAt)
        }
        guard let json = loaded.metadata[Checkpoint.MetadataKey.architecture],
              let config = try? JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8)) else {
            throw LocatedError("\(path) has no model architecture in its metadata", at: pathAt,
                               suggestion: "open reads checkpoints written by `save`")
        }
        // The metadata is outside data: check it before the engine builds layers from it.
        if let problem = config.problems.first {
            throw LocatedError("\(path) describes an impossible model: \(problem)", at: pathAt,
                               suggestion: "open reads checkpoints written by `save`")
        }
        let model = VAEModel(config: config, seed: 0)
        do {
            try loaded.restore(into: model.parameters)
        } catch {
            let lines = "\(error)".split(separator: "\n").map(String.init)
            throw LocatedError(lines[0], at: pathAt, suggestion: lines.dropFirst().joined(separator: "; ").trimmingCharacters(in: .whitespaces))
        }
        let handle = ModelHandle(model: model, origin: path)
        handle.epochsTrained = loaded.epoch ?? 0
        if let moments = try? Checkpoint.adamMoments(for: model.parameters, from: loaded.tensors) {
            let adam = Adam(parameters: model.parameters)
            for i in 0..<moments.m.count {
                adam.m[i].copy(from: moments.m[i])
                adam.v[i].copy(from: moments.v[i])
            }
            adam.step = loaded.adamStep ?? 0
            handle.optimizer = adam
        }
        return .model(handle)
    }

    /// Positional argument `i` as a path string.
    private func pathArgument(_ a: CommandArguments, _ i: Int) throws -> (String, SourceLocation) {
        let (v, at) = try a.required(i, "a file path")
        guard case .string(let path) = v, !path.isEmpty else {
            throw LocatedError("`\(a.call.name)` needs a file path in quotes, got \(v.typeWithArticle)", at: at,
                               suggestion: "for example: \(a.call.name == "save" ? "save m " : "open ")\"model.safetensors\"")
        }
        return (path, at)
    }
}
