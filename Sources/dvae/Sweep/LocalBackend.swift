import DVAE
import DVAEExperiments
import Foundation

/// Runs a sweep's tasks on this machine, `processes` at a time, each a `dvae sweep-task` child
/// process (through `Foundation.Process`) writing its own log, like a SLURM array task would.
enum LocalBackend {
    /// Runs every task and waits for all; returns how many failed. Each task's log is
    /// `logs/local-PID_TASK.log` in the sweep directory.
    static func run(_ sweep: SweepPlanner.Sweep, processes: Int) throws -> Int {
        let job = "local-\(getpid())"
        try SweepPlanner.assign(sweep, job: job)
        let n = sweep.plan.taskCount
        print("running \(n) task\(n == 1 ? "" : "s") in \(min(processes, n)) local process\(min(processes, n) == 1 ? "" : "es"); "
              + "logs: \(sweep.directory)/logs/")
        let slots = DispatchSemaphore(value: processes)
        let group = DispatchGroup()
        let failed = FailureCount()
        for task in 0..<n {
            slots.wait()
            let log = sweep.plan.logPath(job: job, task: task)
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: log) else {
                slots.signal()
                throw DVAEExperiments.ExperimentError.io(path: log, reason: "cannot create the task log")
            }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: SweepPlanner.executablePath)
            p.arguments = ["sweep-task", sweep.planPath, String(task)]
            var env = ProcessInfo.processInfo.environment
            env["DVAE_SWEEP_LOG"] = log
            // The processes share the cores: each gets its share of worker threads, unless the
            // user chose a count (DVAE_THREADS), so N processes never run N × cores threads.
            if env[ComputeThreads.environmentVariable] == nil {
                env[ComputeThreads.environmentVariable] = String(threadsPerProcess(processes: min(processes, n)))
            }
            p.environment = env
            p.standardOutput = handle
            p.standardError = handle
            p.standardInput = FileHandle.nullDevice
            group.enter()
            p.terminationHandler = { proc in
                try? handle.close()
                let ok = proc.terminationReason == .exit && proc.terminationStatus == 0
                if !ok { failed.add() }
                print(ok ? "  task \(task) done" : "  task \(task) FAILED (exit \(proc.terminationStatus)): \(log)")
                slots.signal()
                group.leave()
            }
            do {
                try p.run()
            } catch {
                p.terminationHandler = nil
                group.leave()
                slots.signal()
                throw DVAEExperiments.ExperimentError.io(path: SweepPlanner.executablePath, reason: "cannot start a task: \(error)")
            }
        }
        group.wait()
        return failed.value
    }

    /// Worker threads for each of `processes` concurrent tasks: the cores shared out, at least 1.
    static func threadsPerProcess(processes: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int {
        max(1, cores / max(1, processes))
    }
}

/// A counter the tasks' termination handlers (on other threads) increment.
private final class FailureCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
