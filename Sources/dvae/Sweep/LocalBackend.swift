import DVAE
import DVAEExperiments
import Foundation

/// Runs a sweep's tasks on this machine, `processes` at a time, each a `dvae sweep-task` child
/// process (through `Foundation.Process`) writing its own log, like a SLURM array task would.
enum LocalBackend {
    /// How a local sweep ended.
    struct Outcome {
        /// Tasks that failed (not counting those stopped).
        var failed: Int
        /// The signal that stopped the sweep (SIGINT, SIGTERM), or nil when every task ran.
        var stoppedBy: Int32?
        /// Tasks that were running when the sweep was stopped (sent SIGTERM).
        var stoppedTasks: Int
    }

    /// Runs every task and waits for all. Each task's log is `logs/local-PID_TASK.log` in the
    /// sweep directory. SIGINT or SIGTERM stops the sweep: no new task starts, the running ones
    /// get SIGTERM (cells they finished are in the cache; the cell in progress is dropped and its
    /// lock released by the kernel), and the outcome says so.
    static func run(_ sweep: SweepPlanner.Sweep, processes: Int) throws -> Outcome {
        let job = "local-\(getpid())"
        try SweepPlanner.assign(sweep, job: job)
        let n = sweep.plan.taskCount
        print("running \(n) task\(n == 1 ? "" : "s") in \(min(processes, n)) local process\(min(processes, n) == 1 ? "" : "es"); "
              + "logs: \(sweep.directory)/logs/")
        let slots = DispatchSemaphore(value: processes)
        let group = DispatchGroup()
        let failed = FailureCount()
        let running = RunningTasks()
        SweepStop.install()
        defer { SweepStop.uninstall() }
        // The watcher turns the recorded signal into SIGTERM for every running task.
        let watcherDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            while watcherDone.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
                if SweepStop.received != nil { running.stopAll() }
            }
        }
        defer { watcherDone.signal() }
        taskLoop: for task in 0..<n {
            while slots.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
                if SweepStop.received != nil { break taskLoop }
            }
            if SweepStop.received != nil {
                slots.signal()
                break
            }
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
                running.remove(task)
                let ok = proc.terminationReason == .exit && proc.terminationStatus == 0
                if ok {
                    print("  task \(task) done")
                } else if SweepStop.received != nil && proc.terminationReason == .uncaughtSignal {
                    print("  task \(task) stopped: \(log)")
                } else {
                    failed.add()
                    print("  task \(task) FAILED (exit \(proc.terminationStatus)): \(log)")
                }
                slots.signal()
                group.leave()
            }
            do {
                try running.start(p, task: task)
            } catch {
                p.terminationHandler = nil
                group.leave()
                slots.signal()
                throw DVAEExperiments.ExperimentError.io(path: SweepPlanner.executablePath, reason: "cannot start a task: \(error)")
            }
        }
        group.wait()
        return Outcome(failed: failed.value, stoppedBy: SweepStop.received, stoppedTasks: running.stoppedCount)
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

/// The tasks running now, so a stop can reach each of them (from the watcher's thread).
private final class RunningTasks: @unchecked Sendable {
    private let lock = NSLock()
    private var processes: [Int: Process] = [:]
    private var stopped: Set<Int> = []

    /// Starts `process` as task `task` (under the lock, so a stop cannot miss it).
    func start(_ process: Process, task: Int) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
        processes[task] = process
        if SweepStop.received != nil { terminate(task, process) }
    }

    /// Forgets a finished task.
    func remove(_ task: Int) {
        lock.lock()
        processes[task] = nil
        lock.unlock()
    }

    /// Sends SIGTERM to every running task not yet told to stop.
    func stopAll() {
        lock.lock()
        for (task, process) in processes where !stopped.contains(task) { terminate(task, process) }
        lock.unlock()
    }

    /// How many tasks were told to stop.
    var stoppedCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return stopped.count
    }

    /// SIGTERM to the task's process group (it leads its own), else to the task. Lock held.
    private func terminate(_ task: Int, _ process: Process) {
        stopped.insert(task)
        let pid = process.processIdentifier
        guard pid > 0 else { return }
        if kill(-pid, SIGTERM) != 0 { kill(pid, SIGTERM) }
    }
}
