import ArgumentParser
import DVAEExperiments
import Foundation

/// Submits a sweep as one SLURM job array: writes `job.sbatch` into the sweep directory and runs
/// `sbatch --parsable` on it (through `Foundation.Process`).
enum SlurmBackend {
    /// The batch script: an array of `plan.taskCount` tasks, each running
    /// `dvae sweep-task PLAN $SLURM_ARRAY_TASK_ID` with its output in `logs/JOB_TASK.log`.
    static func script(for sweep: SweepPlanner.Sweep, executable: String) -> String {
        let plan = sweep.plan
        let name = ((plan.notebook as NSString).lastPathComponent as NSString).deletingPathExtension
        return """
        #!/bin/bash
        # Written by `dvae sweep`: \(plan.cells.count) experiment cell(s) of \(plan.notebook),
        # \(plan.chunk) per task. Each task replays the notebook and computes its cells into the cache.
        #SBATCH --job-name=dvae-\(name)
        #SBATCH --array=0-\(plan.taskCount - 1)
        #SBATCH --ntasks=1
        #SBATCH --output=\(plan.logPattern)
        #SBATCH --chdir=\(plan.workingDirectory)
        export DVAE_SWEEP_LOG=\(ShellWords.quote(plan.logPattern.replacingOccurrences(of: "%A", with: "@JOB@").replacingOccurrences(of: "%a", with: "@TASK@")))
        DVAE_SWEEP_LOG=${DVAE_SWEEP_LOG//@JOB@/$SLURM_ARRAY_JOB_ID}
        export DVAE_SWEEP_LOG=${DVAE_SWEEP_LOG//@TASK@/$SLURM_ARRAY_TASK_ID}
        # One worker thread per CPU SLURM gave the task (--cpus-per-task), unless DVAE_THREADS is set.
        if [ -z "${DVAE_THREADS:-}" ] && [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then export DVAE_THREADS=$SLURM_CPUS_PER_TASK; fi
        exec \(ShellWords.quote(executable)) sweep-task \(ShellWords.quote(sweep.planPath)) "$SLURM_ARRAY_TASK_ID"

        """
    }

    /// Writes the script, submits it, marks the cells as handed to the job, and prints how to
    /// follow it. Throws `ExitCode` after printing why when sbatch is missing or refuses.
    static func submit(_ sweep: SweepPlanner.Sweep, extraOptions: [String], runCommand: String) throws {
        let scriptPath = sweep.directory + "/job.sbatch"
        do {
            try script(for: sweep, executable: SweepPlanner.executablePath).write(toFile: scriptPath, atomically: true, encoding: .utf8)
        } catch {
            printError("dvae: cannot write \(scriptPath): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        let (status, out, err) = try runTool("sbatch", ["--parsable"] + extraOptions + [scriptPath])
        guard status == 0 else {
            printError("dvae: sbatch refused the job (exit \(status)): \(err.trimmingCharacters(in: .whitespacesAndNewlines))")
            printError("dvae: the batch script is \(scriptPath)")
            throw ExitCode(1)
        }
        // --parsable prints `JOBID` or `JOBID;CLUSTER`.
        let job = String(out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first ?? "")
        guard !job.isEmpty, job.allSatisfy(\.isNumber) else {
            printError("dvae: sbatch printed no job id (got `\(out)`); the batch script is \(scriptPath)")
            throw ExitCode(1)
        }
        try SweepPlanner.assign(sweep, job: job)
        let n = sweep.plan.taskCount
        print("""
        submitted job \(job): an array of \(n) task\(n == 1 ? "" : "s") (\(sweep.plan.cells.count) cells, \(sweep.plan.chunk) per task)
          follow:  squeue -j \(job)        (finished tasks: sacct -j \(job), where accounting is on)
          logs:    \(sweep.plan.logPath(job: job, task: 0).replacingOccurrences(of: "_0.log", with: "_*.log"))
          script:  \(scriptPath)
          cancel:  scancel \(job)
          gather:  \(runCommand)      (reports missing and failed cells; run `dvae sweep` again to resubmit them)
        """)
    }

    /// Runs `tool` found on `PATH` with `arguments`; returns its exit status and output.
    /// Throws `ExitCode(2)` after saying so when the tool is not installed.
    static func runTool(_ tool: String, _ arguments: [String]) throws -> (Int32, String, String) {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            printError("dvae: `\(tool)` is not on PATH: is this a SLURM login node? (`dvae sweep --local N` runs the cells here)")
            throw ExitCode(2)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
