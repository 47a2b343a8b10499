import Foundation
import XCTest
@testable import DVAE

/// Loading the real data files (skipped when they are not on this machine).
final class DataLoaderTests: XCTestCase {
    private func dataDir() throws -> String {
        guard let dir = sharedDataDirectory() else {
            throw XCTSkip("shared data directory (../shared/data or $DVAE_DATA) not found")
        }
        return dir
    }

    func testBinarizedMNISTShapesValuesAndSpeed() throws {
        let dir = try dataDir()
        let start = Date()
        let train = try DataLoader.amat(path: dir + "/binarized_mnist_train.amat", name: "train")
        let seconds = Date().timeIntervalSince(start)
        print("binarized_mnist_train.amat (78 MB) loaded in \(String(format: "%.3f", seconds)) s")
        XCTAssertEqual(train.count, 50_000)
        XCTAssertEqual(train.dimension, 784)
        XCTAssertEqual(train.height, 28)
        XCTAssertEqual(train.width, 28)
        XCTAssertEqual(train.kind, .binary)
        XCTAssertEqual(train.pixelMean, 0.13, accuracy: 0.01)
        for i in 0..<train.x.count where train.x[i] != 0 && train.x[i] != 1 {
            XCTFail("non-binary value \(train.x[i]) at \(i)"); break
        }
        XCTAssertLessThan(seconds, 10, "parsing is far slower than expected")

        let splits = try DataLoader.binarizedMNIST(locator: DataLocator(directories: [dir]))
        XCTAssertEqual(splits.train.count, 50_000)
        XCTAssertEqual(splits.valid.count, 10_000)
        XCTAssertEqual(splits.test.count, 10_000)
        XCTAssertEqual(splits.test.name, "binarized_mnist.test")
        XCTAssertEqual(try splits.split(named: "valid").count, 10_000)
        XCTAssertThrowsError(try splits.split(named: "dev"))
        XCTAssertEqual(splits.train.x.row(0), train.x.row(0))
    }

    func testFreyFaceShapesValuesAndSplit() throws {
        let dir = try dataDir()
        let all = try DataLoader.freyFace(path: dir + "/frey_rawface.mat")
        XCTAssertEqual(all.count, 1965)
        XCTAssertEqual(all.dimension, 560)
        XCTAssertEqual(all.height, 28)
        XCTAssertEqual(all.width, 20)
        XCTAssertEqual(all.kind, .continuous)
        var lo: Float = 1, hi: Float = 0
        for i in 0..<all.x.count { lo = min(lo, all.x[i]); hi = max(hi, all.x[i]) }
        XCTAssertGreaterThanOrEqual(lo, 0)
        XCTAssertLessThanOrEqual(hi, 1)
        XCTAssertGreaterThan(all.pixelMean, 0.2)
        XCTAssertLessThan(all.pixelMean, 0.9)
        // Row-major 28 × 20 inside each image: pixel k + 20 is the vertical neighbour of pixel k,
        // so it is much closer in value than pixel k + 28 (which would be the neighbour if the
        // images were stored transposed, 20 × 28).
        func meanAbsDifference(lag: Int) -> Double {
            var s = 0.0, n = 0
            for i in 0..<all.count { for k in 0..<(560 - lag) { s += Double(abs(all.x[i, k] - all.x[i, k + lag])); n += 1 } }
            return s / Double(n)
        }
        XCTAssertLessThan(meanAbsDifference(lag: 20) * 2, meanAbsDifference(lag: 28))
        let splits = try DataLoader.freyFace(locator: DataLocator(directories: [dir]))
        XCTAssertEqual([splits.train.count, splits.valid.count, splits.test.count], [1565, 200, 200])
        XCTAssertEqual(splits.valid.x.row(0), all.x.row(1565))
        XCTAssertEqual(splits.test.x.row(199), all.x.row(1964))
        let byPath = try DataLoader.load(name: dir + "/frey_rawface.mat")
        XCTAssertEqual(byPath.train.count, 1565)
    }

    func testLoadByNameAndUnknownName() throws {
        let synthetic = try DataLoader.load(name: "builtin")
        XCTAssertEqual(synthetic.train.count, 2000)
        XCTAssertThrowsError(try DataLoader.load(name: "cifar10")) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("binarized_mnist") && m.contains("frey") && m.contains("synthetic"), m)
        }
        let dir = try dataDir()
        let frey = try DataLoader.load(name: "freyface", locator: DataLocator(directories: [dir]))
        XCTAssertEqual(frey.test.count, 200)
        // A *_test.amat path with its siblings present loads the three splits.
        let mnist = try DataLoader.load(name: dir + "/binarized_mnist_test.amat")
        XCTAssertEqual(mnist.name, "binarized_mnist")
        XCTAssertEqual(mnist.valid.count, 10_000)
    }
}

/// `mnist_binomial`: the authors' default data, grey-level MNIST binarised once.
final class MNISTBinomialTests: XCTestCase {
    func testSplitsValuesAndTheDrawAreFixed() throws {
        guard let dir = sharedDataDirectory() else {
            throw XCTSkip("shared data directory (../shared/data or $DVAE_DATA) not found")
        }
        let locator = DataLocator(directories: [dir])
        let d = try DataLoader.mnistBinomial(locator: locator)
        XCTAssertEqual([d.train.count, d.valid.count, d.test.count], [50_000, 10_000, 10_000])
        XCTAssertEqual(d.name, "mnist_binomial")
        XCTAssertEqual(d.train.kind, .binary)
        XCTAssertTrue(d.test.x.array.allSatisfy { $0 == 0 || $0 == 1 })
        // A Bernoulli draw keeps the grey images' mean intensity (0.1307 over the 60 000).
        XCTAssertEqual(d.train.pixelMean, 0.1307, accuracy: 0.002)
        // Each binary pixel is 1 only where the grey pixel is not 0, and the split follows the IDX order.
        let grey = try DataLoader.idx(imagesPath: dir + "/train-images-idx3-ubyte.gz", name: "grey")
        for i in 0..<784 where d.valid.x[i] == 1 { XCTAssertGreaterThan(grey.x[50_000 * 784 + i], 0) }
        // The same draw every time, on every machine (the seed is fixed): pinned digests.
        // Notebook 12's committed cells are keyed by these: a change would orphan their partial state.
        XCTAssertEqual([d.train.contentDigest, d.valid.contentDigest, d.test.contentDigest],
                       ["409fa1d72ce8a124", "f3baf78d1c5ed34c", "a1135d1d438b8eaa"])
    }
}
