import ArgumentParser
import DVAE
import Foundation

/// `--threads N`: the engine's worker threads for training steps and bounds (shared by `run`,
/// `repl` and `bench`).
struct ThreadsOption: ParsableArguments {
    /// Worker threads; nil keeps the default.
    @Option(name: .long, help: ArgumentHelp(
        "Worker threads for training and bounds (default: $\(ComputeThreads.environmentVariable), else the number of cores).",
        valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let t = threads, ComputeThreads.parse(String(t)) == nil {
            throw ValidationError("--threads must be between 1 and 256, got \(t)")
        }
        if threads == nil { try Self.validateEnvironment() }
    }

    /// Refuses a `DVAE_THREADS` that is set but not a thread count (also for `dvae sweep`, whose
    /// tasks inherit it).
    static func validateEnvironment() throws {
        if let text = ProcessInfo.processInfo.environment[ComputeThreads.environmentVariable],
           ComputeThreads.parse(text) == nil {
            throw ValidationError("\(ComputeThreads.environmentVariable) must be a whole number between 1 and 256, got `\(text)`")
        }
    }

    /// Sets `ComputeThreads.count` when `--threads` was given.
    func apply() {
        if let t = threads { ComputeThreads.count = t }
    }
}
