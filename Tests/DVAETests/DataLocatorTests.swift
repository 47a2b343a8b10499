import Foundation
import XCTest
@testable import DVAE

/// Finding data files, and the built-in synthetic dataset.
final class DataLocatorTests: XCTestCase {
    func testSearchOrderAndMissingFileListsEveryPlace() throws {
        let root = try makeTemporaryDirectory("locator")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        for d in ["explicit", "env", "cwd/data", "shared/data"] {
            try fm.createDirectory(atPath: "\(root)/\(d)", withIntermediateDirectories: true)
        }
        let locator = DataLocator(explicit: "\(root)/explicit", environment: ["DVAE_DATA": "\(root)/env"], cwd: "\(root)/cwd")
        XCTAssertEqual(locator.searchDirectories,
                       ["\(root)/explicit", "\(root)/env", "\(root)/cwd/data", "\(root)/shared/data"])
        fm.createFile(atPath: "\(root)/shared/data/f.amat", contents: Data("0\n".utf8))
        XCTAssertEqual(try locator.locate("f.amat"), "\(root)/shared/data/f.amat")
        fm.createFile(atPath: "\(root)/env/f.amat", contents: Data("0\n".utf8))
        XCTAssertEqual(try locator.locate("f.amat"), "\(root)/env/f.amat")
        fm.createFile(atPath: "\(root)/explicit/f.amat", contents: Data("0\n".utf8))
        XCTAssertEqual(try locator.locate("f.amat"), "\(root)/explicit/f.amat")

        XCTAssertThrowsError(try locator.locate("missing.mat")) { e in
            guard case let DataError.notFound(file, searched) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(file, "missing.mat")
            XCTAssertEqual(searched.count, 4)
            let message = "\(e)"
            for place in searched { XCTAssertTrue(message.contains(place), message) }
            XCTAssertTrue(message.contains("DVAE_DATA"), message)
        }
        XCTAssertThrowsError(try DataLoader.binarizedMNIST(locator: locator)) { e in
            XCTAssertTrue("\(e)".contains("binarized_mnist_train.amat"), "\(e)")
        }
        let noEnv = DataLocator(environment: [:], cwd: "/x/y")
        XCTAssertEqual(noEnv.searchDirectories, ["/x/y/data", "/x/shared/data"])
    }

    func testSyntheticIsDeterministicBinaryAndStructured() {
        let start = Date()
        let a = DataLoader.synthetic(seed: 3)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertLessThan(seconds, 1)
        let b = DataLoader.synthetic(seed: 3)
        let c = DataLoader.synthetic(seed: 4)
        XCTAssertEqual([a.train.count, a.valid.count, a.test.count], [2000, 500, 500])
        XCTAssertEqual(a.train.height, 12); XCTAssertEqual(a.train.width, 12)
        XCTAssertEqual(a.train.kind, .binary)
        XCTAssertEqual(a.train.x.array, b.train.x.array)
        XCTAssertEqual(a.test.x.array, b.test.x.array)
        XCTAssertNotEqual(a.train.x.array, c.train.x.array)
        for i in 0..<a.train.x.count { XCTAssertTrue(a.train.x[i] == 0 || a.train.x[i] == 1) }
        // Shapes cover a few pixels each: far from empty, far from full, and images differ.
        XCTAssertGreaterThan(a.train.pixelMean, 0.04)
        XCTAssertLessThan(a.train.pixelMean, 0.25)
        XCTAssertNotEqual(a.train.image(0), a.train.image(1))
        XCTAssertEqual(a.train.subset(first: 10).count, 10)
        XCTAssertEqual(a.train[5..<8].image(0), a.train.image(5))
        XCTAssertEqual(a.train.subset(first: 10_000).count, 2000)
    }
}
