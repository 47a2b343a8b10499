import DVAE
/// Everything `ResultCache.scan()` found in a cache directory: the readable results, and the
/// files it skipped with the reason for each (it never fails on a bad file).
public struct ResultCacheScan: Sendable {
    /// A result file that was skipped.
    public struct Skipped: Equatable, Sendable, CustomStringConvertible {
        /// The file's path.
        public var path: String
        /// Why it was skipped (unreadable, invalid JSON, other format version, key mismatch, …).
        public var reason: String

        /// A skipped file with its reason.
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        /// `path: reason`.
        public var description: String { "\(path): \(reason)" }
    }

    /// Every readable result (each marked `cached`), in file-name order.
    public var results: [ExperimentResult]
    /// Every `.json` file that could not be used, with its reason.
    public var skipped: [Skipped]

    /// A scan outcome with these contents.
    public init(results: [ExperimentResult], skipped: [Skipped]) {
        self.results = results
        self.skipped = skipped
    }
}
