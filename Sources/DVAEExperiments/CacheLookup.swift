import DVAE
/// What `ResultCache.probe(_:)` found for a configuration.
public enum CacheLookup: Sendable {
    /// A finished result for exactly this configuration (marked `cached`).
    case hit(ExperimentResult)
    /// No result file for this configuration.
    case miss
    /// A result file exists under this key but cannot be reused (unreadable, corrupt, another
    /// format version, or a different configuration — a hash collision or a changed key format);
    /// the cell must be recomputed, and storing the new result replaces the file.
    case unusable(path: String, reason: String)

    /// The result of a hit, nil otherwise.
    public var result: ExperimentResult? {
        if case .hit(let r) = self { return r }
        return nil
    }
}
