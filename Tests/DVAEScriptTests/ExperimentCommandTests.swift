import DVAENotebook
import Foundation
import XCTest
@testable import DVAEScript

/// `experiment on DATA …`: one table cell through `ExperimentRunner`, its result value, the cache
/// and its errors.
final class ExperimentCommandTests: XCTestCase {
    /// A fresh, empty directory under the temporary directory (removed after the test).
    private func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "dvae-experiment-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    private let cell = "objective dvae noise salt_pepper 0.1 hidden [16] latent 4 epochs 2 batch 50 train_size 200 test_size 100 seed 3"

    func testCacheHitIsLabelledCached() throws {
        let dir = try temporaryDirectory()
        let (interp, sink) = makeInterpreter()
        try interp.run("""
        let d = load synthetic
        let a = experiment on d \(cell) cache "\(dir)"
        print a
        let b = experiment on d \(cell) cache "\(dir)"
        print b
        print a.cached, b.cached, a.bound == b.bound, a.key == b.key, len(a.key)
        b
        """, file: "cache.dvae")
        let texts = sink.texts
        XCTAssertEqual(texts.count, 4, sink.output)
        XCTAssertTrue(texts[0].hasPrefix("dvae K1 salt_pepper 0.1 mlp[16] seed 3: ELBO -"), texts[0])
        XCTAssertFalse(texts[0].contains("(cached)"), texts[0])
        XCTAssertTrue(texts[1].hasSuffix(" (cached)"), texts[1])
        XCTAssertEqual(texts[2], "false true true true 16")
        XCTAssertTrue(texts[3].hasSuffix(" (cached)"), "a bare result statement shows the label too: \(texts[3])")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertEqual(files.count, 2, "\(files)")
        XCTAssertTrue(files.contains { $0.hasSuffix(".json") } && files.contains { $0.hasSuffix(".safetensors") }, "\(files)")
        XCTAssertFalse(sink.progressLines.isEmpty, "training shows a progress line")
        XCTAssertTrue(sink.progressLines[0].hasPrefix("dvae K1 salt_pepper 0.1 mlp[16] seed 3  epoch 1/2  step "), sink.progressLines[0])
    }

    /// A cell's checkpoint carries every training setting `open` validates and `train` continues
    /// with (batch, schedule, non-finite rule, clipping): notebook 08 opens one. Before, `open` of a
    /// cell's checkpoint failed with "metadata 'batch' is ''".
    func testCellCheckpointOpensAndTrains() throws {
        let dir = try temporaryDirectory()
        let out = output(of: """
        let d = load synthetic
        let r = experiment on d \(cell) clip 5 cache "\(dir)"
        let m = open r.checkpoint
        let t = train m on d.train[0:100] epochs 1
        print t.epochs
        """)
        XCTAssertEqual(out.split(separator: "\n").last, "1", out)
    }

    func testOtherDataOfTheSameNameIsAnotherCell() throws {
        let dir = try temporaryDirectory()
        let out = output(of: """
        let d = load synthetic
        let e = load synthetic seed 5
        let a = experiment on d \(cell) cache "\(dir)"
        let b = experiment on e \(cell) cache "\(dir)"
        let c = experiment on (load synthetic) \(cell) cache "\(dir)"
        print b.cached, c.cached, a.key != b.key, a.key == c.key
        """)
        XCTAssertEqual(out, "false true true true")
    }

    func testAnotherSeedOrLevelIsAnotherCell() throws {
        let dir = try temporaryDirectory()
        let out = output(of: """
        let d = load synthetic
        let a = experiment on d \(cell) cache "\(dir)"
        let b = experiment on d objective dvae noise salt_pepper 0.1 hidden [16] latent 4 epochs 2 batch 50 train_size 200 test_size 100 seed 4 cache "\(dir)"
        let c = experiment on d objective dvae noise salt_pepper 0.2 hidden [16] latent 4 epochs 2 batch 50 train_size 200 test_size 100 seed 3 cache "\(dir)"
        print b.cached, c.cached, a.key != b.key, a.key != c.key, b.seed, c.level
        """)
        XCTAssertEqual(out, "false false true true 4 0.2")
    }

    func testResultMembers() throws {
        let dir = try temporaryDirectory()
        let out = output(of: """
        let d = load synthetic
        let r = experiment on d objective diwae K 3 noise salt_pepper 0 hidden [16] latent 4 epochs 2 batch 50 train_size 200 valid_size 50 test_size 100 iwae_extra 20 cache "\(dir)"
        print r.objective, r.K, r.level, r.noise, r.epochs, len(r.curve.train), len(r.curve.valid), r.skipped
        print r.bound.kind, r.bound.count, r.extra.kind, r.extra >= r.bound - 1, r.seconds >= 0, r.cached
        print r.config
        print r.checkpoint == "\(dir)/" + r.key + ".safetensors"
        let plain = experiment on d objective vae hidden [16] latent 4 epochs 1 train_size 100 test_size 50
        print plain.extra, plain.checkpoint, plain.noise, -plain.bound > 0
        print mean([r.bound plain.bound]) == (r.bound.value + plain.bound.value) / 2
        """)
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 6, out)
        XCTAssertEqual(lines[0], "diwae 3 0 salt_pepper 0 2 2 2 0")
        XCTAssertEqual(lines[1], "IWAE-3 100 IWAE-20 true true false")
        XCTAssertEqual(lines[2], "synthetic diwae K3 M1 salt_pepper 0.0 mlp[16]-4 2ep seed 1 +iwae-20")
        XCTAssertEqual(lines[3], "true")
        XCTAssertEqual(lines[4], "nothing nothing none true")
        XCTAssertEqual(lines[5], "true")
    }

    func testShowDrawsTheLearningCurve() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run("""
        let d = load synthetic
        show experiment on d hidden [8] latent 2 epochs 3 train_size 100 test_size 50
        """, file: "show.dvae")
        XCTAssertEqual(sink.plots.count, 1)
        XCTAssertEqual(sink.plots[0].series.first?.x.count, 3)
        XCTAssertTrue(sink.texts[0].hasPrefix("vae K1 mlp[8] seed 1: ELBO "), sink.output)
    }

    private let prelude = "let d = load synthetic\n"

    func testBadArgumentsGiveLocatedErrors() {
        assertError(prelude + "experiment", at: 2, 1, "`experiment` needs data")
        assertError(prelude + "experiment on d.train", at: 2, 15, "needs the train/valid/test splits", suggestion: "not `mnist.train`")
        assertError(prelude + "experiment on 3", at: 2, 15, "needs dataset splits (from `load`), got a number")
        assertError(prelude + "experiment d", at: 2, 12, "`experiment` has no argument `d`")
        assertError(prelude + "experiment on d objective dvae", at: 2, 27, "objective dvae needs a `noise`")
        assertError(prelude + "experiment on d objective dvea noise salt_pepper 0.1", at: 2, 27, "unknown objective `dvea`",
                    suggestion: "dvae")
        assertError(prelude + "experiment on d objective 3", at: 2, 27, "`objective` needs vae, iwae, dvae or diwae, got a number")
        assertError(prelude + "experiment on d objective vae noise salt_pepper 0.1", at: 2, 31, "does not corrupt its input")
        assertError(prelude + "experiment on d noise salt_pepper 1.5", at: 2, 35, "outside [0, 1]")
        assertError(prelude + "experiment on d train_size 99999", at: 2, 17, "`train_size` 99999 is more than the 2000 examples")
        assertError(prelude + "experiment on d test_size 0", at: 2, 27, "`test_size` cannot be less than 1")
        assertError(prelude + "experiment on d epochs 0", at: 2, 24, "`epochs` cannot be less than 1")
        assertError(prelude + "experiment on d objective vae M 2", at: 2, 31, "`M` counts corruptions")
        assertError(prelude + "experiment on d cache 3", at: 2, 23, "`cache` needs a directory name as a string")
        assertError(prelude + "experiment on d hidden [0]", at: 2, 24, "each size in `hidden` cannot be less than 1")
        assertError(prelude + "experiment on d encoder gru hidden []", at: 2, 29, "the GRU encoder needs a state size")
        assertError(prelude + "experiment on d epochs 1 lr -1", at: 2, 29, "`lr` must be positive")
        assertError(prelude + "experiment on d iwae_extra 200001", at: 2, 17, "too many")
        assertError(prelude + "experiment on d epoch 3", at: 2, 17, "`experiment` has no argument `epoch`", suggestion: "epochs")
    }

    func testUnwritableCacheIsLocated() throws {
        let dir = try temporaryDirectory()
        let file = dir + "/plain-file"
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        assertError(prelude + "experiment on d epochs 1 train_size 50 test_size 20 cache \"\(file)\"", at: 2, 59,
                    "cannot use the cache directory")
    }

    func testInterruptStopsTheCellAndItResumes() throws {
        let dir = try temporaryDirectory()
        let sink = InterruptingSink()
        let interp = Interpreter(sink: sink)
        sink.interpreter = interp
        XCTAssertThrowsError(try interp.run("""
        let d = load synthetic
        let r = experiment on d \(cell) cache "\(dir)"
        """, file: "stop.dvae")) { e in
            let message = (e as? ScriptError)?.message ?? "\(e)"
            XCTAssertTrue(message.hasPrefix("experiment interrupted (dvae K1 salt_pepper 0.1 mlp[16] seed 3); "
                                            + "a partial checkpoint after epoch 1 was kept in "), message)
            XCTAssertEqual((e as? ScriptError)?.line, 2)
        }
        XCTAssertFalse(interp.interrupt.isSet, "the flag is cleared")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
        XCTAssertEqual(files.filter { $0.hasSuffix(".json") }, [], "an interrupted cell is not a result")
        // Ctrl-C near the end of a short epoch lets it finish, so the cell can resume from there.
        XCTAssertEqual(files.filter { $0.hasSuffix(".partial.safetensors") }.count, 1, "\(files)")

        // Running it again resumes, and gives the numbers of an uninterrupted run.
        let fresh = try temporaryDirectory()
        let out = output(of: """
        let d = load synthetic
        let resumed = experiment on d \(cell) cache "\(dir)"
        let whole = experiment on d \(cell) cache "\(fresh)"
        print resumed.cached, resumed.epochs, resumed.bound == whole.bound, resumed.bound.se == whole.bound.se
        """)
        XCTAssertEqual(out, "false 2 true true")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".partial.safetensors") }, [],
                       "the partial checkpoint is removed once the cell is finished")
    }

    func testHelpHasAnExample() throws {
        let text = try Help.text(for: "experiment", at: nil)
        XCTAssertTrue(text.hasPrefix("experiment on DATA [objective OBJ]"), text)
        XCTAssertTrue(text.contains("example:\n  let mnist = load \"binarized_mnist\""), text)
        XCTAssertTrue(text.contains("cache DIR"), text)
        XCTAssertTrue(text.contains("(cached)"), text)
        XCTAssertLessThanOrEqual(text.split(separator: "\n").count, 30, "one screen")
    }
}

/// The table notebooks (07–09) in test mode: the smoke protocol runs, prints its table, and a
/// second run reuses every cell from the cache.
final class TableNotebookTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A directory holding the real data files, if this machine has one.
    private static var dataDirectory: String? {
        var places = [root.appendingPathComponent("data").path,
                      root.deletingLastPathComponent().appendingPathComponent("shared/data").path]
        if let d = ProcessInfo.processInfo.environment["DVAE_DATA"] { places.insert(d, at: 0) }
        return places.first { FileManager.default.fileExists(atPath: $0 + "/binarized_mnist_test.amat") }
    }

    private func run(_ name: String, cache: String) throws -> (NotebookRunner.Outcome, String) {
        let sink = CaptureSink()
        let options = InterpreterOptions(dataDirectory: Self.dataDirectory, testMode: true, variables: ["cache": cache])
        let runner = NotebookRunner(options: options, forward: sink)
        let notebook = try Notebook.load(path: Self.root.appendingPathComponent("notebooks/\(name)").path)
        return (try runner.run(notebook), sink.output)
    }

    func testGRUTableRunsAndReusesItsCells() throws {
        guard Self.dataDirectory != nil else { throw XCTSkip("the binarised MNIST files are not available") }
        let cache = NSTemporaryDirectory() + "dvae-table-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let (first, text1) = try run("09-table3-gru.md", cache: cache)
        XCTAssertTrue(first.succeeded, first.error?.description ?? "")
        XCTAssertTrue(text1.contains("8 cells computed now"), text1)
        XCTAssertTrue(text1.contains("Table 3 (quick protocol, textbook salt-and-pepper law"), text1)
        XCTAssertTrue(text1.contains("Some noise beats no noise in "), text1)
        XCTAssertFalse(text1.contains("(cached)\n"), text1)

        let (second, text2) = try run("09-table3-gru.md", cache: cache)
        XCTAssertTrue(second.succeeded, second.error?.description ?? "")
        XCTAssertTrue(text2.contains("0 cells computed now in 0.0 s; 8 cells reused from the cache"), text2)
        let cellLines = text2.split(separator: "\n").filter { $0.contains(" gru[200] seed 1: ") }
        XCTAssertEqual(cellLines.count, 8, text2)
        XCTAssertTrue(cellLines.allSatisfy { $0.hasSuffix("(cached)") }, text2)
        // The table itself is the same numbers.
        func table(_ t: String) -> String { String(t[t.range(of: "Table 3")!.lowerBound...]) }
        XCTAssertEqual(table(text1), table(text2))
    }
}
