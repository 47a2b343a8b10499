import DVAE

/// Every `experiment` cell an interpreter met, with what became of it: the list `dvae sweep`
/// plans from and the tally `dvae run` reports when some cells are not finished.
public final class CellLedger {
    /// What became of a cell.
    public enum Outcome: Sendable {
        /// Computed by this process.
        case computed
        /// Read from the cache.
        case cached
        /// Recorded for a sweep (`CellMode.plan`), not computed.
        case planned
        /// Not finished and not computed here: its status in the cache (running elsewhere,
        /// failed, queued in a sweep) or, for a cell another task owns, `.notStarted`.
        case pending(CellStatus)
        /// Computing it here failed (`CellMode.execute`); the message is recorded in `<key>.failed`.
        case failed(String)
        /// Not finished, and only read here (`cached_only`, or `dvae run --cached-only`): its
        /// status in the cache. Never planned or computed by this notebook's sweeps.
        case readOnly(CellStatus)
    }

    /// One cell.
    public struct Entry {
        /// Its configuration.
        public var config: ExperimentConfig
        /// Its cache (nil: the cell has no cache directory).
        public var cache: ResultCache?
        /// Where the notebook asks for it, `FILE:LINE`.
        public var location: String
        /// What became of it.
        public var outcome: Outcome
    }

    /// The cells in the order met (a cell met twice appears twice).
    public private(set) var entries: [Entry] = []

    /// An empty ledger.
    public init() {}

    /// Adds a cell.
    public func record(_ config: ExperimentConfig, cache: ResultCache?, location: String, _ outcome: Outcome) {
        entries.append(Entry(config: config, cache: cache, location: location, outcome: outcome))
    }

    /// The distinct unfinished cells (first occurrence of each key): pending or failed ones.
    public var unfinished: [Entry] {
        var seen: Set<String> = []
        return entries.filter { e in
            switch e.outcome {
            case .pending, .failed, .readOnly: return seen.insert(e.config.key).inserted
            default: return false
            }
        }
    }

    /// The number of distinct cells met.
    public var distinctCount: Int { Set(entries.map(\.config.key)).count }

    /// True when some cell is pending or failed (asserts are then not checked: their numbers
    /// are missing).
    public var hasUnfinishedCells: Bool {
        entries.contains {
            switch $0.outcome {
            case .pending, .failed, .readOnly: return true
            case .computed, .cached, .planned: return false
            }
        }
    }

    /// True when some cell this notebook computes itself is pending or failed (read-only cells
    /// aside: another notebook's run computes them).
    public var hasUnfinishedOwnCells: Bool {
        unfinished.contains { if case .readOnly = $0.outcome { return false } else { return true } }
    }

    /// A report of the unfinished cells: a headline and one line per cell saying where it stands
    /// and where to look (the failing task's log), each cell named by `label`. Empty when every
    /// cell finished.
    public func gatherReport(label cellLabel: (ExperimentConfig) -> String = { $0.description }) -> [String] {
        let open = unfinished
        guard !open.isEmpty else { return [] }
        var running = 0, failed = 0, queued = 0, missing = 0, readOnly = 0
        var lines: [String] = []
        for e in open {
            let label = "\(cellLabel(e.config)) [\(e.config.key)] at \(e.location)"
            switch e.outcome {
            case .readOnly(let status):
                readOnly += 1
                let epochs = e.cache?.progress(of: e.config).map { ", \($0.epochsCompleted) of \(e.config.epochs) epochs so far" } ?? ""
                let state: String
                switch status {
                case .running(let h): state = "running — \(h)"
                case .failed(let f): state = "failed — \(f.error)"
                case .queued(let a): state = "queued in job \(a.job), task \(a.task)"
                default: state = "not running now"
                }
                lines.append("  read only: \(label) — \(state)\(epochs) (its own notebook's sweep computes it)")
            case .pending(.running(let h)):
                running += 1
                lines.append("  running: \(label) — \(h)")
            case .pending(.failed(let f)):
                failed += 1
                lines.append("  failed: \(label) — \(f.error)" + (f.log.map { "; log: \($0)" } ?? ""))
            case .failed(let message):
                failed += 1
                lines.append("  failed: \(label) — \(message)")
            case .pending(.queued(let a)):
                queued += 1
                lines.append("  missing: \(label) — task \(a.task) of job \(a.job) has not finished it "
                             + "(not started yet, or killed); log: \(a.log)")
            default:
                missing += 1
                lines.append("  missing: \(label)")
            }
        }
        var parts: [String] = []
        if running > 0 { parts.append("\(running) running") }
        if failed > 0 { parts.append("\(failed) failed") }
        if queued + missing > 0 { parts.append("\(queued + missing) missing") }
        if readOnly > 0 { parts.append("\(readOnly) read only (`cached_only`), not finished") }
        let finished = distinctCount - open.count
        return ["\(finished) of \(distinctCount) experiment cells finished; \(parts.joined(separator: ", "))"] + lines
    }
}
