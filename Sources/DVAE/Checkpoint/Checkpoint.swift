/// Model checkpoints: parameters, optimiser state and metadata in one safetensors file.
///
/// Tensor names: each parameter under its own name (`Parameter.name`), Adam's first and second
/// moments under `adam.m.<param>` and `adam.v.<param>`; all F32, row-major, shape `[rows, cols]`
/// of the parameter. Metadata keys are listed in `MetadataKey`; `format` and `format_version` are
/// always written. The layout is documented in `docs/checkpoint.md`.
///
/// This layer depends only on `Parameter`, `Tensor` and strings, so the model and optimiser
/// types convert their configuration to metadata strings (JSON for structured values) themselves.
public enum Checkpoint {
    /// The value of the `format` metadata key.
    public static let formatName = "dvae-checkpoint"
    /// The value of the `format_version` metadata key written by this build.
    public static let formatVersion = "1"
    /// Prefix of the tensors holding Adam's first moments.
    public static let adamFirstMomentPrefix = "adam.m."
    /// Prefix of the tensors holding Adam's second moments.
    public static let adamSecondMomentPrefix = "adam.v."

    /// Metadata keys with a fixed meaning (all values are strings).
    public enum MetadataKey {
        /// Always `"dvae-checkpoint"`.
        public static let format = "format"
        /// Always `Checkpoint.formatVersion` of the writer.
        public static let formatVersion = "format_version"
        /// The model architecture: a JSON-encoded `ModelConfig`.
        public static let architecture = "architecture"
        /// The training objective: a JSON-encoded `ObjectiveConfig` (or its name).
        public static let objective = "objective"
        /// The training corruption, as `Corruption.description` (e.g. `"salt_pepper 0.1"`).
        public static let corruption = "corruption"
        /// The training seed, a decimal integer.
        public static let seed = "seed"
        /// The number of completed epochs, a decimal integer.
        public static let epoch = "epoch"
        /// Adam's step count, a decimal integer.
        public static let adamStep = "adam.step"
        /// Adam's hyper-parameters: a JSON-encoded `AdamConfig`.
        public static let adamConfig = "adam.config"
        /// The minibatch size of training, a decimal integer.
        public static let batch = "batch"
        /// The gradient-norm clipping threshold, a decimal number (absent: no clipping).
        public static let clip = "clip"
        /// The learning-rate schedule, as `LearningRateSchedule.description` (`constant`, `authors`, `decay T`).
        public static let schedule = "schedule"
        /// What a non-finite step does: a `NonFiniteRule` raw value (`skip` or `shrink`).
        public static let nonFinite = "nonfinite"
        /// How epochs walk the training set: a `BatchOrder` raw value (absent: `shuffled`).
        public static let batchOrder = "batch_order"
    }

    /// The tensor name of Adam's first moment for parameter `name`.
    public static func adamFirstMomentName(_ name: String) -> String { adamFirstMomentPrefix + name }
    /// The tensor name of Adam's second moment for parameter `name`.
    public static func adamSecondMomentName(_ name: String) -> String { adamSecondMomentPrefix + name }

    /// True for names of optimiser-state tensors (`adam.` prefix), which are not model parameters.
    public static func isOptimizerTensor(_ name: String) -> Bool { name.hasPrefix("adam.") }

    /// Writes `parameters` (under their names), `optimizerState` (under its keys, normally
    /// `adam.m.<param>` / `adam.v.<param>`) and `metadata` to `path`, atomically.
    ///
    /// `format` and `format_version` are added to the metadata (overriding any given values).
    /// Throws `CheckpointError.invalidName` for an empty or duplicated name, or an optimiser-state
    /// key equal to a parameter name; `.io` when the file cannot be written. On failure the
    /// previous file at `path`, if any, is left as it was.
    public static func save(parameters: [Parameter], optimizerState: [String: Tensor] = [:],
                            metadata: [String: String] = [:], to path: String) throws {
        var tensors: [String: Tensor] = [:]
        for p in parameters {
            guard tensors[p.name] == nil else {
                throw CheckpointError.invalidName(p.name, reason: "two parameters share this name")
            }
            if isOptimizerTensor(p.name) {
                throw CheckpointError.invalidName(p.name, reason: "parameter names must not start with 'adam.' (reserved for optimiser state)")
            }
            tensors[p.name] = p.value
        }
        for (name, t) in optimizerState {
            guard tensors[name] == nil else {
                throw CheckpointError.invalidName(name, reason: "optimiser state uses a parameter's name")
            }
            tensors[name] = t
        }
        var meta = metadata
        meta[MetadataKey.format] = formatName
        meta[MetadataKey.formatVersion] = formatVersion
        try SafeTensors(tensors: tensors, metadata: meta).write(to: path)
    }

    /// Reads the checkpoint at `path` (strictly: see `SafeTensors.parse(_:source:)`).
    ///
    /// Plain safetensors files without `format` metadata are accepted; a `format_version` other
    /// than this build's raises `CheckpointError.unsupportedVersion`.
    public static func load(from path: String, budget: MemoryBudget = .default) throws -> LoadedCheckpoint {
        let file = try SafeTensors.read(from: path, budget: budget)
        if let version = file.metadata[MetadataKey.formatVersion], version != formatVersion {
            throw CheckpointError.unsupportedVersion(path: path, version: version)
        }
        return LoadedCheckpoint(path: path, tensors: file.tensors, metadata: file.metadata)
    }

    /// Copies the tensors named like `parameters` into their values — only after checking them all.
    ///
    /// Every parameter must have a tensor of the same name and shape, and every non-optimiser
    /// tensor (not `adam.`-prefixed) must belong to a parameter. If anything is wrong, throws
    /// `CheckpointError.incompatible` listing every problem, and no parameter is modified.
    public static func restore(into parameters: [Parameter], from tensors: [String: Tensor]) throws {
        var problems: [String] = []
        let names = Set(parameters.map(\.name))
        for p in parameters {
            guard let t = tensors[p.name] else {
                problems.append("missing tensor '\(p.name)' (\(p.value.rows)×\(p.value.cols))")
                continue
            }
            if t.rows != p.value.rows || t.cols != p.value.cols {
                problems.append("'\(p.name)' is \(t.rows)×\(t.cols) in the checkpoint but \(p.value.rows)×\(p.value.cols) in the model")
            }
        }
        for name in tensors.keys.sorted() where !names.contains(name) && !isOptimizerTensor(name) {
            problems.append("unexpected tensor '\(name)' (not a parameter of this model)")
        }
        guard problems.isEmpty else { throw CheckpointError.incompatible(problems: problems) }
        for p in parameters { p.value.copy(from: tensors[p.name]!) }
    }

    /// Adam's moments for `parameters`, in parameter order, or nil when the tensors hold no
    /// optimiser state at all. Throws `CheckpointError.incompatible` when the state is partial or
    /// a moment's shape differs from its parameter's.
    public static func adamMoments(for parameters: [Parameter], from tensors: [String: Tensor]) throws -> (m: [Tensor], v: [Tensor])? {
        guard tensors.keys.contains(where: isOptimizerTensor) else { return nil }
        var problems: [String] = []
        var m: [Tensor] = [], v: [Tensor] = []
        for p in parameters {
            for (name, into) in [(adamFirstMomentName(p.name), 0), (adamSecondMomentName(p.name), 1)] {
                guard let t = tensors[name] else { problems.append("missing optimiser tensor '\(name)'"); continue }
                guard t.rows == p.value.rows && t.cols == p.value.cols else {
                    problems.append("'\(name)' is \(t.rows)×\(t.cols) but parameter '\(p.name)' is \(p.value.rows)×\(p.value.cols)")
                    continue
                }
                if into == 0 { m.append(t) } else { v.append(t) }
            }
        }
        guard problems.isEmpty else { throw CheckpointError.incompatible(problems: problems) }
        return (m, v)
    }
}
