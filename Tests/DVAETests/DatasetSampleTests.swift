import XCTest
@testable import DVAE

final class DatasetSampleTests: XCTestCase {
    /// A dataset whose row i is filled with the value i, so a sample tells which rows it took.
    private func numbered(_ n: Int) -> Dataset {
        let x = Tensor(rows: n, cols: 4)
        for i in 0..<n { for j in 0..<4 { x[i, j] = Float(i) } }
        return Dataset(name: "numbered", x: x, height: 2, width: 2, kind: .continuous)
    }

    func testSampleIsSeededWithoutReplacementAndSpreadOverTheSplit() {
        let d = numbered(1000)
        let a = d.sample(100, seed: 3), b = d.sample(100, seed: 3), c = d.sample(100, seed: 4)
        let rows = (0..<100).map { Int(a.x[$0, 0]) }
        XCTAssertEqual(rows, (0..<100).map { Int(b.x[$0, 0]) }, "same seed, same subset")
        XCTAssertNotEqual(rows, (0..<100).map { Int(c.x[$0, 0]) }, "another seed, another subset")
        XCTAssertEqual(Set(rows).count, 100, "drawn without replacement")
        // A sorted file must not give one class: the rows come from all over the split.
        XCTAssertGreaterThan(rows.filter { $0 >= 500 }.count, 25)
        XCTAssertGreaterThan(rows.filter { $0 < 500 }.count, 25)
        XCTAssertEqual(d.sample(5000).count, 1000, "asking for more than there is gives everything")
    }

    /// `load "binarized_mnist" subset 10000` once returned the sorted test split unshuffled,
    /// because a sample as large as the split was the split itself: its first 16 were all 0s.
    func testSampleOfTheWholeSplitIsAShuffledPermutation() {
        let d = numbered(1000)
        for n in [1000, 5000] {
            let all = d.sample(n, seed: 3)
            let rows = (0..<all.count).map { Int(all.x[$0, 0]) }
            XCTAssertEqual(all.count, 1000)
            XCTAssertEqual(Set(rows), Set(0..<1000), "every row exactly once")
            XCTAssertNotEqual(rows, Array(0..<1000), "a permutation, not the file order")
            // The first rows are spread over the split, as in any smaller sample.
            XCTAssertGreaterThan(rows[0..<100].filter { $0 >= 500 }.count, 25)
            XCTAssertGreaterThan(rows[0..<100].filter { $0 < 500 }.count, 25)
            // The same seed gives the same order, and a smaller sample is its prefix.
            XCTAssertEqual(rows, (0..<1000).map { Int(d.sample(n, seed: 3).x[$0, 0]) })
            XCTAssertEqual((0..<100).map { Int(d.sample(100, seed: 3).x[$0, 0]) }, Array(rows[0..<100]))
        }
    }
}

final class IDXShapeTests: XCTestCase {
    func testZeroSizedImagesAreRejected() {
        // magic 0x00000803, then count 2, rows 0, cols 0: a header that once loaded as 0-pixel data.
        let bytes: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]
        XCTAssertThrowsError(try DataLoader.parseIDX(bytes, path: "zero.idx", name: "zero", binarize: false)) { error in
            XCTAssertTrue("\(error)".contains("both must be positive"), "\(error)")
        }
    }
}
