import DVAE
import Foundation

/// A cell handed to a sweep (`<key>.sweep` in the cache): which job and task will compute it and
/// where that task logs. Written when the sweep is submitted; removed when the cell finishes.
public struct SweepAssignment: Codable, Equatable, Sendable {
    /// The SLURM job id, or `local` for `dvae sweep --local`.
    public var job: String
    /// The task (array index) that computes the cell.
    public var task: Int
    /// The task's log file.
    public var log: String
    /// The sweep's plan file.
    public var plan: String
    /// When the sweep was submitted (whole seconds).
    public var submitted: Date

    /// An assignment with these fields.
    public init(job: String, task: Int, log: String, plan: String, submitted: Date) {
        self.job = job
        self.task = task
        self.log = log
        self.plan = plan
        self.submitted = Date(timeIntervalSince1970: submitted.timeIntervalSince1970.rounded(.down))
    }
}

/// Why a sweep task could not finish a cell (`<key>.failed` in the cache): removed when the cell
/// finishes (e.g. after a resubmission).
public struct SweepFailure: Codable, Equatable, Sendable {
    /// The error, one line.
    public var error: String
    /// The task's log file (nil outside a sweep).
    public var log: String?
    /// The host the task ran on.
    public var host: String
    /// The SLURM job (`JOB_TASK`), when under SLURM.
    public var job: String?
    /// When it failed (whole seconds).
    public var date: Date

    /// A failure of this process now (host, SLURM job and log from the environment, as `CellClaim.Holder.current()`).
    public init(error: String) {
        let me = CellClaim.Holder.current()
        self.error = error
        self.log = me.log
        self.host = me.host
        self.job = me.job
        self.date = me.since
    }
}

/// Where a cell stands, as far as its cache directory knows (`ResultCache.status(of:)`).
public enum CellStatus: Sendable {
    /// Finished: the result.
    case finished(ExperimentResult)
    /// A process holds the cell's claim and is computing it now.
    case running(CellClaim.Holder)
    /// A sweep task failed on it (and nothing finished it since).
    case failed(SweepFailure)
    /// Handed to a sweep whose task has not started it, or was killed before finishing
    /// (its claim is gone): resubmit to compute it.
    case queued(SweepAssignment)
    /// Not computed and not handed to any sweep.
    case notStarted

    /// True when the cell has not finished but belongs to a sweep (running, failed or queued):
    /// `dvae run` then waits for the sweep instead of computing it itself.
    public var belongsToSweep: Bool {
        switch self {
        case .running, .failed, .queued: return true
        case .finished, .notStarted: return false
        }
    }
}

extension ResultCache {
    /// The lock file whose `flock` is the claim on computing `config` (`<key>.lock`).
    public func lockPath(for config: ExperimentConfig) -> String { file(config.key + ".lock") }

    /// The sweep assignment of `config` (`<key>.sweep`).
    public func assignmentPath(for config: ExperimentConfig) -> String { file(config.key + ".sweep") }

    /// The failure record of `config` (`<key>.failed`).
    public func failurePath(for config: ExperimentConfig) -> String { file(config.key + ".failed") }

    /// Where `config` stands: finished, running (its claim is held), failed, queued, or not started.
    public func status(of config: ExperimentConfig) -> CellStatus {
        if let r = lookup(config) { return .finished(r) }
        if let h = CellClaim.holder(of: lockPath(for: config)) { return .running(h) }
        if let f: SweepFailure = readRecord(failurePath(for: config)) { return .failed(f) }
        if let a: SweepAssignment = readRecord(assignmentPath(for: config)) { return .queued(a) }
        return .notStarted
    }

    /// Records that `config` is handed to a sweep (replacing an earlier assignment and failure).
    public func assign(_ config: ExperimentConfig, to assignment: SweepAssignment) throws {
        try? FileManager.default.removeItem(atPath: failurePath(for: config))
        try writeRecord(assignment, to: assignmentPath(for: config))
    }

    /// Records that computing `config` failed.
    public func recordFailure(_ config: ExperimentConfig, _ failure: SweepFailure) throws {
        try writeRecord(failure, to: failurePath(for: config))
    }

    /// Removes the sweep assignment and failure records of `config` (once it has finished).
    public func clearSweepRecords(_ config: ExperimentConfig) {
        for p in [assignmentPath(for: config), failurePath(for: config)] { try? FileManager.default.removeItem(atPath: p) }
    }

    private func file(_ name: String) -> String { directory == "/" ? "/" + name : directory + "/" + name }

    private func readRecord<T: Decodable>(_ path: String) -> T? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? ExperimentJSON.decoder().decode(T.self, from: data)
    }

    private func writeRecord<T: Encodable>(_ value: T, to path: String) throws {
        do {
            try writeFileAtomically([UInt8](try ExperimentJSON.fileEncoder().encode(value)) + [0x0A], to: path)
        } catch {
            throw ExperimentError.io(path: path, reason: "\(error)")
        }
    }
}
