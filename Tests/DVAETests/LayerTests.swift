import XCTest
import Foundation
import DVAE

// MARK: - Finite-difference support shared by the gradient tests

/// Relative error used by all gradient checks: |a − n| / max(|a|, |n|, floor).
///
/// Why these numbers: the functions are evaluated in Float32 with reductions in Double. With step
/// h = 1e-2 the rounding noise of a central difference is about (1e-6 absolute) / (2h) ≈ 5e-5 and the
/// truncation error h²/6 · f‴ is ≲ 1e-4 for these small, smooth networks, so a correct gradient
/// shows relative errors of 1e-4…1e-3 and the tolerance 1e-2 leaves a margin of ~10×, while a
/// wrong gradient (a sign, a missing term, a factor 1.1) gives errors ≥ 5e-2. The floor keeps
/// near-zero gradient entries from dividing noise by nothing.
let gradientTolerance = 1e-2
let gradientStep: Float = 1e-2

func relativeError(_ a: Double, _ n: Double, floor: Double = 1e-2) -> Double {
    abs(a - n) / max(abs(a), abs(n), floor)
}

/// Max relative error between `analytic` (dLoss/dvalue) and central differences of `loss` with
/// respect to every entry of `value`.
func maxRelativeError(of value: Tensor, analytic: [Float], loss: () -> Double,
                      h: Float = gradientStep) -> Double {
    precondition(analytic.count == value.count)
    var worst = 0.0
    for i in 0..<value.count {
        let original = value.data[i]
        let plus = original + h, minus = original - h
        value.data[i] = plus
        let fp = loss()
        value.data[i] = minus
        let fm = loss()
        value.data[i] = original
        let numeric = (fp - fm) / (Double(plus) - Double(minus))
        worst = max(worst, relativeError(Double(analytic[i]), numeric))
    }
    return worst
}

func randomTensor(_ rows: Int, _ cols: Int, _ rng: inout RNG, scale: Float = 1) -> Tensor {
    let t = Tensor(rows: rows, cols: cols)
    for i in 0..<t.count { t.data[i] = scale * rng.normal() }
    return t
}

/// Σ c ⊙ y in Double: a scalar "loss" whose gradient with respect to y is c.
func weightedSum(_ y: Tensor, _ c: Tensor) -> Double {
    var s = 0.0
    for i in 0..<y.count { s += Double(y.data[i]) * Double(c.data[i]) }
    return s
}

// MARK: - Layer tests

final class LayerTests: XCTestCase {
    func testAffineGradients() {
        var rng = RNG(seed: 1)
        let layer = Affine(name: "l", inputSize: 5, outputSize: 3, rng: &rng)
        let x = randomTensor(4, 5, &rng), c = randomTensor(4, 3, &rng)
        for i in 0..<layer.bias.value.count { layer.bias.value.data[i] = rng.normal() }
        layer.forward(x)
        let dx = layer.backward(c)!.array
        let dW = layer.weight.grad.array, db = layer.bias.grad.array
        let loss = { weightedSum(layer.forward(x), c) }
        let errors = [maxRelativeError(of: layer.weight.value, analytic: dW, loss: loss),
                      maxRelativeError(of: layer.bias.value, analytic: db, loss: loss),
                      maxRelativeError(of: x, analytic: dx, loss: loss)]
        print("Affine max relative error (W, b, x):", errors)
        XCTAssertLessThan(errors.max()!, gradientTolerance)
        // y = x Wᵀ + b, checked on one entry.
        let y = layer.forward(x)
        var expected = Double(layer.bias.value[0, 1])
        for j in 0..<5 { expected += Double(x[2, j]) * Double(layer.weight.value[1, j]) }
        XCTAssertEqual(Double(y[2, 1]), expected, accuracy: 1e-5)
    }

    func testAffineSkipsInputGradientWhenAsked() {
        var rng = RNG(seed: 2)
        let layer = Affine(name: "first", inputSize: 3, outputSize: 2, rng: &rng, computesInputGradient: false)
        layer.forward(randomTensor(2, 3, &rng))
        XCTAssertNil(layer.backward(randomTensor(2, 2, &rng)))
        XCTAssertNotEqual(layer.weight.grad.sumOfSquares(), 0)
    }

    func testActivationGradients() {
        for kind in ActivationKind.allCases {
            var rng = RNG(seed: 3)
            let x = randomTensor(3, 7, &rng, scale: 2)
            if kind == .relu {   // keep away from the kink, where the derivative is undefined
                for i in 0..<x.count where abs(x.data[i]) < 0.1 { x.data[i] = 0.5 }
            }
            let c = randomTensor(3, 7, &rng)
            let layer = Activation(kind)
            layer.forward(x)
            let dx = layer.backward(c).array
            let err = maxRelativeError(of: x, analytic: dx, loss: { weightedSum(layer.forward(x), c) })
            print("Activation \(kind) max relative error:", err)
            XCTAssertLessThan(err, gradientTolerance, "\(kind)")
        }
    }

    func testActivationValues() {
        let x = Tensor(rows: 1, cols: 4, values: [-30, -1, 0.5, 40])
        let sp = Activation(.softplus).forward(x)
        for i in 0..<4 {
            let v = Double(x.data[i])
            XCTAssertEqual(Double(sp.data[i]), max(v, 0) + log1p(exp(-abs(v))), accuracy: 1e-6 * max(1, abs(v)))
        }
        let th = Activation(.tanh).forward(x)
        for i in 0..<4 { XCTAssertEqual(Double(th.data[i]), tanh(Double(x.data[i])), accuracy: 1e-6) }
        XCTAssertEqual(Activation(.relu).forward(x).array, [0, 0, 0.5, 40])
    }

    func testBernoulliLikelihood() {
        var rng = RNG(seed: 4)
        let logits = randomTensor(3, 6, &rng, scale: 3)
        let x = Tensor(rows: 3, cols: 6)
        for i in 0..<x.count { x.data[i] = rng.uniform() < 0.5 ? 1 : 0 }
        let rowWeights = randomTensor(3, 1, &rng)
        let layer = BernoulliLikelihood()
        var out = [Double](repeating: 0, count: 3)
        layer.logLikelihood(logits: logits, x: x, into: &out)
        // Value against the direct formula.
        for r in 0..<3 {
            var s = 0.0
            for d in 0..<6 {
                let p = 1 / (1 + exp(-Double(logits[r, d])))
                s += x[r, d] == 1 ? log(p) : log(1 - p)
            }
            XCTAssertEqual(out[r], s, accuracy: 1e-5)
        }
        let dl = layer.backward(x: x, dLogLik: rowWeights).array
        let loss: () -> Double = {
            var o = [Double](repeating: 0, count: 3)
            layer.logLikelihood(logits: logits, x: x, into: &o)
            return (0..<3).reduce(0) { $0 + o[$1] * Double(rowWeights.data[$1]) }
        }
        let err = maxRelativeError(of: logits, analytic: dl, loss: loss)
        print("Bernoulli likelihood max relative error:", err)
        XCTAssertLessThan(err, gradientTolerance)
        // Extreme logits stay finite.
        let extreme = Tensor(rows: 1, cols: 2, values: [200, -200])
        layer.logLikelihood(logits: extreme, x: Tensor(rows: 1, cols: 2, values: [1, 0]), into: &out)
        XCTAssertEqual(out[0], 0, accuracy: 1e-6)
    }

    func testGaussianLikelihood() {
        var rng = RNG(seed: 5)
        let mu = randomTensor(3, 4, &rng), x = randomTensor(3, 4, &rng)
        let layer = GaussianLikelihood(name: "decoder.logvar", dimension: 4)
        for i in 0..<4 { layer.logVariance.value.data[i] = 0.5 * rng.normal() }
        let rowWeights = randomTensor(3, 1, &rng)
        var out = [Double](repeating: 0, count: 3)
        layer.logLikelihood(mean: mu, x: x, into: &out)
        var s = 0.0
        for d in 0..<4 {
            let lv = Double(layer.logVariance.value.data[d]), diff = Double(x[1, d] - mu[1, d])
            s += -0.5 * (log(2 * Double.pi) + lv + diff * diff * exp(-lv))
        }
        XCTAssertEqual(out[1], s, accuracy: 1e-5)
        let dmu = layer.backward(mean: mu, x: x, dLogLik: rowWeights).array
        let dlv = layer.logVariance.grad.array
        let loss: () -> Double = {
            var o = [Double](repeating: 0, count: 3)
            layer.logLikelihood(mean: mu, x: x, into: &o)
            return (0..<3).reduce(0) { $0 + o[$1] * Double(rowWeights.data[$1]) }
        }
        let errors = [maxRelativeError(of: mu, analytic: dmu, loss: loss),
                      maxRelativeError(of: layer.logVariance.value, analytic: dlv, loss: loss)]
        print("Gaussian likelihood max relative error (mean, logvar):", errors)
        XCTAssertLessThan(errors.max()!, gradientTolerance)
    }

    func testMLPStackGradient() {
        var rng = RNG(seed: 6)
        let mlp = MLP(prefix: "net", inputSize: 4, hidden: [5, 3], rng: &rng, inputGradient: true)
        XCTAssertEqual(mlp.parameters.map(\.name),
                       ["net.layer0.weight", "net.layer0.bias", "net.layer1.weight", "net.layer1.bias"])
        let x = randomTensor(2, 4, &rng), c = randomTensor(2, 3, &rng)
        _ = mlp.forward(x)
        let dx = mlp.backward(c)!.array
        let dW0 = mlp.layers[0].weight.grad.array
        let loss = { weightedSum(mlp.forward(x), c) }
        let errors = [maxRelativeError(of: x, analytic: dx, loss: loss),
                      maxRelativeError(of: mlp.layers[0].weight.value, analytic: dW0, loss: loss)]
        print("MLP max relative error (x, W0):", errors)
        XCTAssertLessThan(errors.max()!, gradientTolerance)
    }

    func testGradientCheckDetectsAWrongGradient() {
        // Negative control: the checker must reject a gradient that is off by 10 %.
        var rng = RNG(seed: 7)
        let layer = Affine(name: "l", inputSize: 3, outputSize: 2, rng: &rng)
        let x = randomTensor(4, 3, &rng), c = randomTensor(4, 2, &rng)
        layer.forward(x)
        layer.backward(c)
        let wrong = layer.weight.grad.array.map { $0 * 1.1 }
        let err = maxRelativeError(of: layer.weight.value, analytic: wrong, loss: { weightedSum(layer.forward(x), c) })
        XCTAssertGreaterThan(err, gradientTolerance)
    }

    func testFastKernelsAccuracy() {
        var worstExp = 0.0, worstLog = 0.0, worstSoftplus = 0.0, worstSigmoid = 0.0
        var x: Float = -80
        while x <= 80 {
            worstExp = max(worstExp, abs(Double(fastExp(x)) - exp(Double(x))) / exp(Double(x)))
            let sp = max(Double(x), 0) + log1p(exp(-abs(Double(x))))
            worstSoftplus = max(worstSoftplus, abs(Double(fastSoftplus(x)) - sp) / max(sp, 1e-30))
            let sg = 1 / (1 + exp(-Double(x)))
            worstSigmoid = max(worstSigmoid, abs(Double(fastSigmoid(x)) - sg) / sg)
            x += 0.0137
        }
        var v: Float = 1e-30
        while v < 1e30 {
            worstLog = max(worstLog, abs(Double(fastLog(v)) - log(Double(v))) / max(abs(log(Double(v))), 1))
            v *= 1.0173
        }
        print("kernel max relative errors exp/log/softplus/sigmoid:", worstExp, worstLog, worstSoftplus, worstSigmoid)
        XCTAssertLessThan(worstExp, 1e-6)
        XCTAssertLessThan(worstLog, 1e-6)
        XCTAssertLessThan(worstSoftplus, 1e-5)
        XCTAssertLessThan(worstSigmoid, 1e-5)
        XCTAssertTrue(fastSoftplus(.nan).isNaN)
        var u: Float = 0
        while u < 1 {
            let (s, c) = fastSinCos2Pi(u)
            XCTAssertEqual(Double(s), sin(2 * Double.pi * Double(u)), accuracy: 2e-6)
            XCTAssertEqual(Double(c), cos(2 * Double.pi * Double(u)), accuracy: 2e-6)
            u += 0.0071
        }
    }

    func testFastNormalMoments() {
        var rng = RNG(seed: 8)
        let t = Tensor(rows: 1000, cols: 201)
        rng.fillStandardNormal(t)
        let n = Double(t.count)
        let mean = t.sum() / n, variance = t.sumOfSquares() / n - mean * mean
        var fourth = 0.0
        for i in 0..<t.count { fourth += pow(Double(t.data[i]) - mean, 4) }
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(variance, 1, accuracy: 0.01)
        XCTAssertEqual(fourth / n, 3, accuracy: 0.06)
    }
}
