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

/// `curveOnTest`: the per-epoch curve scores the clean test examples.
final class CurveOnTestTests: XCTestCase {
    func testCurveScoresTheTestSplit() throws {
        let data = DataLoader.synthetic(seed: 0)
        var config = ExperimentConfig(dataset: data.name, trainCount: 50, validCount: 0, testCount: 40,
                                      model: ModelConfig(inputSize: data.train.dimension, height: data.train.height,
                                                         width: data.train.width, encoderHidden: [8], latent: 2,
                                                         decoderHidden: [8]),
                                      objective: .vae, epochs: 2, batchSize: 25)
        let plain = try ExperimentRunner.run(config, data: data, cache: nil)
        XCTAssertTrue(plain.curve.allSatisfy { $0.validBound == nil })
        config.curveOnTest = true
        let onTest = try ExperimentRunner.run(config, data: data, cache: nil)
        XCTAssertEqual(onTest.curve.count, 2)
        XCTAssertTrue(onTest.curve.allSatisfy { $0.validBound?.isFinite == true })
        // The curve's last point is the trained model's ELBO on the same 40 test examples: close to
        // the final test bound (another Monte Carlo draw of the same quantity).
        XCTAssertEqual(onTest.curve.last!.validBound!, onTest.testBound.mean, accuracy: 6 * onTest.testBound.standardError + 1)
    }
}
