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

/// A cache entry that could not be reused: where it was, why, and where it was moved so that
/// nothing is lost (the cell is then recomputed and stored afresh).
public struct CacheRejection: Sendable, Equatable, CustomStringConvertible {
    /// Which kind of cache file was rejected.
    public enum Kind: Sendable, Equatable {
        /// A finished cell's `<key>.json`: the cell is recomputed.
        case result
        /// An unfinished cell's `<key>.partial.safetensors`: the cell starts from epoch 0.
        case partialCheckpoint
    }

    /// The rejected file.
    public var path: String
    /// Why it could not be reused.
    public var reason: String
    /// Where it was moved (`<file>.rejected`, `<file>.rejected-2`, …); nil when the move failed.
    public var movedTo: String?
    /// A result or a partial checkpoint.
    public var kind: Kind

    /// A rejection record.
    public init(path: String, reason: String, movedTo: String?, kind: Kind = .result) {
        self.path = path
        self.reason = reason
        self.movedTo = movedTo
        self.kind = kind
    }

    /// "rejected cached result X: reason; moved to Y; recomputing" (for a partial checkpoint:
    /// "…; starting the cell from epoch 0").
    public var description: String {
        let what = kind == .result ? "cached result" : "partial checkpoint"
        let then = kind == .result ? "recomputing" : "starting the cell from epoch 0"
        return "rejected \(what) \(path): \(reason); " + (movedTo.map { "moved to \($0)" } ?? "could not move it aside") + "; " + then
    }
}
