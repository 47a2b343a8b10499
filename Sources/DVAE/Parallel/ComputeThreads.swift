import Foundation

/// The number of worker threads the engine uses for training steps and bounds (process-wide).
///
/// With more than one worker, a minibatch (or a bound's examples) is split into contiguous shards,
/// one per worker; each worker runs its shard through its own replica of the model (shared
/// parameter values, own buffers and gradients) with one BLAS thread, and the gradients are summed
/// in worker order (see `evaluateObjective`). With one worker the whole batch runs on the calling
/// thread and BLAS keeps its own thread count.
///
/// The default is `$DVAE_THREADS` when it holds a positive integer, otherwise the machine's active
/// processor count. The executable sets it from `--threads N`; engine functions that take a
/// `threads:` argument use this value when it is nil.
public enum ComputeThreads {
    /// The environment variable read for the default: `DVAE_THREADS`.
    public static let environmentVariable = "DVAE_THREADS"

    private static let lock = NSLock()
    nonisolated(unsafe) private static var current: Int?

    /// The process-wide worker count (≥ 1).
    public static var count: Int {
        get {
            lock.lock(); defer { lock.unlock() }
            if let c = current { return c }
            let c = defaultCount(environment: ProcessInfo.processInfo.environment)
            current = c
            return c
        }
        set {
            lock.lock(); defer { lock.unlock() }
            current = max(1, newValue)
        }
    }

    /// The default worker count for an environment: a positive integer in `DVAE_THREADS`, else the
    /// active processor count (at least 1).
    public static func defaultCount(environment: [String: String]) -> Int {
        if let s = environment[environmentVariable], let n = parse(s) { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// A thread count from text: a positive integer of at most 256, otherwise nil.
    public static func parse(_ text: String) -> Int? {
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 1, n <= 256 else { return nil }
        return n
    }
}
