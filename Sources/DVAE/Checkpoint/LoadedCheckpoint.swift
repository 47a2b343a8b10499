/// The contents of a checkpoint file, as returned by `Checkpoint.load(from:)`.
public struct LoadedCheckpoint: Sendable {
    /// The file it was read from.
    public var path: String
    /// Every tensor in the file, by name (parameters and `adam.m.*` / `adam.v.*` state).
    public var tensors: [String: Tensor]
    /// The string metadata (see `Checkpoint.MetadataKey`).
    public var metadata: [String: String]

    /// A loaded checkpoint with these contents.
    public init(path: String, tensors: [String: Tensor], metadata: [String: String]) {
        self.path = path
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The model-parameter tensors (every tensor without the `adam.` prefix).
    public var parameterTensors: [String: Tensor] {
        tensors.filter { !Checkpoint.isOptimizerTensor($0.key) }
    }

    /// The optimiser-state tensors (`adam.`-prefixed).
    public var optimizerState: [String: Tensor] {
        tensors.filter { Checkpoint.isOptimizerTensor($0.key) }
    }

    /// The `epoch` metadata as an integer, if present and valid.
    public var epoch: Int? { metadata[Checkpoint.MetadataKey.epoch].flatMap { Int($0) } }

    /// The `seed` metadata as an integer, if present and valid.
    public var seed: UInt64? { metadata[Checkpoint.MetadataKey.seed].flatMap { UInt64($0) } }

    /// Adam's step count (`adam.step` metadata), if present and valid.
    public var adamStep: Int? { metadata[Checkpoint.MetadataKey.adamStep].flatMap { Int($0) } }

    /// Copies the parameter tensors into `parameters` after checking every name and shape
    /// (see `Checkpoint.restore(into:from:)`); on mismatch nothing is modified.
    public func restore(into parameters: [Parameter]) throws {
        try Checkpoint.restore(into: parameters, from: tensors)
    }
}
