import XCTest
import Foundation
import DVAE
@testable import DVAEExperiments

/// `CellClaim`: one process per cell, released by the kernel when its holder dies.
final class CellClaimTests: XCTestCase {
    var directory = ""

    override func setUp() { directory = makeExperimentDirectory("claim") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func testASecondClaimIsRefusedUntilTheFirstIsReleased() throws {
        let path = directory + "/cell.lock"
        XCTAssertNil(CellClaim.holder(of: path))
        let first = try XCTUnwrap(try CellClaim.acquire(path))
        let holder = try XCTUnwrap(CellClaim.holder(of: path))
        XCTAssertEqual(holder.pid, getpid())
        XCTAssertEqual(holder.host, ProcessInfo.processInfo.hostName)
        XCTAssertNil(try CellClaim.acquire(path), "the same cell cannot be claimed twice")
        first.release()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "the holder removes its lock file")
        XCTAssertNil(CellClaim.holder(of: path))
        let second = try XCTUnwrap(try CellClaim.acquire(path))
        second.release()
        second.release()   // idempotent
    }

    func testAClaimDiesWithItsProcess() throws {
        let flock = "/usr/bin/flock"
        guard FileManager.default.isExecutableFile(atPath: flock) else { throw XCTSkip("util-linux flock(1) is not installed") }
        let path = directory + "/cell.lock"
        // Another process takes the lock (as a task computing the cell would): one process, the
        // shell that locks its fd 9 with flock(1) and then becomes `sleep`, keeping fd 9…
        let other = Process()
        other.executableURL = URL(fileURLWithPath: "/bin/sh")
        other.arguments = ["-c", "exec 9>\"$0\" && \(flock) -n 9 && exec sleep 30", path]
        try other.run()
        var held = false
        for _ in 0..<200 where !held {
            held = CellClaim.holder(of: path) != nil
            if !held { Thread.sleep(forTimeInterval: 0.01) }
        }
        XCTAssertTrue(held, "the other process holds the claim")
        XCTAssertNil(try CellClaim.acquire(path))
        // …and is killed: no stale claim is left behind.
        kill(other.processIdentifier, SIGKILL)
        other.waitUntilExit()
        XCTAssertNil(CellClaim.holder(of: path))
        XCTAssertNotNil(try CellClaim.acquire(path))
    }

    func testTheRunnerRefusesACellClaimedElsewhereAndComputesItOnce() throws {
        let cache = try ResultCache(directory: directory)
        let config = tinyExperimentConfig()
        let claim = try XCTUnwrap(try CellClaim.acquire(cache.lockPath(for: config)))
        if case .running(let h) = cache.status(of: config) { XCTAssertEqual(h.pid, getpid()) } else { XCTFail("running") }
        XCTAssertThrowsError(try ExperimentRunner.run(config, data: experimentTestData, cache: cache)) { error in
            guard case .busy(let key, _) = error as? ExperimentError else { return XCTFail("\(error)") }
            XCTAssertEqual(key, config.key)
        }
        XCTAssertNil(cache.lookup(config), "nothing was computed")
        claim.release()
        let r = try ExperimentRunner.run(config, data: experimentTestData, cache: cache)
        XCTAssertFalse(r.cached)
        if case .finished = cache.status(of: config) {} else { XCTFail("finished") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.lockPath(for: config)))
    }

    func testSweepRecordsGiveTheCellStatus() throws {
        let cache = try ResultCache(directory: directory)
        let config = tinyExperimentConfig()
        if case .notStarted = cache.status(of: config) {} else { XCTFail("not started") }
        XCTAssertFalse(cache.status(of: config).belongsToSweep)
        let a = SweepAssignment(job: "17", task: 3, log: "/logs/17_3.log", plan: "/plan.json", submitted: Date())
        try cache.assign(config, to: a)
        if case .queued(let q) = cache.status(of: config) { XCTAssertEqual(q, a) } else { XCTFail("queued") }
        try cache.recordFailure(config, SweepFailure(error: "out of memory"))
        if case .failed(let f) = cache.status(of: config) { XCTAssertEqual(f.error, "out of memory") } else { XCTFail("failed") }
        XCTAssertTrue(cache.status(of: config).belongsToSweep)
        XCTAssertTrue(cache.scan().skipped.isEmpty, "sweep records are not result files: \(cache.scan().skipped)")
        // Finishing the cell clears its records.
        _ = try ExperimentRunner.run(config, data: experimentTestData, cache: cache)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.assignmentPath(for: config)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.failurePath(for: config)))
    }

    func testPlanTasksAndLogs() throws {
        let cells = (1...5).map { SweepPlan.Cell(config: tinyExperimentConfig(seed: UInt64($0)), cacheDirectory: directory, location: "nb.md:\($0)") }
        let plan = SweepPlan(notebook: "/nb.md", workingDirectory: "/", testMode: true, settings: ["a": "1"], dataDirectory: nil,
                             chunk: 2, cells: cells, logPattern: "/s/logs/%A_%a.log")
        XCTAssertEqual(plan.taskCount, 3)
        XCTAssertEqual(plan.cells(ofTask: 0).map(\.config.seed), [1, 2])
        XCTAssertEqual(plan.cells(ofTask: 2).map(\.config.seed), [5])
        XCTAssertTrue(plan.cells(ofTask: 3).isEmpty)
        XCTAssertTrue(plan.cells(ofTask: -1).isEmpty)
        XCTAssertEqual(plan.logPath(job: "99", task: 2), "/s/logs/99_2.log")
        try plan.save(to: directory + "/plan.json")
        XCTAssertEqual(try SweepPlan.load(directory + "/plan.json"), plan)
        XCTAssertThrowsError(try SweepPlan.load(directory + "/missing.json"))
    }
}
