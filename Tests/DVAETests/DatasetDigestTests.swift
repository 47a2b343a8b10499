import XCTest
@testable import DVAE

/// `Dataset.contentDigest`: the identity of the pixels a cache key records.
final class DatasetDigestTests: XCTestCase {
    func testEqualContentsGiveEqualDigestsWhateverTheName() {
        let a = DataLoader.synthetic(seed: 0, trainCount: 60, validCount: 10, testCount: 10).train
        let b = DataLoader.synthetic(seed: 0, trainCount: 60, validCount: 10, testCount: 10).train
        var renamed = b
        renamed.name = "other"
        XCTAssertEqual(a.contentDigest, b.contentDigest)
        XCTAssertEqual(a.contentDigest, renamed.contentDigest)
        XCTAssertEqual(a.contentDigest.count, 16)
        XCTAssertTrue(a.contentDigest.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    func testAnyChangeOfPixelsCountOrShapeChangesTheDigest() {
        let d = DataLoader.synthetic(seed: 0, trainCount: 60, validCount: 10, testCount: 10).train
        let other = DataLoader.synthetic(seed: 1, trainCount: 60, validCount: 10, testCount: 10).train
        XCTAssertNotEqual(d.contentDigest, other.contentDigest, "another generator seed, same name")
        XCTAssertNotEqual(d.contentDigest, d.slice(0..<59).contentDigest, "one image fewer")
        XCTAssertNotEqual(d.contentDigest, d.sample(30).contentDigest, "a subset")
        // One pixel, in a copy of the tensor (datasets are never mutated in place).
        let x = Tensor(rows: d.x.rows, cols: d.x.cols)
        x.copy(from: d.x)
        x.data[x.count - 1] = x.data[x.count - 1] == 0 ? 1 : 0
        XCTAssertNotEqual(d.contentDigest, Dataset(name: d.name, x: x, height: d.height, width: d.width, kind: d.kind).contentDigest)
        // The same pixels read as another shape or kind.
        XCTAssertEqual(d.dimension, 144)
        var reshaped = d
        (reshaped.height, reshaped.width) = (16, 9)
        XCTAssertNotEqual(d.contentDigest, reshaped.contentDigest)
        var continuous = d
        continuous.kind = d.kind == .binary ? .continuous : .binary
        XCTAssertNotEqual(d.contentDigest, continuous.contentDigest)
        // Replacing the tensor of a copy resets its cached digest, not the original's.
        var replaced = d
        let before = d.contentDigest
        replaced.x = other.x
        XCTAssertEqual(replaced.contentDigest, other.contentDigest)
        XCTAssertEqual(d.contentDigest, before)
    }
}
