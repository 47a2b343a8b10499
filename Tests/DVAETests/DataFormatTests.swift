import Foundation
import XCTest
@testable import DVAE

/// File formats on small files written by the tests: .amat, IDX, MAT; malformed inputs.
final class DataFormatTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws { dir = try makeTemporaryDirectory("data") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    private func write(_ name: String, _ bytes: [UInt8]) -> String {
        let path = dir + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    private func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    func testAmatSmallFileBlankLinesAndContinuousValues() throws {
        let path = write("small.amat", "0 1 1 0\n\n1 1 0 0\r\n0 0 0 1")  // CRLF, blank line, no final newline
        let d = try DataLoader.amat(path: path, name: "small", height: 2, width: 2)
        XCTAssertEqual(d.count, 3)
        XCTAssertEqual(d.x.array, [0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1])
        XCTAssertEqual(d.kind, .binary)
        let grey = try DataLoader.amat(path: write("grey.amat", "0.25 1\t0 0.5\n"), name: "g", height: 1, width: 4)
        XCTAssertEqual(grey.x.array, [0.25, 1, 0, 0.5])
        XCTAssertEqual(grey.kind, .continuous)
    }

    func testAmatMalformedLinesNamePathAndLine() throws {
        let short = write("short.amat", "0 1 1 0\n1 1 0\n")
        XCTAssertThrowsError(try DataLoader.amat(path: short, name: "s", height: 2, width: 2)) { e in
            XCTAssertEqual("\(e)", "\(short):2: expected 4 values, found 3")
        }
        let bad = write("bad.amat", "0 1 1 0\n0 1 x 0\n")
        XCTAssertThrowsError(try DataLoader.amat(path: bad, name: "b", height: 2, width: 2)) { e in
            XCTAssertEqual("\(e)", "\(bad):2: value 3 is 'x', expected a number in [0, 1]")
        }
        let big = write("big.amat", "0 1 2 0\n")
        XCTAssertThrowsError(try DataLoader.amat(path: big, name: "b", height: 2, width: 2)) { e in
            XCTAssertTrue("\(e)".contains(":1: value 3 is '2'"), "\(e)")
        }
        let empty = write("empty.amat", "\n\n")
        XCTAssertThrowsError(try DataLoader.amat(path: empty, name: "e")) { e in
            XCTAssertTrue("\(e)".contains("no data lines"), "\(e)")
        }
        // A real-size line with one value missing reports 783.
        let line = Array(repeating: "0", count: 783).joined(separator: " ")
        let mnistLike = write("m.amat", line + "\n")
        XCTAssertThrowsError(try DataLoader.amat(path: mnistLike, name: "m")) { e in
            XCTAssertTrue("\(e)".hasSuffix(":1: expected 784 values, found 783"), "\(e)")
        }
    }

    /// An IDX image file with the given big-endian header and pixels.
    private func idxBytes(count: Int, rows: Int, cols: Int, pixels: [UInt8]) -> [UInt8] {
        func be(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
        return [0, 0, 8, 3] + be(count) + be(rows) + be(cols) + pixels
    }

    func testIDXImagesScaledAndBinarized() throws {
        let pixels: [UInt8] = [0, 127, 128, 255, 51, 204, 10, 250, 0, 0, 255, 255]  // 2 images of 2×3
        let path = write("tiny-idx3-ubyte", idxBytes(count: 2, rows: 2, cols: 3, pixels: pixels))
        let d = try DataLoader.idx(imagesPath: path, name: "tiny", binarize: false)
        XCTAssertEqual(d.count, 2); XCTAssertEqual(d.height, 2); XCTAssertEqual(d.width, 3)
        XCTAssertEqual(d.kind, .continuous)
        for i in 0..<12 { XCTAssertEqual(d.x[i], Float(pixels[i]) / 255, accuracy: 1e-7) }
        let b = try DataLoader.idx(imagesPath: path, name: "tiny", binarize: true)
        XCTAssertEqual(b.kind, .binary)
        XCTAssertEqual(b.x.array, [0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1])
        let loaded = try DataLoader.load(name: path)
        XCTAssertEqual(loaded.train.count, 2)
        XCTAssertEqual(loaded.test.count, 0)
    }

    func testIDXErrors() throws {
        let truncated = write("t-idx3-ubyte", idxBytes(count: 2, rows: 2, cols: 3, pixels: [1, 2, 3]))
        XCTAssertThrowsError(try DataLoader.idx(imagesPath: truncated, name: "t")) { e in
            XCTAssertTrue("\(e)".contains("header says 2 images of 2×3"), "\(e)")
        }
        let labels = write("l-idx1-ubyte", [0, 0, 8, 1, 0, 0, 0, 1, 7])
        XCTAssertThrowsError(try DataLoader.idx(imagesPath: labels, name: "l")) { e in
            XCTAssertTrue("\(e)".contains("label file"), "\(e)")
        }
        // A gzip file is decompressed first; a truncated or corrupt one says so.
        let gz = write("g-idx3-ubyte.gz", [0x1F, 0x8B, 8, 0])
        XCTAssertThrowsError(try DataLoader.idx(imagesPath: gz, name: "g")) { e in
            XCTAssertTrue("\(e)".contains("gzip data ends early"), "\(e)")
        }
        var corrupt = gzipped(idxBytes(count: 1, rows: 2, cols: 2, pixels: [1, 2, 3, 4]))
        corrupt[12] ^= 0xFF
        XCTAssertThrowsError(try DataLoader.idx(imagesPath: write("c-idx3-ubyte.gz", corrupt), name: "c")) { e in
            XCTAssertTrue("\(e)".contains("gzip"), "\(e)")
        }
        let magic = write("m-idx3-ubyte", [1, 2, 3, 4, 5])
        XCTAssertThrowsError(try DataLoader.idx(imagesPath: magic, name: "m")) { e in
            XCTAssertTrue("\(e)".contains("bad IDX magic 01 02 03 04"), "\(e)")
        }
    }

    // MARK: - MAT files

    private func le32(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255), UInt8(v >> 16 & 255), UInt8(v >> 24 & 255)] }
    private func pad8(_ b: [UInt8]) -> [UInt8] { b + [UInt8](repeating: 0, count: (8 - b.count % 8) % 8) }

    /// A little-endian level-5 MAT file holding one matrix variable.
    private func matBytes(name: String, classID: Int = 9, dims: [Int], storage: Int = 2, data: [UInt8],
                          version: String = "MATLAB 5.0 MAT-file, test") -> [UInt8] {
        var header = Array(version.utf8) + [UInt8](repeating: 0x20, count: 116 - version.utf8.count)
        header += [UInt8](repeating: 0, count: 8) + [0, 1] + Array("IM".utf8)
        var body: [UInt8] = le32(6) + le32(8) + le32(classID) + le32(0)           // array flags
        body += le32(5) + le32(4 * dims.count) + pad8(dims.flatMap(le32))         // dimensions
        let n = Array(name.utf8)
        if n.count <= 4 {                                                         // small data element
            body += [1, 0, UInt8(n.count), 0] + n + [UInt8](repeating: 0, count: 4 - n.count)
        } else {
            body += le32(1) + le32(n.count) + pad8(n)
        }
        body += le32(storage) + le32(data.count) + pad8(data)                    // real part
        return header + le32(14) + le32(body.count) + body
    }

    /// Frey-shaped pixels: image j's pixel k is (j + k) % 256.
    private func freyPixels() -> [UInt8] {
        var p = [UInt8](repeating: 0, count: 560 * 1965)
        for j in 0..<1965 { for k in 0..<560 { p[j * 560 + k] = UInt8((j + k) % 256) } }
        return p
    }

    func testFreyFaceFromGeneratedMATFile() throws {
        let path = write("ff.mat", matBytes(name: "ff", dims: [560, 1965], data: freyPixels()))
        let d = try DataLoader.freyFace(path: path)
        XCTAssertEqual(d.count, 1965)
        XCTAssertEqual(d.height, 28); XCTAssertEqual(d.width, 20)
        // Column j of the matrix is image j, stored as consecutive pixels.
        XCTAssertEqual(d.x[3, 7], Float(10) / 255, accuracy: 1e-7)
        XCTAssertEqual(d.x[300, 559], Float((300 + 559) % 256) / 255, accuracy: 1e-7)
    }

    func testFreyFaceErrorsNameWhatWasFound() throws {
        let wrongName = write("a.mat", matBytes(name: "faces", dims: [560, 1965], data: freyPixels()))
        XCTAssertThrowsError(try DataLoader.freyFace(path: wrongName)) { e in
            XCTAssertTrue("\(e)".contains("no variable 'ff'; found 'faces'"), "\(e)")
        }
        let wrongClass = write("b.mat", matBytes(name: "ff", classID: 6, dims: [560, 1965], data: freyPixels()))
        XCTAssertThrowsError(try DataLoader.freyFace(path: wrongClass)) { e in
            XCTAssertTrue("\(e)".contains("class double, expected uint8"), "\(e)")
        }
        let wrongShape = write("c.mat", matBytes(name: "ff", dims: [1965, 560], data: freyPixels()))
        XCTAssertThrowsError(try DataLoader.freyFace(path: wrongShape)) { e in
            XCTAssertTrue("\(e)".contains("'ff' is 1965 × 560, expected 560 × 1965"), "\(e)")
        }
        var compressedBytes = Array(matBytes(name: "ff", dims: [1, 1], data: [0]).prefix(128))
        compressedBytes += le32(15) + le32(4) + [1, 2, 3, 4]
        XCTAssertThrowsError(try DataLoader.freyFace(path: write("d.mat", compressedBytes))) { e in
            XCTAssertTrue("\(e)".contains("compressed MAT files"), "\(e)")
        }
        let v73 = write("e.mat", matBytes(name: "ff", dims: [1, 1], data: [0], version: "MATLAB 7.3 MAT-file, HDF5"))
        XCTAssertThrowsError(try DataLoader.freyFace(path: v73)) { e in
            XCTAssertTrue("\(e)".contains("v7.3"), "\(e)")
        }
        let full = matBytes(name: "ff", dims: [560, 1965], data: freyPixels())
        let truncated = write("f.mat", Array(full.prefix(5000)))
        XCTAssertThrowsError(try DataLoader.freyFace(path: truncated)) { e in
            XCTAssertTrue("\(e)".contains("truncated"), "\(e)")
        }
        XCTAssertThrowsError(try DataLoader.freyFace(path: write("g.mat", "hello"))) { e in
            XCTAssertTrue("\(e)".contains("too short"), "\(e)")
        }
    }
}
