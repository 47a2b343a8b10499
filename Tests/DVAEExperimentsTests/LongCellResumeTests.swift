import XCTest
import Foundation
import DVAE
@testable import DVAEExperiments

/// A long cell resumed on a fresh machine from only what is committed: its partial checkpoint
/// and its progress file (no lock, no sweep records, no other state).
final class LongCellResumeTests: XCTestCase {
    var directories: [String] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(atPath: d) } }
    func fresh(_ label: String) -> String {
        let d = makeExperimentDirectory(label)
        directories.append(d)
        return d
    }

    /// The curve without its wall-clock times (which differ from run to run).
    func untimed(_ curve: [EpochRecord]) -> [EpochRecord] { curve.map { var r = $0; r.seconds = 0; return r } }

    /// The authors' recipe in small: analytic-KL training, fixed batches, a thinned curve with
    /// the clean training bound.
    func longConfig() -> ExperimentConfig {
        var c = tinyExperimentConfig(seed: 3, epochs: 7, corruption: .saltPepperAuthors(0.05))
        c.optimizer = .authors
        c.clipNorm = 5
        c.schedule = .authors
        c.nonFinite = .shrink
        c.analyticKL = true
        c.trainKL = .analytic
        c.batchOrder = .fixed
        c.curveEvery = 3
        c.curveOnTest = true
        c.curveOnTrain = true
        return c
    }

    func testAResumeFromTheCommittedFilesEqualsAnUninterruptedRun() throws {
        let config = longConfig()
        let uninterrupted = try ExperimentRunner.run(config, data: experimentTestData, cache: ResultCache(directory: fresh("whole")))
        XCTAssertEqual(uninterrupted.curve.map(\.epoch), [3, 6, 7], "every 3rd epoch and the last")
        XCTAssertTrue(uninterrupted.curve.allSatisfy { $0.validBound != nil && $0.cleanTrainBound != nil })

        // Session 1: stopped after epoch 4 (not a curve epoch), its state saved.
        let first = try ResultCache(directory: fresh("session1"))
        XCTAssertThrowsError(try ExperimentRunner.run(config, data: experimentTestData, cache: first, checkpointInterval: 1e9) { e in
            if case .epochEnd(let r) = e, r.epoch == 4 { return .stop }
            return .proceed
        })
        let progress = try XCTUnwrap(first.progress(of: config))
        XCTAssertEqual(progress.epochsCompleted, 4)
        XCTAssertEqual(progress.curve.map(\.epoch), [3])
        XCTAssertEqual(untimed(progress.curve), untimed(Array(uninterrupted.curve.prefix(1))), "the curve so far is the uninterrupted run's")

        // A fresh clone holds only the committed files: the partial checkpoint and the progress file.
        let clone = fresh("clone")
        try FileManager.default.createDirectory(atPath: clone + "/progress", withIntermediateDirectories: true)
        let committed = ["\(config.key).partial.safetensors", "progress/\(config.key).json"]
        for name in committed {
            try FileManager.default.copyItem(atPath: first.directory + "/" + name, toPath: clone + "/" + name)
        }
        let cache = try ResultCache(directory: clone)
        var resumedEpochs: [Int] = []
        let resumed = try ExperimentRunner.run(config, data: experimentTestData, cache: cache) { e in
            if case .epochEnd(let r) = e { resumedEpochs.append(r.epoch) }
            return .proceed
        }
        XCTAssertEqual(resumedEpochs, [5, 6, 7], "continues after the saved epoch")
        XCTAssertEqual(resumed.testBound, uninterrupted.testBound)
        XCTAssertEqual(untimed(resumed.curve), untimed(uninterrupted.curve))
        for name in committed { XCTAssertFalse(FileManager.default.fileExists(atPath: clone + "/" + name), "\(name) is removed when the cell finishes") }
        XCTAssertNil(cache.progress(of: config))
        XCTAssertFalse(FileManager.default.fileExists(atPath: clone + "/progress"), "an empty progress folder is removed")
    }

    func testAPartialCheckpointOfAnotherCurveSettingIsSetAside() throws {
        // `curveEvery` is part of the cell: state saved under another setting starts afresh, saying why.
        var config = longConfig()
        let dir = fresh("mismatch")
        let cache = try ResultCache(directory: dir)
        XCTAssertThrowsError(try ExperimentRunner.run(config, data: experimentTestData, cache: cache, checkpointInterval: 1e9) { e in
            if case .epochEnd(let r) = e, r.epoch == 4 { return .stop }
            return .proceed
        })
        let other = config
        config.curveEvery = 2
        try FileManager.default.moveItem(atPath: cache.partialCheckpointPath(for: other), toPath: cache.partialCheckpointPath(for: config))
        var rejected: [CacheRejection] = []
        _ = try ExperimentRunner.run(config, data: experimentTestData, cache: cache, onRejected: { rejected.append($0) })
        XCTAssertEqual(rejected.count, 1)
    }
}
