import XCTest
import Foundation
import DVAE
@testable import DVAEExperiments


/// The synthetic splits the experiment tests run on (small: 200 / 50 / 50 images of 12 × 12).
let experimentTestData = DataLoader.synthetic(seed: 0, trainCount: 200, validCount: 50, testCount: 50)

/// A tiny quick-protocol cell on `experimentTestData`: one epoch of DVAE with salt-and-pepper noise.
func tinyExperimentConfig(seed: UInt64 = 1, epochs: Int = 1, objective: ObjectiveKind = .dvae, K: Int = 1,
                          corruption: Corruption = .saltPepper(0.1), extraIWAE: Int? = nil) -> ExperimentConfig {
    ExperimentConfig(dataset: "synthetic", trainCount: 200, validCount: 0, testCount: 50,
                     model: ModelConfig(inputSize: 144, height: 12, width: 12, encoder: .mlp, encoderHidden: [16],
                                        latent: 4, decoder: .bernoulli, decoderHidden: [16]),
                     objective: objective, K: K, M: 1, corruption: corruption, epochs: epochs, batchSize: 50,
                     learningRate: 3e-3, clipNorm: nil, seed: seed, extraIWAE: extraIWAE)
}

/// A fresh, empty directory under the system's temporary directory.
func makeExperimentDirectory(_ label: String) -> String {
    let dir = FileManager.default.temporaryDirectory.path + "/dvae-\(label)-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}


final class ExperimentCacheTests: XCTestCase {
    var directory = ""

    override func setUp() { directory = makeExperimentDirectory("cache") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    /// Runs `config`, counting training events (0 means nothing was trained).
    func run(_ config: ExperimentConfig, cache: ResultCache?, interval: Double = 60,
             stopAt: ((TrainingEvent) -> Bool)? = nil) throws -> (ExperimentResult, events: Int) {
        var events = 0
        let r = try ExperimentRunner.run(config, data: experimentTestData, cache: cache, checkpointInterval: interval) { e in
            events += 1
            return stopAt?(e) == true ? .stop : .proceed
        }
        return (r, events)
    }

    func testMissTrainsAndStoresJSONAndCheckpoint() throws {
        let cache = try ResultCache(directory: directory)
        let config = tinyExperimentConfig()
        XCTAssertNil(cache.lookup(config))
        let (r, events) = try run(config, cache: cache)
        XCTAssertGreaterThan(events, 0)
        XCTAssertFalse(r.cached)
        XCTAssertEqual(r.key, config.key)
        XCTAssertEqual(r.seed, 1)
        XCTAssertEqual(r.testBound.kind, .elbo)
        XCTAssertEqual(r.testBound.count, 50)
        XCTAssertTrue(r.testBound.mean.isFinite && r.testBound.mean < 0)
        XCTAssertNil(r.extraBound)
        XCTAssertEqual(r.curve.count, 1)
        XCTAssertEqual(r.checkpointFile, "\(config.key).safetensors")
        XCTAssertEqual(r.checkpointPath, cache.checkpointPath(for: config))
        XCTAssertGreaterThan(r.wallSeconds, 0)
        XCTAssertEqual(r.machine, .current)
        XCTAssertEqual(r.formatVersion, ExperimentResult.currentFormatVersion)
        let fm = FileManager.default
        XCTAssertTrue(fm.fileExists(atPath: "\(directory)/\(config.key).json"))
        XCTAssertTrue(fm.fileExists(atPath: "\(directory)/\(config.key).safetensors"))
        XCTAssertFalse(fm.fileExists(atPath: cache.partialCheckpointPath(for: config)))
        // The file is readable JSON holding the full configuration and no `cached` flag.
        let text = try String(contentsOfFile: cache.resultPath(for: config), encoding: .utf8)
        XCTAssertTrue(text.contains("\"config\""))
        XCTAssertFalse(text.contains("\"cached\""))
        // The saved model reproduces the stored bound (same evaluation seed).
        let model = try cache.loadModel(for: r)
        let again = estimateBound(model, on: experimentTestData.test.subset(first: 50), kind: .elbo,
                                  seed: ExperimentRunner.evaluationSeed(for: config))
        XCTAssertEqual(again, r.testBound)
    }

    func testSecondRunIsACachedHitWithIdenticalNumbers() throws {
        let cache = try ResultCache(directory: directory)
        let config = tinyExperimentConfig()
        let (first, _) = try run(config, cache: cache)
        let (second, events) = try run(config, cache: cache)
        XCTAssertEqual(events, 0, "a hit must not train")
        XCTAssertTrue(second.cached)
        XCTAssertTrue(second.description.hasSuffix("(cached)"), second.description)
        XCTAssertFalse(first.description.contains("cached"))
        XCTAssertFalse(first.cached)
        XCTAssertEqual(second.config, first.config)
        XCTAssertEqual(second.testBound, first.testBound)
        XCTAssertEqual(second.curve, first.curve)
        XCTAssertEqual(second.wallSeconds, first.wallSeconds)
        XCTAssertEqual(second.date, first.date)
        XCTAssertEqual(second.machine, first.machine)
        XCTAssertEqual(second.checkpointPath, first.checkpointPath)
        // A second cache object on the same directory (another process) sees the same cell.
        let other = try ResultCache(directory: directory + "/")
        XCTAssertEqual(other.lookup(config)?.testBound, first.testBound)
    }

    func testDifferentSeedIsAMissAndAllGathersBoth() throws {
        let cache = try ResultCache(directory: directory)
        let a = tinyExperimentConfig(seed: 1), b = tinyExperimentConfig(seed: 2)
        XCTAssertNotEqual(a.key, b.key)
        _ = try run(a, cache: cache)
        XCTAssertNil(cache.lookup(b))
        let (rb, events) = try run(b, cache: cache)
        XCTAssertGreaterThan(events, 0)
        XCTAssertFalse(rb.cached)
        let all = cache.all()
        XCTAssertEqual(Set(all.map(\.config.seed)), [1, 2])
        XCTAssertTrue(all.allSatisfy(\.cached))
        XCTAssertTrue(cache.scan().skipped.isEmpty)
    }

    func testCorruptFilesAreSkippedWithReasonsAndRecomputed() throws {
        let cache = try ResultCache(directory: directory)
        let good = tinyExperimentConfig(seed: 1)
        _ = try run(good, cache: cache)
        let broken = tinyExperimentConfig(seed: 3)
        let brokenPath = cache.resultPath(for: broken)
        try Data("{\"formatVersion\": 1, \"key\": \"trunc".utf8).write(to: URL(fileURLWithPath: brokenPath))
        try Data("not json at all".utf8).write(to: URL(fileURLWithPath: directory + "/garbage.json"))
        var future = try String(contentsOfFile: cache.resultPath(for: good), encoding: .utf8)
        future = future.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 99")
        let futureConfig = tinyExperimentConfig(seed: 4)
        try Data(future.utf8).write(to: URL(fileURLWithPath: cache.resultPath(for: futureConfig)))
        // A file renamed to another key: its stored configuration does not match the name.
        try FileManager.default.copyItem(atPath: cache.resultPath(for: good), toPath: directory + "/0123456789abcdef.json")

        let scan = cache.scan()
        XCTAssertEqual(scan.results.map(\.config), [good])
        XCTAssertEqual(scan.skipped.count, 4, "\(scan.skipped)")
        for s in scan.skipped { print("skipped:", s) }
        XCTAssertTrue(scan.skipped.contains { $0.path == brokenPath && $0.reason.contains("JSON") })
        XCTAssertTrue(scan.skipped.contains { $0.path.hasSuffix("garbage.json") })
        XCTAssertTrue(scan.skipped.contains { $0.reason.contains("version 99") })
        XCTAssertTrue(scan.skipped.contains { $0.path.hasSuffix("0123456789abcdef.json") && $0.reason.contains("key mismatch") })
        XCTAssertEqual(cache.all().count, 1)

        guard case .unusable(let path, let reason) = cache.probe(broken) else { return XCTFail("expected unusable") }
        XCTAssertEqual(path, brokenPath)
        XCTAssertFalse(reason.isEmpty)
        XCTAssertNil(cache.lookup(broken))
        // Running the corrupt cell names it with its reason, moves it aside, recomputes it.
        var rejections: [CacheRejection] = []
        var events = 0
        let r = try ExperimentRunner.run(broken, data: experimentTestData, cache: cache) { _ in
            events += 1
            return .proceed
        } onRejected: { rejections.append($0) }
        XCTAssertGreaterThan(events, 0)
        XCTAssertFalse(r.cached)
        XCTAssertTrue(cache.lookup(broken)?.cached == true)
        XCTAssertEqual(rejections.count, 1)
        XCTAssertEqual(rejections.first?.path, brokenPath)
        XCTAssertTrue(rejections.first?.reason.contains("JSON") ?? false, "\(rejections)")
        XCTAssertEqual(rejections.first?.movedTo, brokenPath + ".rejected")
        XCTAssertEqual(try String(contentsOfFile: brokenPath + ".rejected", encoding: .utf8), "{\"formatVersion\": 1, \"key\": \"trunc",
                       "the rejected entry is kept as it was")
        XCTAssertTrue("\(rejections[0])".hasPrefix("rejected cached result \(brokenPath): not valid JSON"), "\(rejections[0])")
        // A second rejection of the same name does not overwrite the first one kept aside.
        try Data("edited".utf8).write(to: URL(fileURLWithPath: brokenPath))
        XCTAssertEqual(cache.setAside(brokenPath), brokenPath + ".rejected-2")
    }

    func testStoredConfigurationMustMatchExactly() throws {
        let cache = try ResultCache(directory: directory)
        let config = tinyExperimentConfig()
        let (r, _) = try run(config, cache: cache)
        // Simulate a collision: another configuration's result stored under this key's file.
        var other = r
        other.config = tinyExperimentConfig(epochs: 2)
        let data = try ExperimentJSON.fileEncoder().encode(other)
        try data.write(to: URL(fileURLWithPath: cache.resultPath(for: config)))
        guard case .unusable(_, let reason) = cache.probe(config) else { return XCTFail("expected unusable") }
        XCTAssertTrue(reason.contains("key mismatch"), reason)
        XCTAssertNil(cache.lookup(config))
    }

    func testInterruptedRunIsNotStoredAndResumesExactly() throws {
        let cache = try ResultCache(directory: directory)
        let config = tinyExperimentConfig(epochs: 3)
        // Stop right after epoch 1's end.
        XCTAssertThrowsError(try run(config, cache: cache, interval: 1e9, stopAt: {
            if case .epochEnd(let rec) = $0 { return rec.epoch == 1 }
            return false
        })) { error in
            XCTAssertEqual(error as? ExperimentError, .interrupted(key: config.key, epochsCompleted: 1, resumable: true))
        }
        XCTAssertNil(cache.lookup(config))
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.resultPath(for: config)))
        XCTAssertTrue(FileManager.default.fileExists(atPath: cache.partialCheckpointPath(for: config)))

        // Stop in the middle of epoch 2: updates after the saved boundary are discarded on resume.
        XCTAssertThrowsError(try run(config, cache: cache, interval: 1e9, stopAt: {
            if case .step(let epoch, let step, _, _, _) = $0 { return epoch == 2 && step == 2 }
            return false
        })) { error in
            XCTAssertEqual(error as? ExperimentError, .interrupted(key: config.key, epochsCompleted: 1, resumable: true))
        }

        var resumedEpochs: [Int] = []
        let resumed = try ExperimentRunner.run(config, data: experimentTestData, cache: cache) { e in
            if case .epochEnd(let rec) = e { resumedEpochs.append(rec.epoch) }
            return .proceed
        }
        XCTAssertEqual(resumedEpochs, [2, 3])
        XCTAssertEqual(resumed.curve.map(\.epoch), [1, 2, 3])
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.partialCheckpointPath(for: config)))

        let fresh = try ExperimentRunner.run(config, data: experimentTestData, cache: nil)
        XCTAssertEqual(resumed.testBound, fresh.testBound, "a resumed run equals an uninterrupted one")
        XCTAssertEqual(resumed.curve.map(\.trainBound), fresh.curve.map(\.trainBound))
        XCTAssertNil(fresh.checkpointFile)
        XCTAssertNil(fresh.checkpointPath)
    }

    func testAnUnusablePartialCheckpointIsSetAsideReportedAndTheCellStartsAfresh() throws {
        let cache = try ResultCache(directory: directory)
        let config = tinyExperimentConfig(epochs: 2)
        let partial = cache.partialCheckpointPath(for: config)
        try Data("not a safetensors file".utf8).write(to: URL(fileURLWithPath: partial))
        var rejections: [CacheRejection] = []
        var epochs: [Int] = []
        let result = try ExperimentRunner.run(config, data: experimentTestData, cache: cache) { e in
            if case .epochEnd(let rec) = e { epochs.append(rec.epoch) }
            return .proceed
        } onRejected: { rejections.append($0) }
        XCTAssertEqual(epochs, [1, 2], "trained from epoch 0")
        XCTAssertEqual(rejections.count, 1)
        XCTAssertEqual(rejections.first?.kind, .partialCheckpoint)
        XCTAssertEqual(rejections.first?.path, partial)
        XCTAssertTrue(rejections.first?.reason.hasPrefix("unreadable") ?? false, "\(rejections)")
        XCTAssertTrue(rejections.first?.description.contains("starting the cell from epoch 0") ?? false)
        XCTAssertEqual(try String(contentsOfFile: partial + ".rejected", encoding: .utf8), "not a safetensors file",
                       "the unusable file is kept, not overwritten")
        let fresh = try ExperimentRunner.run(config, data: experimentTestData, cache: nil)
        XCTAssertEqual(result.testBound, fresh.testBound, "a fresh start equals an uninterrupted run")

        // A partial checkpoint of another configuration under this key is refused the same way.
        let other = tinyExperimentConfig(seed: 2, epochs: 2)
        XCTAssertThrowsError(try run(other, cache: cache, interval: 1e9, stopAt: {
            if case .epochEnd(let rec) = $0 { return rec.epoch == 1 }
            return false
        }))
        let third = tinyExperimentConfig(seed: 3, epochs: 2)
        try FileManager.default.moveItem(atPath: cache.partialCheckpointPath(for: other),
                                         toPath: cache.partialCheckpointPath(for: third))
        rejections = []
        _ = try ExperimentRunner.run(third, data: experimentTestData, cache: cache) { _ in .proceed } onRejected: { rejections.append($0) }
        XCTAssertEqual(rejections.map(\.reason), ["it was saved for another configuration"])
    }

    func testInterruptionWithoutCacheIsNotResumable() {
        let config = tinyExperimentConfig(epochs: 2)
        XCTAssertThrowsError(try ExperimentRunner.run(config, data: experimentTestData, cache: nil) { _ in .stop }) { error in
            XCTAssertEqual(error as? ExperimentError, .interrupted(key: config.key, epochsCompleted: 0, resumable: false))
        }
    }

    func testExtraIWAEBoundReusesTheCachedModel() throws {
        let cache = try ResultCache(directory: directory)
        let base = tinyExperimentConfig()
        let (b, _) = try run(base, cache: cache)
        let withExtra = tinyExperimentConfig(extraIWAE: 20)
        let (r, events) = try run(withExtra, cache: cache)
        XCTAssertEqual(events, 0, "the extra bound is computed from the cached model, without training")
        XCTAssertFalse(r.cached)
        XCTAssertEqual(r.testBound, b.testBound)
        XCTAssertEqual(r.extraBound?.kind, .iwae(20))
        XCTAssertGreaterThanOrEqual(r.extraBound!.mean, r.testBound.mean - 0.5)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cache.checkpointPath(for: withExtra)))
        XCTAssertEqual(cache.lookup(withExtra)?.extraBound, r.extraBound)
        // The same numbers as computing the cell from scratch.
        let fresh = try ExperimentRunner.run(withExtra, data: experimentTestData, cache: nil)
        XCTAssertEqual(fresh.testBound, r.testBound)
        XCTAssertEqual(fresh.extraBound, r.extraBound)
    }

    func testImportanceWeightedObjectiveReportsIWAEK() throws {
        let r = try ExperimentRunner.run(tinyExperimentConfig(objective: .diwae, K: 3), data: experimentTestData, cache: nil)
        XCTAssertEqual(r.testBound.kind, .iwae(3))
        let v = try ExperimentRunner.run(tinyExperimentConfig(objective: .vae, corruption: .none), data: experimentTestData, cache: nil)
        XCTAssertEqual(v.testBound.kind, .elbo)
    }

    func testTheKeyKnowsTheDataNotOnlyItsName() throws {
        let cache = try ResultCache(directory: directory)
        let other = DataLoader.synthetic(seed: 1, trainCount: 200, validCount: 50, testCount: 50)
        XCTAssertEqual(other.name, experimentTestData.name)
        var c = tinyExperimentConfig()
        c.dataDigest = ExperimentConfig.dataDigest(of: experimentTestData, validCount: c.validCount)
        var d = c
        d.dataDigest = ExperimentConfig.dataDigest(of: other, validCount: d.validCount)
        XCTAssertNotEqual(c.dataDigest, d.dataDigest)
        XCTAssertNotEqual(c.key, d.key, "same name, other pixels: another cell")
        XCTAssertNotEqual(c.key, tinyExperimentConfig().key, "a recorded digest is part of the key")
        // The validation split counts only when the cell scores it.
        var withValid = c
        withValid.validCount = 50
        XCTAssertEqual(ExperimentConfig.dataDigest(of: experimentTestData, validCount: 0), c.dataDigest)
        XCTAssertNotEqual(ExperimentConfig.dataDigest(of: experimentTestData, validCount: 50), c.dataDigest)
        // The runner refuses data whose digest differs, cached or not.
        _ = try run(c, cache: cache)
        XCTAssertThrowsError(try ExperimentRunner.run(c, data: other, cache: cache)) {
            XCTAssertEqual($0 as? ExperimentError,
                           .dataDigestMismatch(dataset: "synthetic", expected: c.dataDigest!, found: d.dataDigest!))
        }
        let (hit, events) = try run(c, cache: cache)
        XCTAssertTrue(hit.cached)
        XCTAssertEqual(events, 0)
        XCTAssertNil(cache.lookup(d), "the other data's cell is not the cached one")
    }

    func testAResultFromBeforeTheDigestIsAdoptedOnce() throws {
        let cache = try ResultCache(directory: directory)
        let legacy = tinyExperimentConfig()   // no digest: as written before keys knew the data
        let (old, _) = try run(legacy, cache: cache)
        var config = legacy
        config.dataDigest = ExperimentConfig.dataDigest(of: experimentTestData, validCount: legacy.validCount)
        let (adopted, events) = try run(config, cache: cache)
        XCTAssertEqual(events, 0, "adopted, not retrained")
        XCTAssertTrue(adopted.cached)
        XCTAssertEqual(adopted.testBound, old.testBound)
        XCTAssertEqual(adopted.key, config.key)
        XCTAssertEqual(adopted.config, config)
        let fm = FileManager.default
        XCTAssertTrue(fm.fileExists(atPath: cache.resultPath(for: config)))
        XCTAssertFalse(fm.fileExists(atPath: cache.resultPath(for: legacy)), "moved, not duplicated")
        XCTAssertNotNil(try cache.loadModel(for: try XCTUnwrap(cache.lookup(config))), "its model is still found")
        // Once adopted, the cell is the digest's: data of another digest is another cell.
        var other = legacy
        other.dataDigest = "0000000000000000"
        XCTAssertNil(cache.lookup(other))
    }

    func testConfigurationsThatDoNotFitTheDataAreRejected() throws {
        let cache = try ResultCache(directory: directory)
        var c = tinyExperimentConfig()
        c.dataset = "binarized_mnist"
        XCTAssertThrowsError(try run(c, cache: cache)) {
            XCTAssertEqual($0 as? ExperimentError, .datasetMismatch(expected: "binarized_mnist", found: "synthetic"))
        }
        c = tinyExperimentConfig()
        c.trainCount = 5000
        XCTAssertThrowsError(try run(c, cache: cache)) {
            XCTAssertEqual($0 as? ExperimentError, .notEnoughData(split: "train", requested: 5000, available: 200))
        }
        c = tinyExperimentConfig()
        c.K = 0
        XCTAssertThrowsError(try run(c, cache: cache)) {
            guard case .invalidConfig = $0 as? ExperimentError else { return XCTFail("\($0)") }
        }
        c = tinyExperimentConfig()
        c.model.inputSize = 784; c.model.height = 28; c.model.width = 28
        XCTAssertThrowsError(try run(c, cache: cache)) {
            guard case .shapeMismatch = $0 as? ExperimentError else { return XCTFail("\($0)") }
        }
        XCTAssertTrue(cache.all().isEmpty)
    }

    func testCacheDirectoryIsCreatedAndAFileIsRefused() throws {
        let nested = directory + "/a/b"
        _ = try ResultCache(directory: nested)
        var isDir: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: nested, isDirectory: &isDir) && isDir.boolValue)
        let file = directory + "/plain"
        try Data().write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try ResultCache(directory: file))
    }
}
