/// Why a dataset could not be found or read. Every message names the file (and line or byte
/// offset where it helps) and says what was expected.
public enum DataError: Error, Equatable, CustomStringConvertible {
    /// `file` was not found in any of the `searched` places (listed in search order).
    case notFound(file: String, searched: [String])
    /// The file exists but could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file's content is not what its format requires; `line` is 1-based for text formats.
    case malformed(path: String, line: Int?, reason: String)
    /// The file is in a variant of the format this loader does not read (compressed, HDF5, …).
    case unsupportedFormat(path: String, reason: String)
    /// No dataset is registered under this name.
    case unknownDataset(name: String, known: [String])
    /// No split has this name.
    case unknownSplit(name: String, known: [String])

    /// An actionable, one-paragraph message.
    public var description: String {
        switch self {
        case let .notFound(file, searched):
            let places = searched.map { "  - \($0)" }.joined(separator: "\n")
            return "data file '\(file)' not found; looked in:\n\(places)\n"
                + "Pass an explicit path, set DVAE_DATA to the directory holding it, or put it in ./data."
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .malformed(path, line, reason):
            if let line { return "\(path):\(line): \(reason)" }
            return "\(path): \(reason)"
        case let .unsupportedFormat(path, reason):
            return "\(path): \(reason)"
        case let .unknownDataset(name, known):
            return "unknown dataset '\(name)'; known: \(known.joined(separator: ", ")), "
                + "or a path ending in .amat, .mat or -idx3-ubyte"
        case let .unknownSplit(name, known):
            return "unknown split '\(name)'; known: \(known.joined(separator: ", "))"
        }
    }
}
