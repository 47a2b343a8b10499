import XCTest
import Foundation
import DVAE

/// A tiny model for finite differences: 6 pixels, 2 latent units.
func tinyModel(decoder: DecoderKind = .bernoulli, encoderHidden: [Int] = [4], decoderHidden: [Int] = [4],
               seed: UInt64 = 11) -> VAEModel {
    VAEModel(config: ModelConfig(inputSize: 6, height: 2, width: 3, encoder: .mlp, encoderHidden: encoderHidden,
                                 latent: 2, decoder: decoder, decoderHidden: decoderHidden), seed: seed)
}

func binaryBatch(rows: Int, cols: Int, seed: UInt64) -> Tensor {
    var rng = RNG(seed: seed)
    let x = Tensor(rows: rows, cols: cols)
    for i in 0..<x.count { x.data[i] = rng.uniform() < 0.4 ? 1 : 0 }
    return x
}

final class ObjectiveTests: XCTestCase {
    /// Checks every parameter's gradient of −objective against central differences with the noise
    /// (corruption and ε) frozen by re-seeding the RNG for each evaluation; returns the max error.
    func gradientError(_ model: VAEModel, _ x: Tensor, _ config: ObjectiveConfig, scale: Float = 1) -> Double {
        let seed: UInt64 = 99
        model.zeroGradients()
        var rng = RNG(seed: seed)
        _ = evaluateObjective(model, batch: x, config: config, rng: &rng, accumulateGradients: true)
        let analytic = model.parameters.map { $0.grad.array.map { $0 * scale } }
        let loss: () -> Double = {
            var r = RNG(seed: seed)
            return -evaluateObjective(model, batch: x, config: config, rng: &r, accumulateGradients: false)
        }
        var worst = 0.0
        for (p, g) in zip(model.parameters, analytic) {
            worst = max(worst, maxRelativeError(of: p.value, analytic: g, loss: loss))
        }
        return worst
    }

    func testObjectiveGradients() {
        let x = binaryBatch(rows: 3, cols: 6, seed: 5)
        let cases: [(String, ObjectiveConfig)] = [
            ("vae K=2", ObjectiveConfig(kind: .vae, K: 2)),
            ("iwae K=3", ObjectiveConfig(kind: .iwae, K: 3)),
            ("dvae M=2 K=2 salt-pepper 0.3", ObjectiveConfig(kind: .dvae, K: 2, M: 2, corruption: .saltPepper(0.3))),
            ("diwae M=2 K=3 bit-flip 0.2", ObjectiveConfig(kind: .diwae, K: 3, M: 2, corruption: .bitFlip(0.2))),
        ]
        for (name, config) in cases {
            let err = gradientError(tinyModel(), x, config)
            print("objective gradient \(name): max relative error \(err)")
            XCTAssertLessThan(err, gradientTolerance, name)
        }
    }

    func testGaussianAndLinearModelGradients() {
        var rng = RNG(seed: 3)
        let x = randomTensor(3, 6, &rng, scale: 0.5)
        let gaussian = tinyModel(decoder: .gaussian)
        let e1 = gradientError(gaussian, x, ObjectiveConfig(kind: .dvae, K: 2, M: 2, corruption: .gaussian(0.3)))
        // Purely affine encoder and linear decoder (the linear-Gaussian model's shape).
        let linear = tinyModel(decoder: .gaussian, encoderHidden: [], decoderHidden: [])
        let e2 = gradientError(linear, x, ObjectiveConfig(kind: .diwae, K: 3, M: 1, corruption: .gaussian(0.2)))
        // Two hidden layers on each side.
        let deep = tinyModel(encoderHidden: [4, 3], decoderHidden: [3, 4])
        let e3 = gradientError(deep, binaryBatch(rows: 2, cols: 6, seed: 8), ObjectiveConfig(kind: .iwae, K: 2))
        print("objective gradient gaussian dvae / linear diwae / deep iwae: max relative error", e1, e2, e3)
        XCTAssertLessThan(max(e1, e2, e3), gradientTolerance)
    }

    func testGRUEncoderModelThroughTheObjective() {
        // The model dispatches `.gru` to GRUEncoder and the objective's gradient flows through it.
        let config = ModelConfig(inputSize: 6, height: 2, width: 3, encoder: .gru, encoderHidden: [4],
                                 latent: 2, decoder: .bernoulli, decoderHidden: [4])
        let model = VAEModel(config: config, seed: 3)
        XCTAssertTrue(model.encoder is GRUEncoder)
        let err = gradientError(model, binaryBatch(rows: 3, cols: 6, seed: 5),
                                ObjectiveConfig(kind: .diwae, K: 2, M: 2, corruption: .saltPepper(0.2)))
        print("objective gradient GRU diwae: max relative error \(err)")
        XCTAssertLessThan(err, gradientTolerance)
    }

    func testObjectiveGradientCheckCanFail() {
        // Negative control: a gradient scaled by 1.1 must be rejected.
        let err = gradientError(tinyModel(), binaryBatch(rows: 3, cols: 6, seed: 5), ObjectiveConfig(kind: .iwae, K: 3), scale: 1.1)
        XCTAssertGreaterThan(err, gradientTolerance)
    }

    func testParameterNamesAreStable() {
        let names = tinyModel(decoder: .gaussian).parameters.map(\.name)
        XCTAssertEqual(names, ["encoder.layer0.weight", "encoder.layer0.bias", "encoder.mu.weight", "encoder.mu.bias",
                               "encoder.logvar.weight", "encoder.logvar.bias", "decoder.layer0.weight",
                               "decoder.layer0.bias", "decoder.out.weight", "decoder.out.bias", "decoder.logvar"])
        let m = tinyModel()
        XCTAssertEqual(m.parameter(named: "encoder.layer0.weight")!.value.rows, 4)
        XCTAssertEqual(m.parameter(named: "encoder.layer0.weight")!.value.cols, 6)
        XCTAssertEqual(m.parameter(named: "decoder.out.weight")!.value.rows, 6)
        XCTAssertEqual(m.parameter(named: "decoder.out.weight")!.value.cols, 4)
    }

    func testObjectiveIdentities() {
        let model = tinyModel()
        let x = binaryBatch(rows: 5, cols: 6, seed: 2)
        func value(_ c: ObjectiveConfig, seed: UInt64 = 4) -> Double {
            var rng = RNG(seed: seed)
            return evaluateObjective(model, batch: x, config: c, rng: &rng, accumulateGradients: false)
        }
        // K = 1: the IWAE and VAE bounds are the same number.
        XCTAssertEqual(value(ObjectiveConfig(kind: .vae)), value(ObjectiveConfig(kind: .iwae)), accuracy: 1e-12)
        // No corruption: DVAE = VAE and DIWAE = IWAE.
        XCTAssertEqual(value(ObjectiveConfig(kind: .dvae, K: 3)), value(ObjectiveConfig(kind: .vae, K: 3)), accuracy: 1e-12)
        XCTAssertEqual(value(ObjectiveConfig(kind: .diwae, K: 3)), value(ObjectiveConfig(kind: .iwae, K: 3)), accuracy: 1e-12)
        // vae / iwae ignore the corruption.
        XCTAssertEqual(value(ObjectiveConfig(kind: .vae, K: 2, M: 3, corruption: .saltPepper(0.5))),
                       value(ObjectiveConfig(kind: .vae, K: 2)), accuracy: 1e-12)
        // The objective is the mean of the exposed log-weights (VAE) and their log-mean-exp (IWAE).
        var rng = RNG(seed: 4)
        let lw = logImportanceWeights(model, batch: x, K: 4, M: 2, corruption: .bitFlip(0.3), rng: &rng)
        XCTAssertEqual(lw.count, 5 * 2 * 4)
        XCTAssertEqual(lw.reduce(0, +) / Double(lw.count),
                       value(ObjectiveConfig(kind: .dvae, K: 4, M: 2, corruption: .bitFlip(0.3))), accuracy: 1e-9)
        var diwae = 0.0
        for g in 0..<10 {
            let w = lw[(g * 4)..<(g * 4 + 4)]
            let m = w.max()!
            diwae += m + log(w.reduce(0) { $0 + exp($1 - m) } / 4)
        }
        XCTAssertEqual(diwae / 10, value(ObjectiveConfig(kind: .diwae, K: 4, M: 2, corruption: .bitFlip(0.3))), accuracy: 1e-9)
        // Log-weights against a direct computation for one sample of the linear-Gaussian-shaped model.
        let lin = tinyModel(decoder: .gaussian, encoderHidden: [], decoderHidden: [])
        let x1 = x.rows(0..<1)
        var r1 = RNG(seed: 9)
        let w1 = logImportanceWeights(lin, batch: x1, K: 1, rng: &r1)[0]
        let (mu, lv) = lin.encode(x1)
        // The noise of example 0: stream 0 of the call's seed (see evaluateObjective).
        var seeder = RNG(seed: 9)
        var r2 = RNG(seed: seeder.next(), stream: 0)
        let eps = Tensor(rows: 1, cols: 2)
        r2.fillStandardNormal(eps)
        let z = Tensor(rows: 1, cols: 2)
        var logPz = 0.0, logQ = 0.0
        for j in 0..<2 {
            let s = exp(0.5 * Double(lv.data[j]))
            z.data[j] = Float(Double(mu.data[j]) + s * Double(eps.data[j]))
            logPz += -0.5 * log(2 * .pi) - 0.5 * Double(z.data[j] * z.data[j])
            logQ += -0.5 * log(2 * .pi) - log(s) - 0.5 * Double(eps.data[j] * eps.data[j])
        }
        let mean = lin.decodeMean(z)
        let lvDec = lin.parameter(named: "decoder.logvar")!.value
        var logPx = 0.0
        for d in 0..<6 {
            let diff = Double(x1.data[d] - mean.data[d]), v = Double(lvDec.data[d])
            logPx += -0.5 * (log(2 * .pi) + v + diff * diff * exp(-v))
        }
        XCTAssertEqual(w1, logPx + logPz - logQ, accuracy: 1e-4)
    }

    func testIWAEObjectiveIsAtLeastVAE() {
        let model = tinyModel()
        let x = binaryBatch(rows: 50, cols: 6, seed: 12)
        var r1 = RNG(seed: 1), r2 = RNG(seed: 1)
        let vae = evaluateObjective(model, batch: x, config: ObjectiveConfig(kind: .vae, K: 10), rng: &r1, accumulateGradients: false)
        let iwae = evaluateObjective(model, batch: x, config: ObjectiveConfig(kind: .iwae, K: 10), rng: &r2, accumulateGradients: false)
        // Same samples: log-mean-exp ≥ mean (Jensen), example by example.
        XCTAssertGreaterThanOrEqual(iwae, vae)
    }
}
