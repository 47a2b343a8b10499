import XCTest
import Foundation
import DVAE

/// The authors' training recipe computed twice: by the engine (`Trainer` with analytic-KL
/// training, fixed minibatches, their Adam, clipping and schedule) and by an independent plain
/// implementation below, written from their script's description (DESIGN.md), in Double, with
/// gradients by central differences — no BLAS, no kernels, no code shared with the engine
/// beyond reading the initial weights and replaying the documented noise streams.
final class AuthorsRecipeReferenceTests: XCTestCase {
    // MARK: - The independent reference

    /// One affine layer y = W x + b, W stored row-major as out × in.
    struct Layer {
        var w: [Double], b: [Double], inputs: Int, outputs: Int
        func apply(_ x: [Double]) -> [Double] {
            (0..<outputs).map { j in (0..<inputs).reduce(b[j]) { $0 + w[j * inputs + $1] * x[$1] } }
        }
    }

    /// The authors' DVAE2 shape: softplus encoder layers, heads μ and log σ, softplus decoder
    /// layers, Bernoulli logits.
    struct Reference {
        var encoder: [Layer], mu: Layer, logSigma: Layer, decoder: [Layer], out: Layer

        static func softplus(_ x: Double) -> Double { x > 30 ? x : log1p(exp(x)) }

        /// −(BCE + KL) of one example, with ε given: log p(x|z) − KL(N(μ, σ²) ‖ N(0, I)).
        func objective(x: [Double], eps: [Double]) -> Double {
            var h = x
            for l in encoder { h = l.apply(h).map(Reference.softplus) }
            let m = mu.apply(h), s = logSigma.apply(h)
            var kl = 0.0
            for j in m.indices { kl += 0.5 * (m[j] * m[j] + exp(2 * s[j]) - 1 - 2 * s[j]) }
            var d = (0..<m.count).map { m[$0] + exp(s[$0]) * eps[$0] }
            for l in decoder { d = l.apply(d).map(Reference.softplus) }
            let logits = out.apply(d)
            var logLik = 0.0
            for (xi, a) in zip(x, logits) {
                // x log σ(a) + (1 − x) log(1 − σ(a)) = x a − softplus(a)
                logLik += xi * a - Reference.softplus(a)
            }
            return logLik - kl
        }

        /// Every parameter, in a fixed order, as (get, set) pairs over a flat vector.
        var flat: [Double] {
            get {
                (encoder + [mu, logSigma] + decoder + [out]).flatMap { $0.w + $0.b }
            }
            set {
                var o = 0
                func take(_ l: inout Layer) {
                    l.w = Array(newValue[o ..< o + l.w.count]); o += l.w.count
                    l.b = Array(newValue[o ..< o + l.b.count]); o += l.b.count
                }
                for i in encoder.indices { take(&encoder[i]) }
                take(&mu); take(&logSigma)
                for i in decoder.indices { take(&decoder[i]) }
                take(&out)
            }
        }
    }

    /// The model's current weights as a `Reference` (the engine's names: `encoder.layerK`,
    /// `encoder.mu`, `encoder.logvar` — which predicts log σ under `encoderSigma .exp` —,
    /// `decoder.layerK`, `decoder.out`).
    func reference(from model: VAEModel) -> Reference {
        func layer(_ name: String) -> Layer {
            let w = model.parameter(named: name + ".weight")!.value, b = model.parameter(named: name + ".bias")!.value
            return Layer(w: w.array.map(Double.init), b: b.array.map(Double.init), inputs: w.cols, outputs: w.rows)
        }
        let c = model.config
        return Reference(encoder: c.encoderHidden.indices.map { layer("encoder.layer\($0)") },
                         mu: layer("encoder.mu"), logSigma: layer("encoder.logvar"),
                         decoder: c.decoderHidden.indices.map { layer("decoder.layer\($0)") }, out: layer("decoder.out"))
    }

    /// The authors' stepped learning-rate factor for 0-based `epoch` of a run of `total` epochs:
    /// 10^(1 − (i − 1)/c), c = log(⌊total/2⌋)/log 3, i the count of 3^(i−1) ≤ epoch + 1.
    func authorsFactor(epoch: Int, total: Int) -> Double {
        var i = 0
        while pow(3.0, Double(i)) <= Double(epoch + 1) { i += 1 }
        let c = log(Double(total / 2)) / log(3.0)
        return c > 0 ? pow(10, 1 - Double(i - 1) / c) : 10
    }

    /// Trains `ref` as their script does; returns each epoch's mean training objective.
    func trainReference(_ ref: inout Reference, data: [[Double]], batch: Int, epochs: Int, baseLR: Double,
                        seed: UInt64, latent L: Int) -> [Double] {
        var theta = ref.flat
        var m = [Double](repeating: 0, count: theta.count), v = m
        var t = 0
        var curve: [Double] = []
        for epoch in 1...epochs {
            let lr = baseLR * authorsFactor(epoch: epoch - 1, total: epochs)
            var rng = Trainer.epochRNG(seed: seed, epoch: epoch)    // the documented noise streams
            var sum = 0.0, count = 0
            for step in 0..<(data.count / batch) {                   // fixed minibatches, full ones only
                let rows = Array(data[step * batch ..< (step + 1) * batch])
                let noiseSeed = rng.next()
                let eps: [[Double]] = rows.indices.map { i in
                    var stream = RNG(seed: noiseSeed, stream: UInt64(i))
                    let e = Tensor(rows: 1, cols: L)
                    stream.fillStandardNormal(e.data, count: L)
                    return e.array.map(Double.init)
                }
                func loss(_ p: [Double]) -> Double {
                    var r = ref
                    r.flat = p
                    return -rows.indices.reduce(0.0) { $0 + r.objective(x: rows[$1], eps: eps[$1]) } / Double(rows.count)
                }
                let value = loss(theta)
                sum += -value * Double(batch)
                count += batch
                // Central differences in Double.
                let h = 1e-6
                var g = theta.indices.map { k -> Double in
                    var up = theta, down = theta
                    up[k] += h
                    down[k] -= h
                    return (loss(up) - loss(down)) / (2 * h)
                }
                // Clip the global norm at 5.
                let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 5 { g = g.map { $0 * 5 / norm } }
                // Their Adam: β1_t = 0.9 · 1e-8^(t−1), bias corrections with 0.9^t and 0.999^t.
                t += 1
                let b1t = 0.9 * pow(1e-8, Double(t - 1))
                for k in theta.indices {
                    m[k] = b1t * m[k] + (1 - b1t) * g[k]
                    v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k]
                    let mHat = m[k] / (1 - pow(0.9, Double(t))), vHat = v[k] / (1 - pow(0.999, Double(t)))
                    theta[k] -= lr * mHat / (vHat.squareRoot() + 1e-8)
                }
            }
            curve.append(sum / Double(count))
        }
        ref.flat = theta
        return curve
    }

    // MARK: - The check

    func testEngineMatchesAnIndependentImplementationOfTheAuthorsRecipe() {
        let config = ModelConfig(inputSize: 6, height: 2, width: 3, encoder: .mlp, encoderHidden: [4, 3], latent: 2,
                                 decoder: .bernoulli, decoderHidden: [4], initialisation: .glorot, encoderSigma: .exp)
        let model = VAEModel(config: config, seed: 5)
        // 10 examples in batches of 4: two steps an epoch, examples 8 and 9 never seen.
        let x = binaryBatch(rows: 10, cols: 6, seed: 21)
        let data = Dataset(name: "tiny", x: x, height: 2, width: 3, kind: .binary)
        let epochs = 9, seed: UInt64 = 7, lr: Float = 1e-3

        var ref = reference(from: model)
        let refCurve = trainReference(&ref, data: (0..<10).map { x.row($0).map(Double.init) }, batch: 4,
                                      epochs: epochs, baseLR: Double(lr), seed: seed, latent: 2)

        let train = TrainConfig(objective: ObjectiveConfig(kind: .dvae, K: 1, M: 1, corruption: .none, kl: .analytic),
                                epochs: epochs, batchSize: 4, adam: AdamConfig(lr: lr, variant: .authors), clipNorm: 5,
                                seed: seed, validateEveryEpoch: false, schedule: .authors, nonFinite: .shrink,
                                batchOrder: .fixed)
        let report = Trainer(model: model, config: train, threads: 1).run(train: data)
        XCTAssertEqual(report.steps, 2 * epochs, "fixed batches: ⌊10/4⌋ = 2 steps an epoch")

        let engineCurve = report.curve.map(\.trainBound)
        print("authors' recipe, engine vs reference, per-epoch training objective:",
              zip(engineCurve, refCurve).map { String(format: "%.5f/%.5f", $0, $1) })
        for (e, r) in zip(engineCurve, refCurve) {
            // float32 engine against a Double reference with finite-difference gradients.
            XCTAssertEqual(e, r, accuracy: 1e-4 * max(1, abs(r)))
        }
        let engineTheta = reference(from: model).flat
        let worst = zip(engineTheta, ref.flat).map { abs($0 - $1) }.max()!
        print("authors' recipe: largest parameter difference after \(2 * epochs) steps:", worst)
        XCTAssertLessThan(worst, 1e-4)
    }

    func testFixedBatchesNeverSeeTheRemainder() {
        // Rows 8 and 9 are NaN: the fixed order's full batches never reach them, the shuffled order does.
        let x = binaryBatch(rows: 10, cols: 6, seed: 3)
        for i in 48..<60 { x.data[i] = .nan }
        let data = Dataset(name: "nan-tail", x: x, height: 2, width: 3, kind: .binary)
        func skipped(_ order: BatchOrder) -> Int {
            let config = TrainConfig(objective: ObjectiveConfig(kind: .vae), epochs: 3, batchSize: 4, seed: 1,
                                     validateEveryEpoch: false, batchOrder: order)
            return Trainer(model: tinyModel(), config: config, threads: 1).run(train: data).skippedSteps
        }
        XCTAssertEqual(skipped(.fixed), 0)
        XCTAssertGreaterThan(skipped(.shuffled), 0)
    }
}
