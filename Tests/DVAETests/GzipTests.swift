import CZlib
import Foundation
import XCTest
@testable import DVAE

/// `bytes` compressed as a gzip file by zlib (the writer the test has; `gunzip` is the reader
/// under test).
func gzipped(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    precondition(deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                               ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    defer { deflateEnd(&stream) }
    var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
    var input = bytes
    let produced: Int = input.withUnsafeMutableBufferPointer { i in
        out.withUnsafeMutableBufferPointer { o in
            stream.next_in = i.baseAddress
            stream.avail_in = UInt32(i.count)
            stream.next_out = o.baseAddress
            stream.avail_out = UInt32(o.count)
            precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
            return o.count - Int(stream.avail_out)
        }
    }
    return Array(out[0..<produced])
}

final class GzipTests: XCTestCase {
    func testRoundTripAcrossChunksAndMembers() throws {
        var rng = RNG(seed: 4)
        // More than one 1 MiB output chunk, partly compressible.
        let payload = (0..<(3 << 20)).map { i in i % 7 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : UInt8(i % 251) }
        XCTAssertEqual(try gunzip(gzipped(payload), path: "p.gz"), payload)
        // Concatenated members are one valid gzip file.
        let two = gzipped([1, 2, 3]) + gzipped([4, 5])
        XCTAssertEqual(try gunzip(two, path: "two.gz"), [1, 2, 3, 4, 5])
        XCTAssertEqual(try gunzip(gzipped([]), path: "empty.gz"), [])
    }

    func testTruncatedCorruptAndOversizedInputsAreErrors() {
        let good = gzipped(Array(repeating: 7, count: 100_000))
        XCTAssertThrowsError(try gunzip(Array(good.dropLast(20)), path: "t.gz")) { e in
            XCTAssertTrue("\(e)".contains("t.gz") && "\(e)".contains("ends early"), "\(e)")
        }
        var bad = good
        bad[15] ^= 0x55
        XCTAssertThrowsError(try gunzip(bad, path: "c.gz")) { e in XCTAssertTrue("\(e)".contains("gzip"), "\(e)") }
        // A small file that expands past the memory budget fails with the budget's error.
        XCTAssertThrowsError(try gunzip(good, path: "bomb.gz", budget: MemoryBudget(limit: 10_000))) { e in
            XCTAssertTrue(e is ResourceError, "\(e)")
        }
    }
}
