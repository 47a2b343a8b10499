import ArgumentParser
import DVAEExperiments
import DVAENotebook
import DVAEScript
import Foundation

/// `dvae sweep-task PLAN [INDEX]` (hidden): one task of a sweep — replays the plan's notebook and
/// computes only this task's cells into their caches. Run by the SLURM batch script and by
/// `dvae sweep --local`.
struct SweepTaskCommand: ParsableCommand {
    /// Help text (hidden from `dvae --help`).
    static let configuration = CommandConfiguration(
        commandName: "sweep-task",
        abstract: "Compute one task's cells of a sweep plan (run by `dvae sweep`).",
        shouldDisplay: false
    )

    /// The plan file.
    @Argument(help: "The sweep's plan.json.")
    var plan: String

    /// The task index (default: $SLURM_ARRAY_TASK_ID).
    @Argument(help: "The task index (default: $SLURM_ARRAY_TASK_ID).")
    var index: Int?

    func run() throws {
        let plan: SweepPlan
        do {
            plan = try SweepPlan.load(self.plan)
        } catch {
            printError("dvae sweep-task: \(error)")
            throw ExitCode(2)
        }
        guard let index = index ?? ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) else {
            printError("dvae sweep-task: which task? give INDEX or set SLURM_ARRAY_TASK_ID")
            throw ExitCode(2)
        }
        let mine = plan.cells(ofTask: index)
        guard !mine.isEmpty else {
            printError("dvae sweep-task: the plan has \(plan.taskCount) tasks; there is no task \(index)")
            throw ExitCode(2)
        }
        guard FileManager.default.changeCurrentDirectoryPath(plan.workingDirectory) else {
            printError("dvae sweep-task: cannot enter \(plan.workingDirectory)")
            throw ExitCode(2)
        }
        let me = CellClaim.Holder.current()
        say("dvae sweep-task \(index) of \(plan.taskCount): \(mine.count) cell(s) of \(plan.notebook) on \(me.host), pid \(me.pid)")
        for cell in mine { say("  \(cell.key)  \(cell.config)  (\(cell.location))") }

        let notebook: Notebook
        do {
            notebook = try Notebook.load(path: plan.notebook)
        } catch {
            failAll(mine, "cannot read the notebook \(plan.notebook): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        let options = InterpreterOptions(dataDirectory: plan.dataDirectory, testMode: plan.testMode, variables: plan.settings,
                                         cellMode: .execute(Set(mine.map(\.key))))
        // The replay's own output (tables full of pending cells) would only confuse the log:
        // keep the training progress only, a line every 30 s.
        let runner = NotebookRunner(options: options, forward: ProgressLog(every: .seconds(30)))
        let outcome = try runner.run(notebook)
        if let error = outcome.error { printError(error.description) }

        // Where each of this task's cells stands now.
        var failures = 0
        for cell in mine {
            let cache = try ResultCache(directory: cell.cacheDirectory)
            switch cache.status(of: cell.config) {
            case .finished(let r):
                say("finished \(cell.key): \(r.testBound.kind) \(String(format: "%.2f ± %.2f", r.testBound.mean, r.testBound.standardError)), "
                      + "\(String(format: "%.1f", r.wallSeconds)) s")
            case .running(let holder):
                say("left \(cell.key) alone: it is running elsewhere (\(holder))")
            case .failed(let f):
                failures += 1
                printError("FAILED \(cell.key): \(f.error)")
            case .queued, .notStarted:
                failures += 1
                let why = outcome.error.map { "the notebook stopped before it: \($0.description)" }
                    ?? "the notebook replay did not ask for it (the notebook or the data changed since the sweep was planned)"
                try? cache.recordFailure(cell.config, SweepFailure(error: why))
                printError("FAILED \(cell.key): \(why)")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// Records the same failure for every cell (the notebook could not even be read).
    private func failAll(_ cells: ArraySlice<SweepPlan.Cell>, _ why: String) {
        printError("dvae sweep-task: \(why)")
        for cell in cells {
            try? ResultCache(directory: cell.cacheDirectory).recordFailure(cell.config, SweepFailure(error: why))
        }
    }
}

/// Writes a line to standard output unbuffered, so a task log keeps its lines in order with
/// the error lines written to standard error.
private func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// An output sink for a task log: drops the notebook's output items and writes a training
/// progress line at most once per `interval` (a log is not a terminal to redraw).
private final class ProgressLog: OutputSink {
    private let interval: Duration
    private let clock = ContinuousClock()
    private var last: ContinuousClock.Instant?

    init(every interval: Duration) { self.interval = interval }

    func emit(_ item: OutputItem) {}

    func progress(_ line: String) {
        let now = clock.now
        if let last, now - last < interval { return }
        last = now
        say(line)
    }

    func progressDone() {}
}
