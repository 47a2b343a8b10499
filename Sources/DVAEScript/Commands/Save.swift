import DVAE
import Foundation

/// `save`: write a model to a safetensors checkpoint.
enum SaveCommand: Command {
    static let spec = CommandSpec(
        name: "save", positional: ["M", "PATH"], keywords: [], returnsValue: false,
        summary: "write a model to a safetensors checkpoint",
        usage: "save M PATH",
        example: "save m \"mnist-dvae.safetensors\"")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.save(a) }
}

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
        // What `open` + `train` need to continue the run exactly (see docs/checkpoint.md).
        if let training = handle.training {
            metadata.merge(training.recipe.checkpointMetadata(seed: training.seed)) { _, new in new }
        }
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

    /// Positional argument `i` as a path string.
    func pathArgument(_ a: CommandArguments, _ i: Int) throws -> (String, SourceLocation) {
        let (v, at) = try a.required(i, "a file path")
        guard case .string(let path) = v, !path.isEmpty else {
            throw LocatedError("`\(a.call.name)` needs a file path in quotes, got \(v.typeWithArticle)", at: at,
                               suggestion: "for example: \(a.call.name == "save" ? "save m " : "open ")\"model.safetensors\"")
        }
        return (path, at)
    }
}
