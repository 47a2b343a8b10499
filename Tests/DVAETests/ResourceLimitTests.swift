import Foundation
import XCTest
@testable import DVAE

/// The memory budget, checked size arithmetic, safe file reading and the size checks of the
/// loaders and checkpoints (issue 10: nothing may trap, hang or exhaust memory).
final class ResourceLimitTests: XCTestCase {
    private var dir: String!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("dvae-limits-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testCheckedProductsReportOverflowAndNegatives() {
        XCTAssertEqual(ByteCount.product(3, 4, 5), 60)
        XCTAssertNil(ByteCount.product(1 << 31, 1 << 31, 1 << 31))
        XCTAssertNil(ByteCount.product(2147483648, 1073741824, 4))
        XCTAssertNil(ByteCount.product(5, -1))
        XCTAssertEqual(ByteCount.product([]), 1)
        XCTAssertNil(ByteCount.sum([Int.max, 1]))
        XCTAssertNil(ByteCount.sum([1, nil]))
        XCTAssertEqual(ByteCount.floats(10), 40)
    }

    func testBudgetParsesSizesAndNamesBothNumbers() {
        XCTAssertEqual(MemoryBudget.parse("8G"), 8 << 30)
        XCTAssertEqual(MemoryBudget.parse("512m"), 512 << 20)
        XCTAssertEqual(MemoryBudget.parse("1.5GiB"), 3 << 29)
        XCTAssertEqual(MemoryBudget.parse("4096"), 4096)
        XCTAssertNil(MemoryBudget.parse("-1G"))
        XCTAssertNil(MemoryBudget.parse("lots"))
        XCTAssertNil(MemoryBudget.parse("1e30"))
        let budget = MemoryBudget(limit: 1 << 30)
        XCTAssertNoThrow(try budget.check(1 << 30, for: "x"))
        XCTAssertThrowsError(try budget.check((1 << 30) + 1, for: "the model")) { error in
            XCTAssertEqual("\(error)", "the model would need 1.0 GiB, more than the memory limit of 1.0 GiB")
        }
        XCTAssertThrowsError(try budget.check(nil, for: "the model")) { error in
            XCTAssertTrue("\(error)".contains("more than 8 EiB"), "\(error)")
        }
        XCTAssertGreaterThan(MemoryBudget.default.limit, 0)
        XCTAssertLessThanOrEqual(MemoryBudget.default.limit, MemoryBudget.physicalMemory)
    }

    /// The shapes computed from a configuration are exactly the model's parameters (so a
    /// checkpoint can be checked against them, and the model measured, before building it).
    func testParameterShapesMatchTheBuiltModel() {
        let configs = [
            ModelConfig(),
            ModelConfig(inputSize: 16, height: 4, width: 4, encoderHidden: [], latent: 2, decoder: .gaussian, decoderHidden: []),
            ModelConfig(inputSize: 12, height: 3, width: 4, encoderHidden: [5, 7], latent: 3, decoderHidden: [6]),
            ModelConfig(inputSize: 12, height: 3, width: 4, encoder: .gru, encoderHidden: [6], latent: 2, decoderHidden: [5, 4]),
        ] + DecoderKind.allCases.map {     // every decoder, so a new likelihood's heads are counted
            ModelConfig(inputSize: 12, height: 3, width: 4, encoderHidden: [5], latent: 2, decoder: $0, decoderHidden: [6])
        }
        for config in configs {
            let model = VAEModel(config: config, seed: 1)
            let built = model.parameters.map { ModelConfig.ParameterShape(name: $0.name, rows: $0.value.rows, cols: $0.value.cols) }
            XCTAssertEqual(config.parameterShapes, built, "\(config)")
            XCTAssertEqual(config.parameterCountIfValid, model.parameterCount)
            XCTAssertEqual(config.trainingStateBytes, model.parameterCount * 16)
        }
        let huge = ModelConfig(encoderHidden: [Int.max / 2, Int.max / 2])
        XCTAssertNil(huge.parameterCountIfValid)
        XCTAssertNil(huge.trainingStateBytes)
        XCTAssertNil(ModelConfig().activationBytes(rows: Int.max / 2))
    }

    func testAFIFOIsRefusedWithoutBlocking() throws {
        let fifo = dir + "/x.amat"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        XCTAssertThrowsError(try DataLoader.load(name: fifo)) { error in
            XCTAssertEqual(error as? DataError, .unreadable(path: fifo, reason: "it is a named pipe (FIFO), not a regular file"))
        }
        XCTAssertThrowsError(try SafeTensors.read(from: fifo)) { error in
            XCTAssertTrue("\(error)".contains("named pipe"), "\(error)")
        }
    }

    func testADirectoryWithADataNameIsSaidToBeADirectory() throws {
        try FileManager.default.createDirectory(atPath: dir + "/d.amat", withIntermediateDirectories: true)
        XCTAssertThrowsError(try DataLoader.load(name: "d.amat", locator: DataLocator(directories: [dir]))) { error in
            XCTAssertEqual(error as? DataError, .unreadable(path: dir + "/d.amat", reason: "it is a directory, not a regular file"))
        }
        XCTAssertThrowsError(try RegularFile.read("/dev/zero")) { error in   // a device: never read to its "end"
            XCTAssertTrue("\(error)".contains("character device"), "\(error)")
        }
    }

    func testExtensionsAreCaseInsensitive() throws {
        let row = (0..<784).map { $0 % 2 == 0 ? "1" : "0" }.joined(separator: " ")
        try (row + "\n" + row + "\n").write(toFile: dir + "/X.AMAT", atomically: true, encoding: .utf8)
        let splits = try DataLoader.load(name: "X.AMAT", locator: DataLocator(directories: [dir]))
        XCTAssertEqual(splits.train.count, 2)
        XCTAssertEqual(splits.name, "X")
    }

    /// A file of newlines used to allocate a 784-float row per newline.
    func testAnAmatOfNewlinesAllocatesNothingAndSaysSo() throws {
        let bytes = [UInt8](repeating: 0x0A, count: 1_000_000)
        let tight = MemoryBudget(limit: 4 << 20)
        XCTAssertThrowsError(try bytes.withUnsafeBufferPointer { try DataLoader.parseAmat($0, path: "n.amat", columns: 784, budget: tight) }) { error in
            XCTAssertTrue("\(error)".contains("no data lines"), "\(error)")
        }
        // Two real rows in a big file of blank lines still load within a small budget.
        let row = Array(((0..<784).map { _ in "1" }.joined(separator: " ") + "\n").utf8)
        let mixed = row + bytes + row
        let (x, binary) = try mixed.withUnsafeBufferPointer { try DataLoader.parseAmat($0, path: "m.amat", columns: 784, budget: tight) }
        XCTAssertEqual(x.rows, 2)
        XCTAssertTrue(binary)
    }

    func testAnIDXHeaderClaimingHugeSizesIsAnErrorNotATrap() throws {
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
        let header = [0, 0, 8, 3] + be32(0x8000_0000) + be32(0x8000_0000) + be32(0x8000_0000)
        XCTAssertThrowsError(try DataLoader.parseIDX(header, path: "big", name: "big", binarize: false)) { error in
            XCTAssertTrue("\(error)".contains("header says 2147483648 images of 2147483648×2147483648 (more bytes than can be counted)"), "\(error)")
        }
        // Consistent with its length but beyond the budget: refused before allocating.
        let ok = [0, 0, 8, 3] + be32(4) + be32(28) + be32(28) + [UInt8](repeating: 0, count: 4 * 784)
        XCTAssertThrowsError(try DataLoader.parseIDX(ok, path: "ok", name: "ok", binarize: false, budget: MemoryBudget(limit: 1000))) { error in
            XCTAssertTrue(error is ResourceError, "\(error)")
        }
        XCTAssertEqual(try DataLoader.parseIDX(ok, path: "ok", name: "ok", binarize: false).count, 4)
    }

    func testASafetensorsShapeWhoseByteCountOverflowsIsAnError() throws {
        let header = #"{"w":{"dtype":"F32","shape":[2147483648,1073741824],"data_offsets":[0,8]}}"#
        var bytes = [UInt8](repeating: 0, count: 8)
        for i in 0..<8 { bytes[i] = UInt8((header.utf8.count >> (8 * i)) & 255) }
        bytes += Array(header.utf8) + [UInt8](repeating: 0, count: 8)
        XCTAssertThrowsError(try SafeTensors.parse(bytes, source: "h.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("needs more than 2⁶³ bytes"), "\(error)")
        }
    }

    func testACheckpointIsCheckedAgainstItsArchitectureBeforeBuilding() throws {
        let small = ModelConfig(inputSize: 16, height: 4, width: 4, encoderHidden: [4], latent: 2, decoderHidden: [4])
        let model = VAEModel(config: small, seed: 1)
        let path = dir + "/m.safetensors"
        try Checkpoint.save(parameters: model.parameters, metadata: [Checkpoint.MetadataKey.epoch: "-5"], to: path)
        let loaded = try Checkpoint.load(from: path)
        XCTAssertNoThrow(try loaded.check(against: small))
        var big = small
        big.encoderHidden = [100_000]
        XCTAssertThrowsError(try loaded.check(against: big)) { error in
            XCTAssertTrue("\(error)".contains("'encoder.layer0.weight' is 4×16 in the checkpoint but the architecture in its metadata needs 100000×16"), "\(error)")
        }
        XCTAssertThrowsError(try loaded.validatedEpoch()) { error in
            XCTAssertTrue("\(error)".contains("metadata 'epoch' is '-5'"), "\(error)")
        }
        for bad in [String(Int.max), "1e3", "three", "1000000001"] {
            let l = LoadedCheckpoint(path: "p", tensors: [:], metadata: [Checkpoint.MetadataKey.epoch: bad])
            XCTAssertThrowsError(try l.validatedEpoch(), bad)
        }
        XCTAssertEqual(try LoadedCheckpoint(path: "p", tensors: [:], metadata: [:]).validatedEpoch(), 0)
    }

    func testStaleTemporaryFilesAreRemovedOnTheNextSave() throws {
        // A temporary file of a writer that no longer exists (pid 2³¹−2 is never running), one of a
        // running process (this one's parent), and an unrelated dot file.
        let stale = dir + "/.m.safetensors.tmp-2147483646-1f2e"
        let live = dir + "/.other.safetensors.tmp-\(getppid())-abc"
        let unrelated = dir + "/.m.safetensors.tmp-notes"
        for path in [stale, live, unrelated] { FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3])) }
        XCTAssertEqual(temporaryFileWriter(".m.safetensors.tmp-2147483646-1f2e"), 2147483646)
        XCTAssertNil(temporaryFileWriter(".m.safetensors.tmp-notes"))
        XCTAssertNil(temporaryFileWriter("m.safetensors.tmp-12-ab"))
        let model = VAEModel(config: ModelConfig(inputSize: 4, height: 2, width: 2, encoderHidden: [], latent: 1, decoderHidden: []), seed: 1)
        try Checkpoint.save(parameters: model.parameters, to: dir + "/m.safetensors")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        XCTAssertEqual(left, ["m.safetensors", ".other.safetensors.tmp-\(getppid())-abc", ".m.safetensors.tmp-notes"])
    }
}
