import DVAE
/// Why an experiment cell could not be computed or stored.
public enum ExperimentError: Error, Equatable, CustomStringConvertible {
    /// The training callback returned `.stop`: the run is not a finished result and was not
    /// stored. `resumable` is true when a partial checkpoint (`<key>.partial.safetensors`) from the
    /// last completed epoch boundary was saved, so running the same cell again continues from
    /// epoch `epochsCompleted` (updates after that boundary are discarded).
    case interrupted(key: String, epochsCompleted: Int, resumable: Bool)
    /// Another process holds the cell's claim and is computing it now (`holder` says who):
    /// nothing was computed here.
    case busy(key: String, holder: String)
    /// The data's name differs from `ExperimentConfig.dataset` (the cached result would be mislabelled).
    case datasetMismatch(expected: String, found: String)
    /// The data's digest differs from `ExperimentConfig.dataDigest`: same name, other contents.
    case dataDigestMismatch(dataset: String, expected: String, found: String)
    /// A split holds fewer examples than the configuration asks for.
    case notEnoughData(split: String, requested: Int, available: Int)
    /// The data does not fit the model (pixel count or image shape).
    case shapeMismatch(reason: String)
    /// The configuration is not runnable (e.g. K < 1, no epochs, an invalid corruption level).
    case invalidConfig(reason: String)
    /// The cache directory or a result file could not be created, read or written.
    case io(path: String, reason: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .interrupted(key, epochs, resumable):
            return "experiment \(key) interrupted after \(epochs) completed epoch(s); not stored as a result"
                + (resumable ? " (a partial checkpoint was kept: running it again resumes)" : "")
        case let .busy(key, holder):
            return "experiment \(key) is being computed elsewhere (\(holder)); not computing it twice"
        case let .datasetMismatch(expected, found):
            return "the experiment is configured for dataset '\(expected)' but the data is '\(found)'"
        case let .dataDigestMismatch(dataset, expected, found):
            return "the experiment was configured for other '\(dataset)' data (digest \(expected)); this data's digest is \(found)"
        case let .notEnoughData(split, requested, available):
            return "the \(split) split has \(available) examples but the experiment asks for \(requested)"
        case let .shapeMismatch(reason):
            return "data and model do not fit: \(reason)"
        case let .invalidConfig(reason):
            return "invalid experiment configuration: \(reason)"
        case let .io(path, reason):
            return "\(path): \(reason)"
        }
    }
}
