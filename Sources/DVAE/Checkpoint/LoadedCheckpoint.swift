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

    /// Checks the file's tensors against the parameters `config` describes — names and shapes —
    /// before a model is built from it: a checkpoint whose metadata asks for a huge architecture
    /// while holding small tensors is refused without allocating anything.
    /// Throws `CheckpointError.incompatible` listing every problem.
    public func check(against config: ModelConfig) throws {
        var problems: [String] = []
        let shapes = config.parameterShapes
        let names = Set(shapes.map(\.name))
        for s in shapes {
            guard let t = tensors[s.name] else {
                problems.append("missing tensor '\(s.name)' (\(s.rows)×\(s.cols))")
                continue
            }
            if t.rows != s.rows || t.cols != s.cols {
                problems.append("'\(s.name)' is \(t.rows)×\(t.cols) in the checkpoint but the architecture in its metadata needs \(s.rows)×\(s.cols)")
            }
        }
        for name in tensors.keys.sorted() where !names.contains(name) && !Checkpoint.isOptimizerTensor(name) {
            problems.append("unexpected tensor '\(name)' (not a parameter of this architecture)")
        }
        guard problems.isEmpty else { throw CheckpointError.incompatible(problems: problems) }
    }

    /// The largest `epoch` a checkpoint may record (far beyond any real run; keeps later
    /// arithmetic on epochs from overflowing).
    public static let maximumEpoch = 1_000_000_000

    /// The `epoch` metadata checked: absent is 0; anything but a whole number in
    /// 0...`maximumEpoch` raises `CheckpointError.corruptHeader` naming the value.
    public func validatedEpoch() throws -> Int {
        guard let text = metadata[Checkpoint.MetadataKey.epoch] else { return 0 }
        guard let e = Int(text), e >= 0, e <= Self.maximumEpoch else {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            throw CheckpointError.corruptHeader(path: path,
                reason: "metadata 'epoch' is '\(shown)'; it must be a whole number of completed epochs between 0 and \(Self.maximumEpoch)")
        }
        return e
    }

    /// The `adam.step` metadata checked like `validatedEpoch()` (absent is 0).
    public func validatedAdamStep() throws -> Int {
        guard let text = metadata[Checkpoint.MetadataKey.adamStep] else { return 0 }
        guard let s = Int(text), s >= 0, s <= Int(Int32.max) else {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            throw CheckpointError.corruptHeader(path: path,
                reason: "metadata 'adam.step' is '\(shown)'; it must be a whole number between 0 and \(Int32.max)")
        }
        return s
    }

    /// Copies the parameter tensors into `parameters` after checking every name and shape
    /// (see `Checkpoint.restore(into:from:)`); on mismatch nothing is modified.
    public func restore(into parameters: [Parameter]) throws {
        try Checkpoint.restore(into: parameters, from: tensors)
    }
}
