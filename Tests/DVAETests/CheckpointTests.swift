import Foundation
import XCTest
@testable import DVAE

final class CheckpointTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws { dir = try makeTemporaryDirectory("ckpt") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// A small model-like parameter list with random values.
    private func parameters(seed: UInt64, hidden: Int = 3) -> [Parameter] {
        var rng = RNG(seed: seed)
        let shapes = [("encoder.layer0.weight", 4, hidden), ("encoder.layer0.bias", 1, hidden),
                      ("decoder.out.weight", hidden, 4), ("decoder.out.bias", 1, 4)]
        return shapes.map { name, r, c in
            let t = Tensor(rows: r, cols: c); rng.fillNormal(t)
            return Parameter(name: name, value: t)
        }
    }

    private func adamState(_ ps: [Parameter]) -> [String: Tensor] {
        var s: [String: Tensor] = [:]
        for p in ps {
            let m = p.value.copy(), v = p.value.copy()
            for i in 0..<m.count { m[i] *= 0.1; v[i] = v[i] * v[i] }
            s[Checkpoint.adamFirstMomentName(p.name)] = m
            s[Checkpoint.adamSecondMomentName(p.name)] = v
        }
        return s
    }

    func testRoundTripParametersOptimizerStateAndMetadata() throws {
        let ps = parameters(seed: 1)
        let path = dir + "/model.safetensors"
        let meta = [Checkpoint.MetadataKey.architecture: #"{"latent":2,"encoderHidden":[3]}"#,
                    Checkpoint.MetadataKey.corruption: Corruption.saltPepper(0.1).description,
                    Checkpoint.MetadataKey.seed: "7", Checkpoint.MetadataKey.epoch: "12",
                    Checkpoint.MetadataKey.adamStep: "600", "note": "quotes \" and \\ and\nnewlines, ünïcode"]
        try Checkpoint.save(parameters: ps, optimizerState: adamState(ps), metadata: meta, to: path)
        let loaded = try Checkpoint.load(from: path)
        for (k, v) in meta { XCTAssertEqual(loaded.metadata[k], v, k) }
        XCTAssertEqual(loaded.metadata["format"], "dvae-checkpoint")
        XCTAssertEqual(loaded.epoch, 12); XCTAssertEqual(loaded.seed, 7); XCTAssertEqual(loaded.adamStep, 600)
        XCTAssertEqual(loaded.parameterTensors.count, 4)
        XCTAssertEqual(loaded.optimizerState.count, 8)

        let fresh = parameters(seed: 2)
        try loaded.restore(into: fresh)
        for (a, b) in zip(ps, fresh) { XCTAssertEqual(a.value.array, b.value.array, a.name) }
        let moments = try XCTUnwrap(try Checkpoint.adamMoments(for: fresh, from: loaded.tensors))
        XCTAssertEqual(moments.m[2].array, adamState(ps)["adam.m.decoder.out.weight"]!.array)
        XCTAssertNil(try Checkpoint.adamMoments(for: fresh, from: loaded.parameterTensors))
        // Bit-exact floats, including special values.
        let special = Parameter(name: "s", value: Tensor(rows: 1, cols: 4, values: [.infinity, -0.0, 1e-40, .greatestFiniteMagnitude]))
        try Checkpoint.save(parameters: [special], to: path)
        XCTAssertEqual(try Checkpoint.load(from: path).tensors["s"]!.array.map(\.bitPattern), special.value.array.map(\.bitPattern))
    }

    func testMismatchedShapesLeaveParametersUnchanged() throws {
        let path = dir + "/m.safetensors"
        try Checkpoint.save(parameters: parameters(seed: 1, hidden: 3), to: path)
        let other = parameters(seed: 5, hidden: 5)
        let before = other.map { $0.value.array }
        XCTAssertThrowsError(try Checkpoint.load(from: path).restore(into: other)) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("'encoder.layer0.weight' is 4×3 in the checkpoint but 4×5 in the model"), m)
            XCTAssertTrue(m.contains("nothing was restored"), m)
        }
        XCTAssertEqual(other.map { $0.value.array }, before)
        // A missing parameter and an unexpected tensor are both reported; nothing is copied.
        var tensors = try Checkpoint.load(from: path).tensors
        tensors["decoder.out.bias"] = nil
        tensors["decoder.extra.weight"] = Tensor(rows: 1, cols: 1)
        let same = parameters(seed: 9, hidden: 3)
        let sameBefore = same.map { $0.value.array }
        XCTAssertThrowsError(try Checkpoint.restore(into: same, from: tensors)) { e in
            guard case let CheckpointError.incompatible(problems) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(problems.count, 2, "\(problems)")
        }
        XCTAssertEqual(same.map { $0.value.array }, sameBefore)
    }

    func testTruncatedAndCorruptFilesGiveClearErrors() throws {
        let path = dir + "/t.safetensors"
        try Checkpoint.save(parameters: parameters(seed: 1), to: path)
        let good = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        func expectError(_ bytes: [UInt8], _ fragment: String, line: UInt = #line) {
            let p = dir + "/bad.safetensors"
            FileManager.default.createFile(atPath: p, contents: Data(bytes))
            XCTAssertThrowsError(try Checkpoint.load(from: p), line: line) { e in
                XCTAssertTrue("\(e)".contains(fragment), "'\(e)' lacks '\(fragment)'", line: line)
                XCTAssertTrue("\(e)".contains(p), "\(e) does not name the file", line: line)
            }
        }
        expectError(Array(good.prefix(5)), "too short for the 8-byte header length")
        expectError(Array(good.dropLast(4)), "truncated file")  // data section shorter than the header says
        var huge = good; huge[5] = 0x7F
        expectError(huge, "exceeds")
        let headerLength = Int(good[0]) | Int(good[1]) << 8
        expectError(Array(good.prefix(8 + headerLength - 3)), "exceeds")
        var garbled = good; garbled[8] = UInt8(ascii: "x")
        expectError(garbled, "not valid JSON")

        func file(header: String, data: [UInt8]) -> [UInt8] {
            let h = Array(header.utf8)
            return (0..<8).map { UInt8((h.count >> (8 * $0)) & 255) } + h + data
        }
        let four = [UInt8](repeating: 0, count: 16)
        expectError(file(header: #"{"a":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]}}"#, data: four), "dtype 'F16'")
        expectError(file(header: #"{"a":{"dtype":"Q9","shape":[2,2],"data_offsets":[0,16]}}"#, data: four), "dtype 'Q9'")
        expectError(file(header: #"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,32]}}"#, data: four), "beyond the end")
        expectError(file(header: #"{"a":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2,1],"data_offsets":[4,12]}}"#, data: four), "overlap")
        expectError(file(header: #"{"a":{"dtype":"F32","shape":[3,1],"data_offsets":[0,16]}}"#, data: four), "needs 12 bytes")
        expectError(file(header: #"{"a":{"dtype":"F32","shape":[2,2,1],"data_offsets":[0,16]}}"#, data: four), "rank-3")
        expectError(file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, data: four), "gap of 8")
        expectError(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: four), "12 unused bytes")
        expectError(file(header: #"{"__metadata__":{"k":1}}"#, data: []), "not a string")
        expectError(file(header: #"[1,2]"#, data: []), "not a JSON object")
        expectError(file(header: #"{"a":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "dtype")
        // Rank 0/1, F64 and a plain safetensors file without metadata are read.
        let f64 = (0..<8).map { i in UInt8((Double(2.5).bitPattern >> (8 * UInt64(i))) & 255) }
        let ok = file(header: #"{"v":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"d":{"dtype":"F64","shape":[],"data_offsets":[8,16]}}"#,
                      data: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40] + f64)
        let p = dir + "/ok.safetensors"
        FileManager.default.createFile(atPath: p, contents: Data(ok))
        let loaded = try Checkpoint.load(from: p)
        XCTAssertEqual(loaded.tensors["v"]!.array, [1, 2]); XCTAssertEqual(loaded.tensors["v"]!.rows, 1)
        XCTAssertEqual(loaded.tensors["d"]!.array, [2.5])
        XCTAssertThrowsError(try Checkpoint.load(from: dir + "/nope.safetensors")) { e in
            XCTAssertTrue("\(e)".contains("nope.safetensors"), "\(e)")
        }
    }

    func testAtomicWriteLeavesNoTemporaryFilesAndKeepsOldFileOnFailure() throws {
        let path = dir + "/a.safetensors"
        let ps = parameters(seed: 1)
        for _ in 0..<3 { try Checkpoint.save(parameters: ps, optimizerState: adamState(ps), to: path) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.safetensors"])
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        // Invalid input fails before touching the file; so does an unwritable directory.
        let dup = [Parameter(name: "w", value: Tensor(rows: 1, cols: 1)), Parameter(name: "w", value: Tensor(rows: 1, cols: 1))]
        XCTAssertThrowsError(try Checkpoint.save(parameters: dup, to: path))
        XCTAssertThrowsError(try Checkpoint.save(parameters: ps, optimizerState: ["encoder.layer0.bias": Tensor(rows: 1, cols: 1)], to: path))
        XCTAssertThrowsError(try Checkpoint.save(parameters: ps, to: dir + "/missing-dir/x.safetensors")) { e in
            XCTAssertTrue("\(e)".contains("missing-dir"), "\(e)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.safetensors"])
        // Header is 8-byte aligned and the file length matches the header.
        let bytes = Array(before)
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual((8 + n) % 8, 0)
    }

    /// Writes a checkpoint for the numpy snippet of docs/checkpoint.md when `DVAE_CHECKPOINT_SAMPLE`
    /// names a path (used to verify the documentation; otherwise does nothing).
    func testWriteSampleForDocumentation() throws {
        guard let path = ProcessInfo.processInfo.environment["DVAE_CHECKPOINT_SAMPLE"] else { return }
        let ps = parameters(seed: 1)
        try Checkpoint.save(parameters: ps, optimizerState: adamState(ps),
                            metadata: [Checkpoint.MetadataKey.epoch: "3", Checkpoint.MetadataKey.adamStep: "150"], to: path)
        try (ps.map { "\($0.name) \($0.value.rows) \($0.value.cols) \($0.value.array.map { String($0) }.joined(separator: " "))" }
            .joined(separator: "\n")).write(toFile: path + ".txt", atomically: true, encoding: .utf8)
    }
}

/// `writeFileAtomically` replaces regular files only: never a device, pipe or directory.
final class AtomicFileTargetTests: XCTestCase {
    func testDevicesPipesAndDirectoriesAreNeverReplaced() throws {
        let dir = NSTemporaryDirectory() + "dvae-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertThrowsError(try writeFileAtomically([1, 2, 3], to: fifo)) { e in
            XCTAssertTrue("\(e)".contains("not a regular file"), "\(e)")
        }
        var st = stat()
        XCTAssertEqual(stat(fifo, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO, "the pipe is still a pipe")
        XCTAssertThrowsError(try writeFileAtomically([1], to: dir)) { e in
            XCTAssertTrue("\(e)".contains("directory"), "\(e)")
        }
        // The character device every process relies on: refused before anything is created.
        XCTAssertThrowsError(try writeFileAtomically([1], to: "/dev/null"))
        XCTAssertEqual(stat("/dev/null", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")
        // A regular file is still replaced.
        let file = dir + "/f"
        try writeFileAtomically([1], to: file)
        try writeFileAtomically([2, 3], to: file)
        XCTAssertEqual(FileManager.default.contents(atPath: file), Data([2, 3]))
    }
}
