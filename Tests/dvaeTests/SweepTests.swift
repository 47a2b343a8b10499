import Foundation
import XCTest

/// `dvae sweep`: cells computed by local processes or a real SLURM job array, gathered by
/// `dvae run` into the same table a serial run prints.
final class SweepTests: XCTestCase {
    /// A tiny table notebook: 2 × 2 cells on the synthetic data, a table, an assert.
    static let table = """
    # A sweep smoke table

    ```dvae
    let cache = "cells"
    let d = load synthetic
    let t = table "K" "0 %" "10 %"
    for K in [1 2] {
      let b = []
      for p in [0 0.1] {
        let r = experiment on d objective dvae K K noise salt_pepper p hidden [16] latent 4 epochs 2 batch 50 train_size 200 test_size 100 seed 1 cache cache
        set b = append(b, fmt(-r.bound, 4))
      }
      t.add(K, b[0], b[1])
    }
    t
    assert len(t) == 2
    ```

    """

    /// One cell that trains for a few seconds (to be killed mid-cell) and one quick cell.
    static let slow = """
    # A slow cell

    ```dvae
    let cache = "cells"
    let d = load synthetic
    let slow = experiment on d objective dvae noise salt_pepper 0.1 hidden [64] latent 8 epochs 10 batch 20 train_size 1000 test_size 100 seed 1 cache cache
    let quick = experiment on d objective dvae noise salt_pepper 0.1 hidden [16] latent 4 epochs 1 batch 50 train_size 200 test_size 100 seed 1 cache cache
    print fmt(-slow.bound, 4), fmt(-quick.bound, 4)
    ```

    """

    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "dvae-sweep-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.table.write(toFile: directory + "/table.md", atomically: true, encoding: .utf8)
        try Self.slow.write(toFile: directory + "/slow.md", atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    /// `dvae ARGS` in the test directory.
    func dvae(_ args: [String], env: [String: String] = [:]) throws -> DVAEBinary.Result {
        try DVAEBinary.run(args, environment: env, directory: directory)
    }

    /// The table a serial `dvae run` prints with the cells in `cache`.
    func serialTable(_ notebook: String, cache: String = "serial") throws -> String {
        let r = try dvae(["run", notebook, "--set", "cache=\(cache)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return Self.withoutProgress(r.stdout)
    }

    /// `text` without training progress lines (a serial run that trains long enough prints some;
    /// a gathering run trains nothing).
    static func withoutProgress(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !($0.contains("  epoch ") && $0.contains(" ETA ")) }.joined(separator: "\n")
    }

    /// Names of the files in `cache` ending in `suffix`.
    func files(_ cache: String, _ suffix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + cache)) ?? []).filter { $0.hasSuffix(suffix) }
    }

    // MARK: - Local processes

    func testLocalSweepFillsTheCacheAndRunGathersTheSerialTable() throws {
        let serial = try serialTable("table.md")
        let sweep = try dvae(["sweep", "table.md", "--local", "2", "--chunk", "3"])
        XCTAssertEqual(sweep.status, 0, sweep.stdout + sweep.stderr)
        XCTAssertTrue(sweep.stdout.contains("4 experiment cells in table.md: 4 to compute"), sweep.stdout)
        XCTAssertTrue(sweep.stdout.contains("running 2 tasks in 2 local processes"), sweep.stdout)
        XCTAssertEqual(files("cells", ".json").count, 4)
        XCTAssertEqual(files("cells", ".lock") + files("cells", ".sweep") + files("cells", ".failed"), [],
                       "finished cells leave no claim or sweep record")
        // The two processes share the cores: each ran with its share of worker threads.
        let cell = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/cells/" + files("cells", ".json")[0])))
        let machine = try XCTUnwrap((cell as? [String: Any])?["machine"] as? [String: Any])
        XCTAssertEqual(machine["workerThreads"] as? Int, max(1, ProcessInfo.processInfo.activeProcessorCount / 2), "\(machine)")
        let gathered = try dvae(["run", "table.md"])
        XCTAssertEqual(gathered.status, 0, gathered.stderr)
        XCTAssertEqual(gathered.stdout, serial, "the gathered table is the serial one")
        let again = try dvae(["sweep", "table.md", "--local", "2"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("0 to compute, 4 already in the cache"), again.stdout)
        XCTAssertTrue(again.stdout.contains("nothing to compute"), again.stdout)
    }

    func testGatherReportsMissingAndFailedCellsWithTheirLogs() throws {
        // An sbatch that accepts the job and runs nothing: every cell stays queued.
        let bin = directory + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\necho '4242;cluster'\n".write(toFile: bin + "/sbatch", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/sbatch")
        let env = ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
        let submit = try dvae(["sweep", "table.md", "--slurm", "--sbatch", "--partition=cpu --time=1:00:00"], env: env)
        XCTAssertEqual(submit.status, 0, submit.stderr)
        XCTAssertTrue(submit.stdout.contains("submitted job 4242: an array of 4 tasks"), submit.stdout)
        XCTAssertTrue(submit.stdout.contains("squeue -j 4242"), submit.stdout)
        let script = try XCTUnwrap(try FileManager.default.subpathsOfDirectory(atPath: directory + "/cells")
            .first { $0.hasSuffix("job.sbatch") })
        let text = try String(contentsOfFile: directory + "/cells/" + script, encoding: .utf8)
        XCTAssertTrue(text.contains("#SBATCH --array=0-3"), text)
        XCTAssertTrue(text.contains("sweep-task"), text)
        XCTAssertTrue(text.contains("export DVAE_THREADS=$SLURM_CPUS_PER_TASK"), "a task uses the CPUs SLURM gave it: " + text)
        XCTAssertEqual(files("cells", ".sweep").count, 4)

        // Nothing ran: `dvae run` computes nothing, prints the table with its holes and says so.
        let waiting = try dvae(["run", "table.md", "--set", "cache=cells"])
        XCTAssertEqual(waiting.status, 1)
        XCTAssertTrue(waiting.stderr.contains("`dvae sweep table.md --set cache=cells --slurm`"),
                      "the resubmit hint keeps the run's settings: " + waiting.stderr)
        XCTAssertEqual(files("cells", ".json"), [], "cells handed to a sweep are gathered, not computed")
        XCTAssertTrue(waiting.stderr.contains("0 of 4 experiment cells finished; 4 missing"), waiting.stderr)
        XCTAssertTrue(waiting.stderr.contains("task 3 of job 4242"), waiting.stderr)
        XCTAssertTrue(waiting.stderr.contains("/logs/4242_3.log"), waiting.stderr)
        XCTAssertTrue(waiting.stdout.contains("nan"), waiting.stdout)
        XCTAssertTrue(waiting.stdout.contains("not checked (experiment cells pending)") || !waiting.stdout.contains("assert failed"))

        // Task 1 runs, but against a notebook that no longer asks for its cell: it fails, and
        // says so in the cell's failure record with the task's log.
        let plan = directory + "/cells/" + (script as NSString).deletingLastPathComponent + "/plan.json"
        try Self.table.replacingOccurrences(of: "seed 1", with: "seed 2").write(toFile: directory + "/table.md", atomically: true, encoding: .utf8)
        let task = try dvae(["sweep-task", plan, "1"], env: ["DVAE_SWEEP_LOG": "/somewhere/4242_1.log"])
        XCTAssertEqual(task.status, 1)
        XCTAssertTrue(task.stderr.contains("did not ask for it"), task.stderr)
        try Self.table.write(toFile: directory + "/table.md", atomically: true, encoding: .utf8)
        let failed = try dvae(["run", "table.md"])
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("0 of 4 experiment cells finished; 1 failed, 3 missing"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("log: /somewhere/4242_1.log"), failed.stderr)

        // Task 0 runs as planned: one cell finished, and it is the serial one.
        let ok = try dvae(["sweep-task", plan, "0"])
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertTrue(ok.stdout.contains("finished "), ok.stdout)
        let partial = try dvae(["run", "table.md"])
        XCTAssertTrue(partial.stderr.contains("1 of 4 experiment cells finished; 1 failed, 2 missing"), partial.stderr)
        let serial = try serialTable("table.md")
        let firstCell = serial.split(separator: "\n")[2].split(separator: " ", omittingEmptySubsequences: true)[1]
        XCTAssertTrue(partial.stdout.contains(firstCell), "\(firstCell) in \(partial.stdout)")

        // `--local` recomputes exactly what is missing or failed.
        let rest = try dvae(["sweep", "table.md", "--local", "2"])
        XCTAssertTrue(rest.stdout.contains("4 experiment cells in table.md: 3 to compute, 1 already in the cache"), rest.stdout)
        XCTAssertEqual(try dvae(["run", "table.md"]).stdout, serial)
    }

    /// Ctrl-C on `dvae sweep --local` stops its tasks (they run in their own process groups, out
    /// of the terminal's reach) and says what the cache kept (issue 20: only the parent died).
    func testCtrlCStopsTheLocalTasksAndSaysWhatWasKept() throws {
        try Self.slow.replacingOccurrences(of: "epochs 10 batch 20", with: "epochs 100000 batch 20")
            .write(toFile: directory + "/slow.md", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = try DVAEBinary.url()
        p.arguments = ["sweep", "slow.md", "--local", "2"]
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = directory + "/sweep.out"
        FileManager.default.createFile(atPath: output, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        p.standardError = p.standardOutput
        try p.run()
        // Wait for the quick cell to reach the cache while the slow one trains.
        let deadline = Date().addingTimeInterval(120)
        while files("cells", ".json").isEmpty && Date() < deadline && p.isRunning { usleep(100_000) }
        XCTAssertEqual(files("cells", ".json").count, 1, "the quick cell finished first")
        func tasks() -> [Int32] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry -> Int32? in
                guard let pid = Int32(entry),
                      let cmd = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8) else { return nil }
                return cmd.contains("sweep-task") && cmd.contains(directory) ? pid : nil
            }
        }
        // The quick task writes its result before it exits: on a loaded machine it can still be
        // in /proc for a while, so wait for it to go rather than sample once.
        let quickGone = Date().addingTimeInterval(60)
        while tasks().count > 1 && Date() < quickGone { usleep(100_000) }
        XCTAssertEqual(tasks().count, 1, "the slow task is running")
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        let text = try String(contentsOfFile: output, encoding: .utf8)
        XCTAssertEqual(p.terminationStatus, 130, text)
        XCTAssertTrue(text.contains("stopped by Ctrl-C (SIGINT): 1 running task stopped"), text)
        XCTAssertTrue(text.contains("1 to compute, 1 already in the cache"), text)
        XCTAssertTrue(text.contains("task 0 stopped") || text.contains("task 1 stopped"), text)
        let gone = Date().addingTimeInterval(10)
        while !tasks().isEmpty && Date() < gone { usleep(100_000) }
        XCTAssertEqual(tasks(), [], "no task outlives the sweep")
    }

    /// The same settings checks as `dvae run`: DVAE_THREADS, --max-memory.
    func testSweepChecksThreadsAndMemoryLikeRun() throws {
        let threads = try dvae(["sweep", "table.md", "--local", "1"], env: ["DVAE_THREADS": "abc"])
        XCTAssertEqual(threads.status, 64, threads.stderr)
        XCTAssertTrue(threads.stderr.contains("DVAE_THREADS must be a whole number between 1 and 256, got `abc`"), threads.stderr)
        for command in [["sweep", "table.md", "--local", "1"], ["run", "table.md"]] {
            let memory = try dvae(command + ["--max-memory", "0.5"])
            XCTAssertEqual(memory.status, 64, memory.stderr)
            XCTAssertTrue(memory.stderr.contains("--max-memory 0.5 is 0 B, too little to run anything"), memory.stderr)
        }
    }

    func testBadSweepArgumentsAreRefused() throws {
        for args in [["sweep", "table.md"], ["sweep", "table.md", "--slurm", "--local", "2"],
                     ["sweep", "table.md", "--local", "0"], ["sweep", "table.md", "--local", "1", "--chunk", "0"],
                     ["sweep", "table.md", "--slurm", "--sbatch", "'unclosed"]] {
            let r = try dvae(args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains("Error: "), "\(args): \(r.stderr)")
        }
        try Self.table.replacingOccurrences(of: " cache cache", with: "").write(toFile: directory + "/nocache.md", atomically: true, encoding: .utf8)
        let r = try dvae(["sweep", "nocache.md", "--local", "1"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("have no cache directory"), r.stderr)
    }

    // MARK: - A real SLURM

    /// Starts `scripts/local-slurm` for the test (stopped in teardown); skips, saying why, when
    /// SLURM or munge is not installed or the cluster does not come up.
    func startCluster() throws -> [String: String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("scripts/local-slurm").path
        for tool in ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("SLURM tests skipped: \(tool) is not installed (apt: slurmctld slurmd slurm-client munge; .ci/run installs them)")
        }
        let started = Date()
        let up = try Self.shell(script, ["up"])
        guard up.status == 0, let line = up.stdout.split(separator: "\n").first(where: { $0.hasPrefix("export SLURM_CONF=") }) else {
            throw XCTSkip("SLURM tests skipped: scripts/local-slurm up failed: \(up.stderr)")
        }
        let conf = String(line.dropFirst("export SLURM_CONF=".count))
        print("local-slurm up in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        addTeardownBlock {
            let t = Date()
            _ = try? Self.shell(script, ["down", (conf as NSString).deletingLastPathComponent])
            print("local-slurm down in \(String(format: "%.2f", Date().timeIntervalSince(t))) s")
        }
        return ["SLURM_CONF": conf]
    }

    /// Runs a program and collects its output. Through files, not pipes: the daemons
    /// `local-slurm up` starts outlive it, and a pipe would stay open as long as any process
    /// that inherited it.
    static func shell(_ path: String, _ args: [String], env: [String: String] = [:]) throws -> DVAEBinary.Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        p.environment = e
        let base = NSTemporaryDirectory() + "dvae-shell-\(UUID().uuidString)"
        defer { for s in [".out", ".err"] { try? FileManager.default.removeItem(atPath: base + s) } }
        _ = FileManager.default.createFile(atPath: base + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: base + ".err", contents: nil)
        let out = try XCTUnwrap(FileHandle(forWritingAtPath: base + ".out"))
        let err = try XCTUnwrap(FileHandle(forWritingAtPath: base + ".err"))
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try out.close()
        try err.close()
        func text(_ s: String) -> String { (try? String(contentsOfFile: base + s, encoding: .utf8)) ?? "" }
        return .init(status: p.terminationStatus, stdout: text(".out"), stderr: text(".err"))
    }

    /// The job id `dvae sweep --slurm` printed.
    func jobID(_ output: String) throws -> String {
        let line = try XCTUnwrap(output.split(separator: "\n").first { $0.hasPrefix("submitted job ") }, output)
        return String(line.dropFirst("submitted job ".count).prefix { $0.isNumber })
    }

    /// Waits (at most `limit` seconds) until `job` has left the queue.
    func waitForJob(_ job: String, env: [String: String], limit: Double = 90) throws {
        let deadline = Date().addingTimeInterval(limit)
        while Date() < deadline {
            let q = try Self.shell("/usr/bin/squeue", ["-h", "-j", job], env: env)
            if q.status == 0 && q.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        XCTFail("job \(job) still in the queue after \(limit) s")
    }

    func testSlurmJobArrayFillsTheCacheAndRunGathersTheSerialTable() throws {
        let env = try startCluster()
        let serial = try serialTable("table.md")
        let started = Date()
        let submit = try dvae(["sweep", "table.md", "--slurm"], env: env)
        XCTAssertEqual(submit.status, 0, submit.stdout + submit.stderr)
        let job = try jobID(submit.stdout)
        try waitForJob(job, env: env)
        print("SLURM array of 4 cells: submitted, run and drained in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        XCTAssertEqual(files("cells", ".json").count, 4)
        let gathered = try dvae(["run", "table.md"], env: env)
        XCTAssertEqual(gathered.status, 0, gathered.stderr)
        XCTAssertEqual(gathered.stdout, serial, "the table gathered from the job array is the serial one")
        // Each task wrote its own log, naming its cell.
        let logs = try FileManager.default.subpathsOfDirectory(atPath: directory + "/cells").filter { $0.hasSuffix(".log") }
        XCTAssertEqual(logs.count, 4, "\(logs)")
        for log in logs {
            let text = try String(contentsOfFile: directory + "/cells/" + log, encoding: .utf8)
            XCTAssertTrue(text.contains("finished "), text)
        }
        let again = try dvae(["sweep", "table.md", "--slurm"], env: env)
        XCTAssertTrue(again.stdout.contains("nothing to compute"), again.stdout)
    }

    func testSlurmTaskKilledMidCellIsCompletedByResubmission() throws {
        let env = try startCluster()
        let submit = try dvae(["sweep", "slow.md", "--slurm", "--chunk", "2"], env: env)
        XCTAssertEqual(submit.status, 0, submit.stdout + submit.stderr)
        let job = try jobID(submit.stdout)
        // Wait for the task to claim the slow cell, then kill it hard (as a node failure would).
        let cells = directory + "/cells"
        var killed: Int32?
        let deadline = Date().addingTimeInterval(60)
        while killed == nil && Date() < deadline {
            for lock in files("cells", ".lock") {
                guard let data = FileManager.default.contents(atPath: cells + "/" + lock),
                      let holder = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let pid = holder["pid"] as? Int else { continue }
                if kill(Int32(pid), SIGKILL) == 0 { killed = Int32(pid) }
            }
            if killed == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        let pid = try XCTUnwrap(killed, "the task never claimed a cell")
        try waitForJob(job, env: env)
        XCTAssertLessThan(files("cells", ".json").count, 2, "killed before its cells finished (pid \(pid))")
        // The killed cell's claim died with its process: the gather calls it missing, not running.
        let gather = try dvae(["run", "slow.md"], env: env)
        XCTAssertEqual(gather.status, 1)
        XCTAssertTrue(gather.stderr.contains("missing: "), gather.stderr)
        XCTAssertFalse(gather.stderr.contains("running: "), gather.stderr)
        XCTAssertTrue(gather.stderr.contains("/logs/\(job)_0.log"), gather.stderr)
        // Resubmitting computes what is missing; the result is the serial one.
        let again = try dvae(["sweep", "slow.md", "--slurm"], env: env)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.contains("to compute"), again.stdout)
        try waitForJob(try jobID(again.stdout), env: env)
        let done = try dvae(["run", "slow.md"], env: env)
        XCTAssertEqual(done.status, 0, done.stderr)
        XCTAssertEqual(Self.withoutProgress(done.stdout), try serialTable("slow.md"))
    }
}
