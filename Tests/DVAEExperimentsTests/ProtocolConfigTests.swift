import XCTest
import Foundation
import DVAE
import DVAEExperiments

/// The authors'-protocol fields of a table cell: optional, so cells without them keep their keys.
final class ProtocolConfigTests: XCTestCase {
    func testProtocolFieldsAndKeys() throws {
        let base = ExperimentConfig()
        var authors = base
        authors.schedule = .authors
        XCTAssertNotEqual(base.key, authors.key)
        XCTAssertFalse(ExperimentKey.canonicalJSON(base).contains("schedule"))
        var analytic = base
        analytic.analyticKL = true
        XCTAssertEqual(analytic.testBoundKind, .elboAnalytic)
        XCTAssertEqual(analytic.trainConfig.schedule, .constant)
        XCTAssertNotEqual(analytic.key, base.key)
        authors.optimizer = .authors
        authors.nonFinite = .shrink
        XCTAssertEqual(authors.trainConfig.adam.variant, .authors)
        XCTAssertEqual(authors.trainConfig.nonFinite, .shrink)
        XCTAssertEqual(authors.trainConfig.schedule, .authors)
        var glorot = base
        glorot.model.initialisation = .glorot
        XCTAssertNotEqual(glorot.key, base.key)
        XCTAssertNotEqual(glorot.hashValue, base.hashValue)
        // A configuration survives a JSON round trip with every new field set.
        var all = authors
        all.analyticKL = true
        all.schedule = .inverse(3000)
        all.model.encoderSigma = .exp
        all.model.decoder = .gaussianSigmoid
        let data = try JSONEncoder().encode(all)
        XCTAssertEqual(try JSONDecoder().decode(ExperimentConfig.self, from: data), all)
    }
}
