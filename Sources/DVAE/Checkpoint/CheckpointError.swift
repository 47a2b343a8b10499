/// Why a checkpoint (safetensors file) could not be written, read or restored.
/// Every message names the file and the problem.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened, written, synced or renamed.
    case io(path: String, reason: String)
    /// The file ends before the data its header describes.
    case truncated(path: String, reason: String)
    /// The JSON header is unreadable or has the wrong structure.
    case corruptHeader(path: String, reason: String)
    /// A tensor entry is inconsistent (shape, offsets, overlap).
    case badTensor(path: String, tensor: String, reason: String)
    /// A tensor's dtype is unknown or not supported.
    case unsupportedDtype(path: String, tensor: String, dtype: String)
    /// A tensor name (or metadata key) cannot be stored.
    case invalidName(String, reason: String)
    /// The checkpoint does not fit the model: every problem found, nothing was copied.
    case incompatible(problems: [String])
    /// The file is a checkpoint of an unsupported format version.
    case unsupportedVersion(path: String, version: String)

    /// A message naming the file and what is wrong with it.
    public var description: String {
        switch self {
        case let .io(path, reason): return "\(path): \(reason)"
        case let .truncated(path, reason): return "\(path): truncated file: \(reason)"
        case let .corruptHeader(path, reason): return "\(path): corrupt safetensors header: \(reason)"
        case let .badTensor(path, tensor, reason): return "\(path): tensor '\(tensor)': \(reason)"
        case let .unsupportedDtype(path, tensor, dtype):
            return "\(path): tensor '\(tensor)' has dtype '\(dtype)'; only F32 (and F64, converted) are supported"
        case let .invalidName(name, reason): return "invalid tensor name '\(name)': \(reason)"
        case let .incompatible(problems):
            return "checkpoint does not match the model (nothing was restored):\n"
                + problems.map { "  - \($0)" }.joined(separator: "\n")
        case let .unsupportedVersion(path, version):
            return "\(path): checkpoint format version \(version) is not supported (this build reads version \(Checkpoint.formatVersion))"
        }
    }
}
