import ArgumentParser
import DVAEExperiments
import DVAENotebook
import DVAEScript
import Foundation

/// `dvae sweep NOTEBOOK --slurm | --local N`: computes a notebook's experiment cells in parallel —
/// one SLURM job array, or N local processes — into the notebook's result cache; a later
/// `dvae run NOTEBOOK` with the same settings gathers them and prints the tables.
struct SweepCommand: ParsableCommand {
    /// Help text.
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Compute a notebook's experiment cells as a SLURM job array or in local processes.",
        discussion: """
        Replays the notebook without computing anything to collect every `experiment` cell it \
        would run (with the same --test and --set as `dvae run`), skips cells already in the \
        cache or running elsewhere, writes a plan and, with --slurm, one batch script submitted \
        as a job array (a task per cell, or --chunk N cells per task); with --local N it runs \
        the tasks in N processes here. Each task computes its cells into the notebook's cache, \
        one process per cell (an flock on <key>.lock). Afterwards `dvae run NOTEBOOK` with the \
        same settings gathers the cells, reports missing or failed ones with their logs, and \
        prints the tables. Resubmitting computes only what is still missing.
        """
    )

    /// The notebook.
    @Argument(help: "Notebook (.md) or script (.dvae) whose experiment cells to compute.")
    var file: String

    /// Submit to SLURM.
    @Flag(name: .long, help: "Submit the cells as one SLURM job array (sbatch).")
    var slurm = false

    /// Run locally in N processes.
    @Option(name: .long, help: "Run the cells here, in N processes at a time.")
    var local: Int?

    /// `--set`, `--test`, `--data`, as for `dvae run` (a sweep must replay the notebook exactly as
    /// the gathering `dvae run` will).
    @OptionGroup var script: ScriptOptions

    /// Extra sbatch options.
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Extra sbatch options, e.g. \"--partition=cpu --time=4:00:00 --cpus-per-task=2\".",
                                            valueName: "options"))
    var sbatch: String = ""

    /// Cells per task.
    @Option(name: .long, help: "Cells per task.")
    var chunk: Int = 1

    func validate() throws {
        guard slurm != (local != nil) else { throw ValidationError("give exactly one of --slurm and --local N") }
        if let n = local, n < 1 { throw ValidationError("--local needs at least 1 process") }
        guard chunk >= 1 else { throw ValidationError("--chunk needs at least 1 cell per task") }
        if !sbatch.isEmpty && !slurm { throw ValidationError("--sbatch applies only with --slurm") }
        _ = try ShellWords.split(sbatch)
        try ThreadsOption.validateEnvironment()
    }

    func run() throws {
        let data = script.data.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
        let planner = SweepPlanner(file: file, testMode: script.test, settings: try script.variables(), dataDirectory: data)
        let collected = try planner.collect()
        print(collected.headline)
        guard !collected.cells.isEmpty else {
            print("nothing to compute; gather with: \(planner.runCommandLine)")
            return
        }
        let sweep = try planner.write(collected.cells, chunk: chunk)
        if slurm {
            try SlurmBackend.submit(sweep, extraOptions: try ShellWords.split(sbatch), runCommand: planner.runCommandLine)
        } else {
            let outcome = try LocalBackend.run(sweep, processes: local ?? 1)
            if let signal = outcome.stoppedBy {
                // What the cache kept: every cell a task finished before the stop.
                let after = try? planner.collect()
                print("stopped by \(SweepStop.name(signal)): \(outcome.stoppedTasks) running task\(outcome.stoppedTasks == 1 ? "" : "s") "
                      + "stopped, no new ones started; the cache keeps every finished cell"
                      + (after.map { " (\($0.headline))" } ?? "")
                      + "; run the same `dvae sweep` again to compute the rest")
                throw ExitCode(128 + signal)
            }
            let failed = outcome.failed
            print(failed == 0 ? "all \(sweep.plan.taskCount) tasks finished; gather with: \(planner.runCommandLine)"
                  : "\(failed) of \(sweep.plan.taskCount) tasks failed (see their logs above); "
                    + "`\(planner.runCommandLine)` reports each failed cell")
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
