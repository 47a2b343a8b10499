import XCTest
import Foundation
import DVAE
@testable import DVAEExperiments

final class ExperimentConfigTests: XCTestCase {
    func testConfigRoundTripsThroughJSON() throws {
        for config in [tinyExperimentConfig(),
                       tinyExperimentConfig(objective: .diwae, K: 5, corruption: .gaussian(0.025), extraIWAE: 5000),
                       ExperimentConfig(dataset: "binarized_mnist", trainCount: nil, validCount: nil, testCount: nil,
                                        model: ModelConfig(encoder: .gru, encoderHidden: [200]), objective: .iwae,
                                        K: 5, corruption: .none, epochs: 5000, learningRate: 1e-4, clipNorm: 10, seed: 42)] {
            let data = try JSONEncoder().encode(config)
            let back = try JSONDecoder().decode(ExperimentConfig.self, from: data)
            XCTAssertEqual(back, config)
            XCTAssertEqual(back.hashValue, config.hashValue)
            XCTAssertEqual(back.key, config.key)
        }
    }

    func testKeyIsStableAcrossRuns() {
        // Pinned literals: if these change, every cached result is orphaned — bump deliberately.
        let config = tinyExperimentConfig()
        XCTAssertEqual(ExperimentKey.canonicalJSON(config),
                       #"{"K":1,"M":1,"batchSize":50,"corruption":{"kind":"salt_pepper","level":0.1},"dataset":"synthetic","#
                       + #""epochs":1,"learningRate":0.003,"model":{"decoder":"bernoulli","decoderHidden":[16],"encoder":"mlp","#
                       + #""encoderHidden":[16],"height":12,"inputSize":144,"latent":4,"width":12},"objective":"dvae","#
                       + #""seed":1,"testCount":50,"trainCount":200,"validCount":0}"#)
        XCTAssertEqual(config.key, "2ff4e4e7264fa911")
        XCTAssertEqual(config.key, tinyExperimentConfig().key)
        XCTAssertEqual(config.key.count, 16)
        XCTAssertTrue(config.key.allSatisfy { "0123456789abcdef".contains($0) })
    }

    func testDescriptionIsPinned() {
        // The description names cells in reports: the recipe's options end it, as before the recipe.
        XCTAssertEqual(tinyExperimentConfig().description, "synthetic dvae K1 M1 salt_pepper 0.1 mlp[16]-4 1ep seed 1")
        var c = tinyExperimentConfig(extraIWAE: 5000)
        c.recipe = .authors
        c.objective = .dvae
        c.corruption = .saltPepperAuthors(0.25)
        c.schedule = .inverse(3000)
        XCTAssertEqual(c.description, "synthetic dvae K1 M1 salt_pepper_authors 0.25 mlp[16]-4 1ep seed 1 +iwae-5000 "
                       + "lr decay 3000 adam-authors nonfinite-shrink kl-analytic batches-fixed")
        XCTAssertEqual(c.model.initialisation, .glorot, "the recipe's fresh-model choices are the model's")
        c.model.encoderSigma = nil
        XCTAssertNil(c.recipe.encoderSigma)
    }

    func testFNV1aMatchesReferenceVectors() {
        XCTAssertEqual(ExperimentKey.fnv1a64(Array("".utf8)), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(ExperimentKey.fnv1a64(Array("a".utf8)), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(ExperimentKey.fnv1a64(Array("foobar".utf8)), 0x8594_4171_f739_67e8)
    }

    func testEveryFieldChangesTheKey() {
        let base = tinyExperimentConfig()
        var variants: [ExperimentConfig] = []
        func vary(_ f: (inout ExperimentConfig) -> Void) { var c = base; f(&c); variants.append(c) }
        vary { $0.dataset = "frey" }
        vary { $0.trainCount = nil }
        vary { $0.validCount = nil }
        vary { $0.testCount = 10 }
        vary { $0.model.encoderHidden = [16, 16] }
        vary { $0.model.encoder = .gru }
        vary { $0.objective = .diwae }
        vary { $0.K = 5 }
        vary { $0.M = 2 }
        vary { $0.corruption = .saltPepper(0.05) }
        vary { $0.corruption = .bitFlip(0.1) }
        vary { $0.epochs = 2 }
        vary { $0.batchSize = 100 }
        vary { $0.learningRate = 1e-4 }
        vary { $0.clipNorm = 5 }
        vary { $0.seed = 2 }
        vary { $0.extraIWAE = 5000 }
        let keys = Set(variants.map(\.key) + [base.key])
        XCTAssertEqual(keys.count, variants.count + 1)
        XCTAssertEqual(Set(variants + [base]).count, variants.count + 1)
    }

    func testDerivedSettings() {
        let c = tinyExperimentConfig(objective: .diwae, K: 5, corruption: .saltPepper(0.05))
        XCTAssertEqual(c.testBoundKind, .iwae(5))
        XCTAssertEqual(tinyExperimentConfig(objective: .dvae, K: 5).testBoundKind, .elbo)
        XCTAssertEqual(c.trainConfig.objective, ObjectiveConfig(kind: .diwae, K: 5, M: 1, corruption: .saltPepper(0.05)))
        XCTAssertEqual(c.trainConfig.adam.lr, 3e-3)
        XCTAssertEqual(c.trainConfig.seed, 1)
        XCTAssertFalse(c.trainConfig.validateEveryEpoch)
        XCTAssertEqual(c.with(seed: 9).ignoringSeed, c.ignoringSeed)
        XCTAssertEqual(c.with(corruption: .none).corruption, .none)
    }
}
