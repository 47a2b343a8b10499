import XCTest
import Foundation
import DVAE

final class EvaluationTests: XCTestCase {
    /// A model trained briefly on the prototype data, shared by the tests.
    static func trainedModel() -> VAEModel {
        let model = VAEModel(config: smallModelConfig(), seed: 2)
        let c = TrainConfig(objective: ObjectiveConfig(kind: .vae), epochs: 30, batchSize: 32,
                            adam: AdamConfig(lr: 3e-3), seed: 1)
        Trainer(model: model, config: c).run(train: prototypeDataset(count: 300, seed: 1))
        return model
    }
    let test = prototypeDataset(count: 200, seed: 3)

    func testIWAEBoundsIncreaseWithKAndDominateELBO() {
        let model = Self.trainedModel()
        let elbo = estimateBound(model, on: test, kind: .elbo, seed: 1)
        let i1 = estimateBound(model, on: test, kind: .iwae(1), seed: 2)
        let i10 = estimateBound(model, on: test, kind: .iwae(10), seed: 3)
        let i100 = estimateBound(model, on: test, kind: .iwae(100), seed: 4)
        let i1500 = estimateBound(model, on: test, kind: .iwae(1500), seed: 5)
        print("bounds: elbo \(elbo.mean)±\(elbo.standardError) iwae1 \(i1.mean) iwae10 \(i10.mean) iwae100 \(i100.mean) iwae1500 \(i1500.mean)±\(i1500.standardError)")
        XCTAssertEqual(elbo.count, 200)
        // IWAE-1 is the ELBO: equal in expectation (different seeds, within 4 combined standard errors).
        XCTAssertEqual(i1.mean, elbo.mean, accuracy: 4 * (elbo.standardError + i1.standardError))
        XCTAssertGreaterThan(i10.mean, elbo.mean)
        XCTAssertGreaterThan(i100.mean, i10.mean)
        XCTAssertGreaterThanOrEqual(i1500.mean, i100.mean - 0.05)
        // The trained model beats an untrained one and chance on 16 binary pixels (16 ln ½ ≈ −11.1).
        let untrained = estimateBound(VAEModel(config: smallModelConfig(), seed: 2), on: test, kind: .iwae(100), seed: 4)
        XCTAssertGreaterThan(i100.mean, untrained.mean + 1)
        XCTAssertGreaterThan(i100.mean, -11.1 + 1)
        // Same seed, same answer.
        XCTAssertEqual(estimateBound(model, on: test, kind: .iwae(10), seed: 3).mean, i10.mean)
    }

    func testStreamingLogSumExpMatchesDirect() {
        // k = 2500 needs three decoder passes; the streaming log-sum-exp must equal the direct one
        // on the same samples (one example, no corruption: the RNG feeds only ε).
        let model = Self.trainedModel()
        let x = test.x.rows(0..<1)
        let streamed = perExampleBounds(model, on: x, kind: .iwae(2500), seed: 42)[0]
        var rng = RNG(seed: 42)
        let w = logImportanceWeights(model, batch: x, K: 2500, rng: &rng)
        let m = w.max()!
        let direct = m + log(w.reduce(0) { $0 + exp($1 - m) } / 2500)
        // Equal up to the float32 rounding of the log-weights: the streamed passes score the
        // samples in smaller matrix products than the direct one, so the BLAS kernels may add in
        // other orders. The log-mean-exp moves by at most a softmax-weighted mean of its
        // arguments' moves, each within 2·γ_N of its terms' magnitude (see `Float32Rounding`):
        // at most |bound| + the latent terms (10 each is ample), over a chain of length N.
        let bound = Float32Rounding.reorderedSumBound(terms: Float32Rounding.logWeightChainLength(model.config),
                                                      magnitude: abs(direct) + 10 * Double(model.config.latent))
        XCTAssertEqual(streamed, direct, accuracy: bound)
        // A real streaming bug (the last of the three passes lost) exceeds the bound.
        let kept = w.prefix(2 * 2500 / 3)
        let m2 = kept.max()!
        let lost = m2 + log(kept.reduce(0) { $0 + exp($1 - m2) } / Double(kept.count))
        XCTAssertNotEqual(streamed, lost, accuracy: bound)
    }

    func testCorruptedBoundIsLower() {
        // Scoring through a corrupted input loses information: on average a lower bound than clean.
        let model = Self.trainedModel()
        let clean = estimateBound(model, on: test, kind: .iwae(20), seed: 1)
        let noisy = estimateBound(model, on: test, kind: .iwae(20), seed: 1, corruption: .bitFlip(0.3))
        XCTAssertLessThan(noisy.mean, clean.mean)
    }

    func testBoundEstimateStatistics() {
        let e = BoundEstimate(kind: .elbo, values: [1, 2, 3, 4])
        XCTAssertEqual(e.mean, 2.5)
        XCTAssertEqual(e.standardError, (5.0 / 3).squareRoot() / 2, accuracy: 1e-12)
        XCTAssertEqual(e.count, 4)
        XCTAssertEqual(BoundKind.iwae(5000).description, "iwae-5000")
        XCTAssertEqual(try JSONDecoder().decode(BoundKind.self, from: JSONEncoder().encode(BoundKind.iwae(7))), .iwae(7))
    }
}
