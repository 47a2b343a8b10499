import XCTest
import Dispatch
@testable import DVAE

/// The GRU encoder: shapes, names, a reference (unbatched, scalar-loop) forward, and gradients
/// against central finite differences.
final class GRUEncoderTests: XCTestCase {
    /// A test loss that is linear in the outputs: f = Σ cμ ⊙ μ + Σ cλ ⊙ logVar, so dMu = cμ, dLogVar = cλ.
    private func loss(_ enc: GRUEncoder, _ x: Tensor, _ cMu: Tensor, _ cLv: Tensor) -> Double {
        let (mu, lv) = enc.forward(x)
        var s = 0.0
        for i in 0..<mu.count { s += Double(cMu.data[i]) * Double(mu.data[i]) + Double(cLv.data[i]) * Double(lv.data[i]) }
        return s
    }

    func testParameterNamesAndShapes() {
        let enc = GRUEncoder(inputWidth: 28, steps: 28, hidden: 200, latent: 50, seed: 1)
        XCTAssertEqual(enc.parameters.map(\.name), [
            "encoder.gru.input.weight", "encoder.gru.input.bias", "encoder.gru.gates.weight",
            "encoder.gru.candidate.weight", "encoder.mu.weight", "encoder.mu.bias",
            "encoder.logvar.weight", "encoder.logvar.bias"])
        XCTAssertEqual(enc.parameters.map { [$0.value.rows, $0.value.cols] },
                       [[600, 28], [1, 600], [400, 200], [200, 200], [50, 200], [1, 50], [50, 200], [1, 50]])
        let x = Tensor(rows: 7, cols: 784); var rng = RNG(seed: 2); rng.fillNormal(x)
        let (mu, lv) = enc.forward(x)
        XCTAssertEqual([mu.rows, mu.cols, lv.rows, lv.cols], [7, 50, 7, 50])
        XCTAssertTrue(mu.allFinite && lv.allFinite)
    }

    /// The batched forward equals a direct transcription of the equations, one example at a time, in Double.
    func testForwardMatchesReferenceRecurrence() {
        let T = 4, W = 3, H = 5, L = 2, n = 3
        let enc = GRUEncoder(inputWidth: W, steps: T, hidden: H, latent: L, seed: 3)
        var rng = RNG(seed: 4)
        for p in enc.parameters { for i in 0..<p.value.count { p.value.data[i] += 0.3 * rng.normal() } }
        let x = Tensor(rows: n, cols: T * W); rng.fillNormal(x)
        let (mu, _) = enc.forward(x)
        func v(_ p: Parameter, _ r: Int, _ c: Int) -> Double { Double(p.value[r, c]) }
        func sig(_ a: Double) -> Double { 1 / (1 + exp(-a)) }
        for i in 0..<n {
            var h = [Double](repeating: 0, count: H)
            for t in 0..<T {
                let xt = (0..<W).map { Double(x[i, t * W + $0]) }
                func pre(_ g: Int, _ j: Int) -> Double {
                    (0..<W).reduce(v(enc.inputBias, 0, g * H + j)) { $0 + v(enc.inputWeight, g * H + j, $1) * xt[$1] }
                }
                let z = (0..<H).map { j in sig(pre(0, j) + (0..<H).reduce(0.0) { $0 + v(enc.gateWeight, j, $1) * h[$1] }) }
                let r = (0..<H).map { j in sig(pre(1, j) + (0..<H).reduce(0.0) { $0 + v(enc.gateWeight, H + j, $1) * h[$1] }) }
                let c = (0..<H).map { j in tanh(pre(2, j) + (0..<H).reduce(0.0) { $0 + v(enc.candidateWeight, j, $1) * r[$1] * h[$1] }) }
                h = (0..<H).map { z[$0] * h[$0] + (1 - z[$0]) * c[$0] }
            }
            for l in 0..<L {
                let m = (0..<H).reduce(v(enc.muHead.bias, 0, l)) { $0 + v(enc.muHead.weight, l, $1) * h[$1] }
                XCTAssertEqual(Double(mu[i, l]), m, accuracy: 1e-5)
            }
        }
    }

    /// Every parameter's gradient against central finite differences.
    ///
    /// Tolerance: the forward runs in Float32 (unit round-off 6e-8, plus the fast exp/tanh kernels,
    /// relative error < 1e-6), so f is known to about δ ≈ 1e-6 · Σ|terms| ≈ 1e-6. A central difference
    /// with step h has round-off error ≈ δ / h and truncation error ≈ h² |f‴| / 6. With h = 1e-2 both are
    /// ≈ 1e-4 in absolute terms, so we compare |g − fd| / max(|g|, |fd|, 1e-2) and accept 1e-2: errors
    /// of a wrong formula are O(1) in that measure. The directional derivative along a random direction of
    /// all parameters averages the noise away and must agree to 1e-3.
    func testGradientsMatchCentralFiniteDifferences() {
        let T = 3, W = 4, H = 5, L = 2, n = 3
        let enc = GRUEncoder(inputWidth: W, steps: T, hidden: H, latent: L, seed: 5)
        var rng = RNG(seed: 6)
        // Larger-than-default weights so gates are away from 0.5 and the state is non-trivial.
        for p in enc.parameters { for i in 0..<p.value.count { p.value.data[i] += 0.4 * rng.normal() } }
        let x = Tensor(rows: n, cols: T * W); rng.fillNormal(x)
        let cMu = Tensor(rows: n, cols: L), cLv = Tensor(rows: n, cols: L)
        rng.fillNormal(cMu); rng.fillNormal(cLv)

        for p in enc.parameters { p.grad.zero() }
        _ = loss(enc, x, cMu, cLv)
        enc.backward(dMu: cMu, dLogVar: cLv)

        let h: Float = 1e-2
        var worst = 0.0, worstName = ""
        var directionalAnalytic = 0.0
        var direction: [[Float]] = []
        for p in enc.parameters {
            var maxRel = 0.0
            var dir = [Float]()
            for i in 0..<p.value.count {
                let old = p.value.data[i]
                p.value.data[i] = old + h; let fp = loss(enc, x, cMu, cLv)
                p.value.data[i] = old - h; let fm = loss(enc, x, cMu, cLv)
                p.value.data[i] = old
                let fd = (fp - fm) / (2 * Double(h))
                let g = Double(p.grad.data[i])
                maxRel = max(maxRel, abs(g - fd) / max(abs(g), abs(fd), 1e-2))
                let d = rng.normal(); dir.append(d); directionalAnalytic += Double(d) * g
            }
            direction.append(dir)
            print("GRU grad check \(p.name): max relative error \(maxRel)")
            if maxRel > worst { worst = maxRel; worstName = p.name }
        }
        print("GRU grad check: worst \(worst) (\(worstName))")
        XCTAssertLessThan(worst, 1e-2)

        // Directional derivative along `direction`, step ε.
        func shifted(_ s: Float) -> Double {
            let params = enc.parameters
            let saved = params.map { $0.value.copy() }
            for (p, d) in zip(params, direction) { for i in 0..<p.value.count { p.value.data[i] += s * d[i] } }
            let f = loss(enc, x, cMu, cLv)
            for (p, s) in zip(params, saved) { p.value.copy(from: s) }
            return f
        }
        let eps: Float = 1e-3
        let directionalFD = (shifted(eps) - shifted(-eps)) / (2 * Double(eps))
        let rel = abs(directionalFD - directionalAnalytic) / abs(directionalAnalytic)
        print("GRU grad check: directional derivative analytic \(directionalAnalytic) FD \(directionalFD) relative error \(rel)")
        XCTAssertLessThan(rel, 1e-3)
    }

    /// Gradients accumulate (two backward passes give twice the gradient) and a second forward with a
    /// different batch size works.
    func testGradientsAccumulateAndBatchSizeCanChange() {
        let enc = GRUEncoder(inputWidth: 3, steps: 2, hidden: 4, latent: 2, seed: 8)
        var rng = RNG(seed: 9)
        let x = Tensor(rows: 2, cols: 6); rng.fillNormal(x)
        let d = Tensor(rows: 2, cols: 2, repeating: 1)
        _ = enc.forward(x); enc.backward(dMu: d, dLogVar: d)
        let once = enc.parameters.map { $0.grad.copy() }
        _ = enc.forward(x); enc.backward(dMu: d, dLogVar: d)
        for (p, g) in zip(enc.parameters, once) {
            for i in 0..<g.count { XCTAssertEqual(p.grad.data[i], 2 * g.data[i], accuracy: 1e-5) }
        }
        let x5 = Tensor(rows: 5, cols: 6); rng.fillNormal(x5)
        let (mu, _) = enc.forward(x5)
        XCTAssertEqual(mu.rows, 5)
        enc.backward(dMu: Tensor(rows: 5, cols: 2, repeating: 1), dLogVar: Tensor(rows: 5, cols: 2))
        XCTAssertTrue(enc.parameters.allSatisfy { $0.grad.allFinite })
    }

    /// Through the engine: a VAEModel with the GRU encoder, DVAE objective with salt-and-pepper noise.
    /// With a fixed RNG seed the objective is a deterministic function of θ, so its gradient can be
    /// finite-differenced too (spot check of a few GRU weights; same tolerance reasoning as above).
    func testGRUEncoderInsideVAEModelObjectiveGradient() {
        let config = ModelConfig(inputSize: 12, height: 3, width: 4, encoder: .gru, encoderHidden: [5], latent: 2,
                                 decoder: .bernoulli, decoderHidden: [6])
        let enc = GRUEncoder(inputWidth: 4, steps: 3, hidden: 5, latent: 2, seed: 1)
        let model = VAEModel(config: config, encoder: enc, decoderSeed: 2)
        var rng = RNG(seed: 3)
        let x = Tensor(rows: 4, cols: 12)
        for i in 0..<x.count { x.data[i] = rng.uniform() < 0.5 ? 0 : 1 }
        let obj = ObjectiveConfig(kind: .dvae, K: 2, M: 2, corruption: .saltPepper(0.2))
        func f() -> Double { var r = RNG(seed: 99); return evaluateObjective(model, batch: x, config: obj, rng: &r, accumulateGradients: false) }
        model.zeroGradients()
        var r = RNG(seed: 99)
        _ = evaluateObjective(model, batch: x, config: obj, rng: &r, accumulateGradients: true)
        let h: Float = 1e-2
        var worst = 0.0
        for p in [enc.inputWeight, enc.gateWeight, enc.candidateWeight, enc.inputBias] {
            for i in stride(from: 0, to: p.value.count, by: 7) {
                let old = p.value.data[i]
                p.value.data[i] = old + h; let fp = f()
                p.value.data[i] = old - h; let fm = f()
                p.value.data[i] = old
                let fd = -(fp - fm) / (2 * Double(h))        // grad is of the loss = −objective
                let g = Double(p.grad.data[i])
                worst = max(worst, abs(g - fd) / max(abs(g), abs(fd), 1e-2))
            }
        }
        print("GRU inside VAEModel, dvae objective: max relative gradient error \(worst)")
        XCTAssertLessThan(worst, 2e-2)
    }

    /// Timing of one forward + backward at the paper's size (printed, not asserted).
    func testTimingAtPaperSize() {
        let enc = GRUEncoder(inputWidth: 28, steps: 28, hidden: 200, latent: 50, seed: 1)
        var rng = RNG(seed: 2)
        let x = Tensor(rows: 100, cols: 784); rng.fillNormal(x)
        let d = Tensor(rows: 100, cols: 50); rng.fillNormal(d)
        _ = enc.forward(x); enc.backward(dMu: d, dLogVar: d)
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<10 { _ = enc.forward(x); enc.backward(dMu: d, dLogVar: d) }
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e7
        print(String(format: "GRU encoder 28×28, H=200, L=50, batch 100: %.2f ms per forward+backward", ms))
    }
}
