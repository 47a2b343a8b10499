import DVAEExperiments
import Foundation
import XCTest
@testable import DVAEScript

/// `CellMode`: planning a notebook's cells without computing them, computing only some, and
/// gathering cells that belong to a sweep.
final class CellModeTests: XCTestCase {
    private func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "dvae-cellmode-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    private func interpreter(_ mode: CellMode) -> (Interpreter, CaptureSink) {
        let sink = CaptureSink()
        return (Interpreter(sink: sink, options: InterpreterOptions(testMode: true, cellMode: mode)), sink)
    }

    private func source(_ dir: String) -> String {
        """
        let d = load synthetic
        let rs = []
        for s in [1 2] {
          set rs = append(rs, experiment on d objective dvae noise salt_pepper 0.1 hidden [16] latent 4 epochs 1 batch 50 train_size 200 test_size 50 seed s cache "\(dir)")
        }
        print rs[0].pending, rs[1].pending, rs[0].cached
        print rs[0]
        assert -rs[0].bound > 0, "a bound"
        print "after the assert"
        """
    }

    func testPlanRecordsCellsComputesNothingAndToleratesAsserts() throws {
        let dir = try temporaryDirectory()
        let (interp, sink) = interpreter(.plan)
        try interp.run(source(dir), file: "plan.dvae")
        XCTAssertEqual(sink.texts[0], "true true false")
        XCTAssertEqual(sink.texts[1], "dvae K1 salt_pepper 0.1 mlp[16] seed 1: pending (not computed yet)")
        XCTAssertTrue(sink.texts[2].hasPrefix("not checked (experiment cells pending): assert failed: -rs[0].bound > 0"), sink.texts[2])
        XCTAssertEqual(sink.texts[3], "after the assert")
        XCTAssertEqual(interp.cells.entries.map(\.location), ["plan.dvae:4", "plan.dvae:4"])
        XCTAssertEqual(interp.cells.entries.map(\.config.seed), [1, 2])
        XCTAssertTrue(interp.cells.entries.allSatisfy { if case .planned = $0.outcome { return true }; return false })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [], "nothing computed")
    }

    func testExecuteComputesOnlyItsCells() throws {
        let dir = try temporaryDirectory()
        let (planner, _) = interpreter(.plan)
        try planner.run(source(dir), file: "plan.dvae")
        let second = planner.cells.entries[1].config
        let (interp, sink) = interpreter(.execute([second.key]))
        try interp.run(source(dir), file: "task.dvae")
        XCTAssertEqual(sink.texts[0], "true false false")
        let cache = try ResultCache(directory: dir)
        XCTAssertNotNil(cache.lookup(second))
        XCTAssertNil(cache.lookup(planner.cells.entries[0].config))
    }

    func testComputeGathersCellsHandedToASweepInsteadOfComputingThem() throws {
        let dir = try temporaryDirectory()
        let (planner, _) = interpreter(.plan)
        try planner.run(source(dir), file: "plan.dvae")
        let cache = try ResultCache(directory: dir)
        let first = planner.cells.entries[0].config
        try cache.assign(first, to: SweepAssignment(job: "7", task: 0, log: "/l/7_0.log", plan: "/p.json", submitted: Date()))
        let (interp, sink) = interpreter(.compute)
        try interp.run(source(dir), file: "run.dvae")
        XCTAssertEqual(sink.texts[0], "true false false", "the swept cell is pending, the other one computed")
        XCTAssertNil(cache.lookup(first))
        let report = interp.gatherReport()
        XCTAssertEqual(report.first, "1 of 2 experiment cells finished; 1 missing")
        XCTAssertTrue(report[1].contains("task 0 of job 7") && report[1].contains("/l/7_0.log"), report[1])
        // Without unfinished cells a failing assert still stops the notebook.
        let (plain, _) = interpreter(.compute)
        XCTAssertThrowsError(try plain.run("assert 1 > 2", file: "x.dvae"))
    }
}
