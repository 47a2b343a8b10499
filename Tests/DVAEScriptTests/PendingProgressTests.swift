import DVAE
import DVAEExperiments
import Foundation
import XCTest
@testable import DVAEScript

/// A pending cell with an unfinished run shows its progress: epochs so far and the curve so far.
final class PendingProgressTests: XCTestCase {
    func testAPendingCellShowsItsCurveSoFar() throws {
        let dir = NSTemporaryDirectory() + "dvae-progress-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let cell = """
            let d = load synthetic
            let r = experiment on d objective dvae noise salt_pepper 0.05 law authors protocol authors hidden [16] latent 4 epochs 6 batch 50 train_size 200 test_size 50 curve_on test curve_every 2 curve_train seed 2 cache "\(dir)"
            """
        // Session 1 computes the cell and is stopped after epoch 3 (as a killed sweep task would be).
        let computing = Interpreter(sink: CaptureSink(), options: InterpreterOptions(testMode: true, cellMode: .plan))
        try computing.run(cell, file: "plan.dvae")
        let config = try XCTUnwrap(computing.cells.entries.first?.config)
        XCTAssertEqual(config.trainKL, .analytic, "protocol authors trains with the closed-form KL")
        XCTAssertEqual(config.batchOrder, .fixed, "protocol authors uses fixed minibatches")
        let cache = try ResultCache(directory: dir)
        XCTAssertThrowsError(try ExperimentRunner.run(config, data: DataLoader.synthetic(seed: 0), cache: cache, checkpointInterval: 1e9) { e in
            if case .epochEnd(let r) = e, r.epoch == 3 { return .stop }
            return .proceed
        })

        let sink = CaptureSink()
        let gathering = Interpreter(sink: sink, options: InterpreterOptions(testMode: true, cellMode: .plan))
        try gathering.run(cell + "\nprint r\nprint r.pending, r.epochs, r.planned_epochs, r.curve.valid_epochs, len(r.curve.clean_train)",
                          file: "gather.dvae")
        XCTAssertEqual(sink.texts[0], "dvae K1 salt_pepper_authors 0.05 mlp[16] seed 2: pending (3 of 6 epochs so far)")
        XCTAssertEqual(sink.texts[1], "true 3 6 [2] 1")

        // `--cached-only` (the run) and `cached_only` (the cell) read the unfinished cell and
        // leave it alone: still 3 epochs, nothing planned, the partial checkpoint untouched.
        let partial = cache.partialCheckpointPath(for: config)
        let before = try XCTUnwrap(FileManager.default.contents(atPath: partial))
        for (mode, extra) in [(CellMode.cachedOnly, ""), (CellMode.compute, " cached_only")] {
            let out = CaptureSink()
            let looking = Interpreter(sink: out, options: InterpreterOptions(testMode: true, cellMode: mode))
            try looking.run(cell + extra + "\nprint r.pending, r.epochs\nassert r.bound.value > -1000", file: "look.dvae")
            XCTAssertEqual(out.texts.first, "true 3", "\(mode)\(extra): the cell stays pending at epoch 3")
            XCTAssertTrue(looking.cells.entries.allSatisfy { if case .readOnly = $0.outcome { return true } else { return false } },
                          "\(mode)\(extra): read only, nothing planned or computed")
            XCTAssertFalse(looking.cells.hasUnfinishedOwnCells)
            XCTAssertTrue(looking.cells.hasUnfinishedCells, "asserts are not checked while a read cell is unfinished")
            XCTAssertEqual(FileManager.default.contents(atPath: partial), before, "the partial checkpoint is not touched")
        }
        // A finished cell is read as usual under `--cached-only`.
        XCTAssertNoThrow(try ExperimentRunner.run(config, data: DataLoader.synthetic(seed: 0), cache: cache))
        let read = CaptureSink()
        let reading = Interpreter(sink: read, options: InterpreterOptions(testMode: true, cellMode: .cachedOnly))
        try reading.run(cell + "\nprint r.pending, r.epochs", file: "read.dvae")
        XCTAssertEqual(read.texts.first, "false 6")
    }

    func testCachedOnlyNeedsACache() {
        let interp = Interpreter(sink: CaptureSink(), options: InterpreterOptions(testMode: true))
        XCTAssertThrowsError(try interp.run("let d = load synthetic\nlet r = experiment on d epochs 1 train_size 100 test_size 20 cached_only",
                                            file: "x.dvae")) { error in
            XCTAssertTrue("\(error)".hasPrefix("x.dvae:2:9: error: `cached_only` needs a cache"), "\(error)")
        }
    }

    func testOverlayTitleSaysWhatTheHeldOutCurveMeasures() throws {
        let sink = CaptureSink()
        let interp = Interpreter(sink: sink, options: InterpreterOptions(testMode: true))
        try interp.run("""
            let d = load synthetic
            let a = experiment on d hidden [8] latent 2 epochs 2 train_size 100 test_size 20 curve_on test curve_train seed 1
            let b = experiment on d hidden [8] latent 2 epochs 2 train_size 100 test_size 20 valid_size 20 seed 1
            show [a a]
            show [b b]
            """, file: "titles.dvae")
        let titles = sink.items.compactMap { if case .plot(let p) = $0 { return p.title } else { return nil } }
        XCTAssertEqual(titles.count, 2)
        XCTAssertTrue(titles[0].hasSuffix("training bound (train), clean test ELBO (valid) and clean training bound (clean train)"), titles[0])
        XCTAssertTrue(titles[1].hasSuffix("training bound (train) and validation ELBO (valid)"), titles[1])
    }
}

/// `paired(a, b)` in the language.
final class PairedBuiltinTests: XCTestCase {
    func testPairedValueMembersAndErrors() throws {
        let sink = CaptureSink()
        let interp = Interpreter(sink: sink, options: InterpreterOptions(testMode: true))
        try interp.run("""
            let p = paired([1.0 1.2 0.9], [0 0.1 0.2])
            print p
            print p.n, p.decided, p.verdict, fmt(p.mean, 3)
            print paired([1 2], [0 0]).verdict
            """, file: "p.dvae")
        XCTAssertEqual(sink.texts, ["+0.93 ± 0.12 (paired, 3 seeds): higher", "3 true higher 0.933", "not decided"])
        XCTAssertThrowsError(try interp.run("print paired([1 2 3], [1 2])", file: "q.dvae")) { e in
            XCTAssertTrue("\(e)".contains("same length"), "\(e)")
        }
    }
}
