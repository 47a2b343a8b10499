import DVAE
import Foundation

/// `open`: read a model from a safetensors checkpoint.
enum OpenCommand: Command {
    static let spec = CommandSpec(
        name: "open", positional: ["PATH"], keywords: [], returnsValue: true,
        summary: "read a model from a safetensors checkpoint",
        usage: "open PATH",
        example: "let m = open \"mnist-dvae.safetensors\"")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.open(a) }
}

extension Interpreter {
    /// Reads a model saved with `save`.
    func open(_ a: CommandArguments) throws -> Value {
        let (path, pathAt) = try pathArgument(a, 0)
        guard FileManager.default.fileExists(atPath: path) else {
            throw LocatedError("no such file: \(path)", at: pathAt,
                               suggestion: "paths are relative to \(FileManager.default.currentDirectoryPath)")
        }
        let loaded: LoadedCheckpoint
        let epoch: Int, adamStep: Int
        let training: (recipe: TrainingRecipe, seed: UInt64)?
        do {
            loaded = try Checkpoint.load(from: path, budget: budget)
            epoch = try loaded.validatedEpoch()
            adamStep = try loaded.validatedAdamStep()
            training = try TrainingRecipe.fromCheckpoint(loaded.metadata, path: path)
        } catch let e as ResourceError {
            throw Interpreter.locate(e, at: pathAt)
        } catch {
            throw LocatedError("cannot read the checkpoint: \(error)", at: pathAt,
                               suggestion: "open reads checkpoints written by `save`")
        }
        guard let json = loaded.metadata[Checkpoint.MetadataKey.architecture],
              let config = try? JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8)) else {
            throw LocatedError("\(path) has no model architecture in its metadata", at: pathAt,
                               suggestion: "open reads checkpoints written by `save`")
        }
        // The metadata is outside data: check it — its size, and the file's tensors against it —
        // before the engine builds (allocates) layers from it.
        if let problem = config.problems.first {
            throw LocatedError("\(path) describes an impossible model: \(problem)", at: pathAt,
                               suggestion: "open reads checkpoints written by `save`")
        }
        try checkModelSize(config, at: pathAt)
        do {
            try loaded.check(against: config)
        } catch {
            let lines = "\(error)".split(separator: "\n").map(String.init)
            throw LocatedError("\(path): " + lines[0], at: pathAt,
                               suggestion: lines.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; "))
        }
        let model = VAEModel(config: config, seed: 0)
        do {
            try loaded.restore(into: model.parameters)
        } catch {
            let lines = "\(error)".split(separator: "\n").map(String.init)
            throw LocatedError(lines[0], at: pathAt, suggestion: lines.dropFirst().joined(separator: "; ").trimmingCharacters(in: .whitespaces))
        }
        let handle = ModelHandle(model: model, origin: path)
        handle.epochsTrained = epoch
        handle.training = training
        let moments: (m: [Tensor], v: [Tensor])?
        do {
            moments = try Checkpoint.adamMoments(for: model.parameters, from: loaded.tensors)
        } catch {
            let lines = "\(error)".split(separator: "\n").map(String.init)
            throw LocatedError("\(path): the optimiser state " + lines[0].replacingOccurrences(of: "checkpoint ", with: ""), at: pathAt,
                               suggestion: lines.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; "))
        }
        if let moments {
            let adam = Adam(parameters: model.parameters, config: training?.recipe.adam ?? AdamConfig())
            for i in 0..<moments.m.count {
                adam.m[i].copy(from: moments.m[i])
                adam.v[i].copy(from: moments.v[i])
            }
            adam.step = adamStep
            handle.optimizer = adam
        }
        return .model(handle)
    }
}
