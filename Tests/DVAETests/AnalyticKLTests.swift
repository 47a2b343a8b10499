import XCTest
import Foundation
import DVAE

/// Training with the closed-form KL (`KLEstimator.analytic`): its gradient, and its value
/// computed two ways.
extension ObjectiveTests {
    func testAnalyticKLGradients() {
        let x = binaryBatch(rows: 3, cols: 6, seed: 5)
        let cases: [(String, VAEModel, ObjectiveConfig)] = [
            ("vae K=2", tinyModel(), ObjectiveConfig(kind: .vae, K: 2, kl: .analytic)),
            ("dvae M=2 K=2 salt-pepper 0.3", tinyModel(), ObjectiveConfig(kind: .dvae, K: 2, M: 2, corruption: .saltPepper(0.3), kl: .analytic)),
            ("dvae authors' law, two layers", tinyModel(encoderHidden: [4, 3], decoderHidden: [4]),
             ObjectiveConfig(kind: .dvae, K: 1, M: 1, corruption: .saltPepperAuthors(0.2), kl: .analytic)),
        ]
        for (name, model, config) in cases {
            let err = gradientError(model, x, config)
            print("analytic-KL objective gradient \(name): max relative error \(err)")
            XCTAssertLessThan(err, gradientTolerance, name)
        }
        var rng = RNG(seed: 3)
        let g = randomTensor(3, 6, &rng, scale: 0.5)
        let err = gradientError(tinyModel(decoder: .gaussian), g,
                                ObjectiveConfig(kind: .dvae, K: 2, M: 1, corruption: .gaussian(0.2), kl: .analytic))
        print("analytic-KL objective gradient, Gaussian decoder: max relative error \(err)")
        XCTAssertLessThan(err, gradientTolerance)
        // Negative control: the same check rejects a wrong gradient.
        XCTAssertGreaterThan(gradientError(tinyModel(), x, ObjectiveConfig(kind: .vae, K: 2, kl: .analytic), scale: 1.1),
                             gradientTolerance)
    }

    func testAnalyticKLObjectiveEqualsTheMonteCarloOneInExpectation() {
        // Same model, same data: the analytic objective and the mean of many Monte Carlo draws of
        // the same ELBO agree (the latent term's expectation is −KL); and the analytic objective
        // equals the engine's analytic-KL test bound, computed by the evaluation path.
        let model = tinyModel()
        let x = binaryBatch(rows: 4, cols: 6, seed: 9)
        var analytic = 0.0, monteCarlo = 0.0
        let draws = 4000
        var rng = RNG(seed: 1)
        for _ in 0..<draws {
            analytic += evaluateObjective(model, batch: x, config: ObjectiveConfig(kind: .vae, kl: .analytic), rng: &rng,
                                          accumulateGradients: false)
            monteCarlo += evaluateObjective(model, batch: x, config: ObjectiveConfig(kind: .vae), rng: &rng,
                                            accumulateGradients: false)
        }
        analytic /= Double(draws)
        monteCarlo /= Double(draws)
        print("ELBO of the tiny model: analytic KL \(analytic), Monte Carlo \(monteCarlo)")
        XCTAssertEqual(analytic, monteCarlo, accuracy: 0.02 * abs(analytic))
        // The evaluation path's analytic ELBO (one z per example, averaged over seeds).
        var bound = 0.0
        for s in 0..<UInt64(400) { bound += estimateBound(model, on: x, kind: .elboAnalytic, seed: s, threads: 1).mean }
        bound /= 400
        XCTAssertEqual(bound, analytic, accuracy: 0.02 * abs(analytic))
    }

    func testAnalyticKLIsRefusedForImportanceWeightedObjectives() {
        XCTAssertNotNil(KLEstimator.analytic.problem(with: .iwae))
        XCTAssertNotNil(KLEstimator.analytic.problem(with: .diwae))
        XCTAssertNil(KLEstimator.analytic.problem(with: .dvae))
        XCTAssertNil(KLEstimator.monteCarlo.problem(with: .diwae))
    }

    func testObjectiveConfigWithoutKLReadsAsMonteCarloAndWritesAsBefore() throws {
        let old = #"{"K":1,"M":1,"corruption":{"kind":"none","level":0},"kind":"vae"}"#
        let decoded = try JSONDecoder().decode(ObjectiveConfig.self, from: Data(old.utf8))
        XCTAssertEqual(decoded.kl, .monteCarlo)
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        XCTAssertFalse(String(decoding: try e.encode(decoded), as: UTF8.self).contains("kl"))
        var analytic = decoded
        analytic.kl = .analytic
        let text = String(decoding: try e.encode(analytic), as: UTF8.self)
        XCTAssertTrue(text.contains(#""kl":"analytic""#), text)
        XCTAssertEqual(try JSONDecoder().decode(ObjectiveConfig.self, from: Data(text.utf8)), analytic)
    }
}
