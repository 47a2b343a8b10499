import DVAE
import Foundation

/// What `dvae sweep` hands to its tasks (`plan.json` in the sweep directory): how to replay the
/// notebook (file, working directory, settings) and the cells to compute, split into tasks of
/// `chunk` cells. Task `i` computes cells `i*chunk ..< (i+1)*chunk` by replaying the notebook and
/// running only those cells (`dvae sweep-task PLAN i`).
public struct SweepPlan: Codable, Equatable, Sendable {
    /// One cell to compute.
    public struct Cell: Codable, Equatable, Sendable {
        /// The cell's cache key (`ExperimentConfig.key`).
        public var key: String
        /// The cell's configuration.
        public var config: ExperimentConfig
        /// The cache directory the cell is stored in (absolute).
        public var cacheDirectory: String
        /// Where the notebook asks for it (`FILE:LINE`).
        public var location: String

        /// A cell with these fields.
        public init(config: ExperimentConfig, cacheDirectory: String, location: String) {
            self.key = config.key
            self.config = config
            self.cacheDirectory = cacheDirectory
            self.location = location
        }
    }

    /// The plan layout version this build writes and reads.
    public static let currentFormatVersion = 1

    /// The layout version.
    public var formatVersion: Int = SweepPlan.currentFormatVersion
    /// The notebook (absolute path).
    public var notebook: String
    /// The directory the notebook was planned from; tasks run in it (relative paths in the
    /// notebook, such as its cache directory, resolve the same way).
    public var workingDirectory: String
    /// `--test`.
    public var testMode: Bool
    /// `--set name=value` pairs.
    public var settings: [String: String]
    /// The explicit data directory, when one was given.
    public var dataDirectory: String?
    /// Cells per task.
    public var chunk: Int
    /// The cells, in the notebook's order.
    public var cells: [Cell]
    /// The task log path with `%A` for the job id and `%a` for the task index (SLURM's own
    /// `--output` pattern letters).
    public var logPattern: String

    /// A plan with these fields.
    public init(notebook: String, workingDirectory: String, testMode: Bool, settings: [String: String],
                dataDirectory: String?, chunk: Int, cells: [Cell], logPattern: String) {
        precondition(chunk >= 1, "a sweep task computes at least one cell")
        self.notebook = notebook
        self.workingDirectory = workingDirectory
        self.testMode = testMode
        self.settings = settings
        self.dataDirectory = dataDirectory
        self.chunk = chunk
        self.cells = cells
        self.logPattern = logPattern
    }

    /// Number of tasks (array size): ⌈cells / chunk⌉.
    public var taskCount: Int { (cells.count + chunk - 1) / chunk }

    /// The cells task `index` computes (empty when out of range).
    public func cells(ofTask index: Int) -> ArraySlice<Cell> {
        guard index >= 0, index < taskCount else { return [] }
        return cells[(index * chunk)..<min(cells.count, (index + 1) * chunk)]
    }

    /// The log of task `index` of job `job`.
    public func logPath(job: String, task index: Int) -> String {
        logPattern.replacingOccurrences(of: "%A", with: job).replacingOccurrences(of: "%a", with: String(index))
    }

    /// Reads a plan file; throws `ExperimentError.io` with the reason when it is missing or bad.
    public static func load(_ path: String) throws -> SweepPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError.io(path: path, reason: "cannot read the sweep plan")
        }
        let plan: SweepPlan
        do {
            plan = try ExperimentJSON.decoder().decode(SweepPlan.self, from: data)
        } catch {
            throw ExperimentError.io(path: path, reason: "not a sweep plan of this build: \(error)")
        }
        guard plan.formatVersion == currentFormatVersion else {
            throw ExperimentError.io(path: path, reason: "sweep plan version \(plan.formatVersion); this build reads \(currentFormatVersion)")
        }
        return plan
    }

    /// Writes the plan atomically to `path`.
    public func save(to path: String) throws {
        do {
            try writeFileAtomically([UInt8](try ExperimentJSON.fileEncoder().encode(self)) + [0x0A], to: path)
        } catch {
            throw ExperimentError.io(path: path, reason: "cannot write the sweep plan: \(error)")
        }
    }
}
