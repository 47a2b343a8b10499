import CKernels
import XCTest
@testable import DVAE

/// The first layer on 0/1 input (`BinaryInput`, BinaryInputLoops.c): x Wᵀ and dyᵀx as sums of rows
/// at the ones, against exact sums, finite differences and the dense products; its fallbacks; the
/// same bits for every split of a batch, every path and every vector level; and training.
final class BinaryInputTests: XCTestCase {
    override func tearDown() {
        BinaryInput.densityLimit = 0.25
        dvae_kernels_select(nil)
    }

    /// A rows × cols batch of 0/1 with ones at `density`.
    private func zeroOne(_ rows: Int, _ cols: Int, density: Double, _ rng: inout RNG) -> Tensor {
        let x = Tensor(rows: rows, cols: cols)
        for i in 0..<x.count { x.data[i] = Double(rng.uniform()) < density ? 1 : 0 }
        return x
    }

    /// A first layer (its input is data) with random weights and bias, the same for a seed.
    private func firstLayer(inputs: Int, outputs: Int, seed: UInt64 = 9) -> Affine {
        var rng = RNG(seed: seed)
        let layer = Affine(name: "first", inputSize: inputs, outputSize: outputs, rng: &rng, computesInputGradient: false)
        for i in 0..<outputs { layer.bias.value.data[i] = rng.normal() }
        return layer
    }

    /// y and dW of one forward and backward pass from zero gradients, and whether the 0/1 path ran.
    private func pass(_ layer: Affine, _ x: Tensor, _ dy: Tensor) -> (y: [Float], dW: [Float], binary: Bool) {
        layer.weight.grad.zero()
        let y = layer.forward(x).array
        layer.backward(dy)
        return (y, layer.weight.grad.array, layer.usesBinaryInput)
    }

    /// Against sums in double: y[r, o] = b[o] + Σ_{x[r,j]=1} W[o, j] has (ones in row r) + 1 terms
    /// and dW[o, j] = Σ_{x[r,j]=1} dy[r, o] has (ones in column j) terms; a float32 sum of n terms
    /// is within γ_n Σ|terms| of the exact one in any order (`Float32Rounding`), and the dense
    /// products are too, so the two paths are within twice that of each other.
    func testProductsEqualExactSumsAndTheDenseProductsToRounding() {
        var rng = RNG(seed: 4)
        // 37 × 100: rows not a multiple of anything, columns not of the 16-wide scan; 70 outputs
        // not a multiple of the 64-wide chunks.
        let x = zeroOne(37, 100, density: 0.15, &rng), dy = randomTensor(37, 70, &rng)
        let sparse = pass(firstLayer(inputs: 100, outputs: 70), x, dy)
        BinaryInput.densityLimit = 0
        let dense = pass(firstLayer(inputs: 100, outputs: 70), x, dy)
        BinaryInput.densityLimit = 0.25
        XCTAssertTrue(sparse.binary)
        XCTAssertFalse(dense.binary)
        let layer = firstLayer(inputs: 100, outputs: 70)
        let W = layer.weight.value, b = layer.bias.value
        var worst = 0.0
        for r in 0..<37 {
            let ones = (0..<100).filter { x[r, $0] == 1 }
            for o in 0..<70 {
                var exact = Double(b[0, o]), magnitude = abs(Double(b[0, o]))
                for j in ones { exact += Double(W[o, j]); magnitude += abs(Double(W[o, j])) }
                let bound = Float32Rounding.gamma(ones.count + 1) * magnitude
                let i = r * 70 + o
                XCTAssertLessThanOrEqual(abs(Double(sparse.y[i]) - exact), bound, "y[\(r), \(o)]")
                XCTAssertLessThanOrEqual(abs(Double(sparse.y[i]) - Double(dense.y[i])), 2 * bound, "y[\(r), \(o)]")
                if bound > 0 { worst = max(worst, abs(Double(sparse.y[i]) - exact) / bound) }
            }
        }
        for j in 0..<100 {
            let rows = (0..<37).filter { x[$0, j] == 1 }
            for o in 0..<70 {
                var exact = 0.0, magnitude = 0.0
                for r in rows { exact += Double(dy[r, o]); magnitude += abs(Double(dy[r, o])) }
                let bound = Float32Rounding.gamma(max(rows.count, 1)) * magnitude
                let i = o * 100 + j
                XCTAssertLessThanOrEqual(abs(Double(sparse.dW[i]) - exact), bound, "dW[\(o), \(j)]")
                XCTAssertLessThanOrEqual(abs(Double(sparse.dW[i]) - Double(dense.dW[i])), 2 * bound, "dW[\(o), \(j)]")
            }
        }
        print("0/1 first layer: worst use of the rounding bound (y) \(worst)")
        // The comparison can fail: a layer that missed one pixel of one digit is far outside it.
        let missing = Tensor(rows: 37, cols: 100)
        missing.data.update(from: x.data, count: x.count)
        let j = (0..<100).first { x[5, $0] == 1 }!
        missing[5, j] = 0
        let wrong = pass(firstLayer(inputs: 100, outputs: 70), missing, dy)
        XCTAssertTrue(wrong.binary)
        XCTAssertGreaterThan(abs(wrong.y[5 * 70] - sparse.y[5 * 70]), 1e-3)
    }

    /// dW and db of the 0/1 path against central differences of Σ c ⊙ y (the forward also on it).
    func testGradientsMatchFiniteDifferences() {
        var rng = RNG(seed: 6)
        let x = zeroOne(6, 40, density: 0.2, &rng), c = randomTensor(6, 5, &rng)
        let layer = firstLayer(inputs: 40, outputs: 5)
        let analytic = pass(layer, x, c)
        XCTAssertTrue(analytic.binary)
        let db = layer.bias.grad.array
        let loss = { weightedSum(layer.forward(x), c) }
        let errors = [maxRelativeError(of: layer.weight.value, analytic: analytic.dW, loss: loss),
                      maxRelativeError(of: layer.bias.value, analytic: db, loss: loss)]
        print("0/1 first layer max relative error (W, b):", errors)
        XCTAssertLessThan(errors.max()!, gradientTolerance)
        XCTAssertTrue(layer.usesBinaryInput)
        // The check catches a wrong gradient: dW scaled by 1.1.
        XCTAssertGreaterThan(maxRelativeError(of: layer.weight.value, analytic: analytic.dW.map { $0 * 1.1 }, loss: loss),
                             gradientTolerance)
    }

    /// Grey values, NaN and dense batches take the dense product; an all-zero batch gives the bias;
    /// a layer whose input gradient is needed never takes the 0/1 path.
    func testWhatTakesTheDenseProduct() {
        var rng = RNG(seed: 8)
        let layer = firstLayer(inputs: 32, outputs: 3)
        let x = zeroOne(4, 32, density: 0.1, &rng)
        layer.forward(x)
        XCTAssertTrue(layer.usesBinaryInput)
        x[2, 7] = 0.5
        layer.forward(x)
        XCTAssertFalse(layer.usesBinaryInput, "a grey value")
        x[2, 7] = .nan
        let y = layer.forward(x)
        XCTAssertFalse(layer.usesBinaryInput, "NaN")
        XCTAssertTrue(y[2, 0].isNaN, "NaN reaches the output")
        XCTAssertFalse(y[1, 0].isNaN)
        layer.forward(zeroOne(4, 32, density: 0.6, &rng))
        XCTAssertFalse(layer.usesBinaryInput, "over a quarter ones")
        let zeros = Tensor(rows: 4, cols: 32)
        zeros[1, 3] = -0.0
        let bias = layer.forward(zeros)
        XCTAssertTrue(layer.usesBinaryInput)
        for r in 0..<4 { for o in 0..<3 { XCTAssertEqual(bias[r, o], layer.bias.value[0, o]) } }
        var r2 = RNG(seed: 1)
        let hidden = Affine(name: "hidden", inputSize: 32, outputSize: 3, rng: &r2)
        hidden.forward(x)
        XCTAssertFalse(hidden.usesBinaryInput)
    }

    /// dW is the same bits from one layer's backward pass, from the deferred per-row writes of the
    /// fused step in any row split, and from any split of the batch into worker shards: every path
    /// adds dy's rows in ascending example order from zero.
    func testTheWeightGradientIsTheSameBitsForEverySplitAndPath() {
        var rng = RNG(seed: 12)
        let x = zeroOne(100, 784, density: 0.16, &rng), dy = randomTensor(100, 200, &rng)
        let whole = firstLayer(inputs: 784, outputs: 200)
        let reference = pass(whole, x, dy).dW
        XCTAssertTrue(whole.usesBinaryInput)

        func deferred(_ shards: [Range<Int>], rowSplits: [Range<Int>]) -> [Float] {
            let layers = shards.map { _ in firstLayer(inputs: 784, outputs: 200) }
            for (layer, shard) in zip(layers, shards) {
                layer.defersParameterGradients = true
                layer.forward(x.rows(shard))
                layer.backward(dy.rows(shard))
                layer.defersParameterGradients = false
                XCTAssertTrue(layer.usesBinaryInput)
            }
            let target = layers[0]
            target.weight.grad.fill(.nan)     // written, not added
            for rows in rowSplits { target.writeParameterGradients(rows: rows, from: layers) }
            return target.weight.grad.array
        }
        XCTAssertEqual(deferred([0..<100], rowSplits: [0..<200]), reference)
        XCTAssertEqual(deferred([0..<100], rowSplits: [0..<64, 64..<200]), reference)
        XCTAssertEqual(deferred([0..<50, 50..<100], rowSplits: [0..<200]), reference)
        XCTAssertEqual(deferred([0..<33, 33..<34, 34..<100], rowSplits: [0..<7, 7..<130, 130..<200]), reference)
    }

    /// The sums vectorise across output units only, so every vector level gives the same bits.
    func testEveryVectorLevelGivesTheSameBits() {
        var rng = RNG(seed: 14)
        let x = zeroOne(50, 784, density: 0.16, &rng), dy = randomTensor(50, 200, &rng)
        #if arch(x86_64)
        let levels = ["x86-64-v4", "x86-64-v3", "x86-64"]
        #else
        let levels = ["generic"]
        #endif
        var results: [(String, [Float], [Float])] = []
        for level in levels where dvae_kernels_select(level) == 1 {
            let r = pass(firstLayer(inputs: 784, outputs: 200), x, dy)
            XCTAssertTrue(r.binary)
            results.append((level, r.y, r.dW))
        }
        dvae_kernels_select(nil)
        XCTAssertFalse(results.isEmpty)
        for (level, y, dW) in results.dropFirst() {
            XCTAssertEqual(y, results[0].1, level)
            XCTAssertEqual(dW, results[0].2, level)
        }
    }

    /// Training on 0/1 digits with salt-and-pepper noise on two workers: the 0/1 path runs and the
    /// parameters stay with the dense path's to rounding (the tolerance's argument is in
    /// ParallelTests.testOneAndSeveralThreadsAgreeToRounding: six Adam steps of lr 1e-2).
    func testTrainingMatchesTheDenseProducts() {
        var rng = RNG(seed: 16)
        let x = zeroOne(64, 100, density: 0.13, &rng)
        let config = ModelConfig(inputSize: 100, height: 10, width: 10, encoder: .mlp, encoderHidden: [24], latent: 4,
                                 decoder: .bernoulli, decoderHidden: [24])
        func trained() -> (VAEModel, Bool) {
            let model = VAEModel(config: config, seed: 5)
            let trainer = Trainer(model: model, config: TrainConfig(
                objective: ObjectiveConfig(kind: .dvae, K: 1, M: 1, corruption: .saltPepper(0.05)), epochs: 1,
                batchSize: 64, adam: AdamConfig(lr: 1e-2), clipNorm: 5, seed: 3), threads: 2)
            var r = RNG(seed: 7)
            for _ in 0..<6 { XCTAssertNotNil(trainer.step(batch: x, rng: &r)) }
            let first = (model.encoder as? MLPEncoder)?.body.trunk.layers.first
            return (model, first?.usesBinaryInput ?? false)
        }
        let (sparse, usedSparse) = trained()
        BinaryInput.densityLimit = 0
        let (dense, usedDense) = trained()
        XCTAssertTrue(usedSparse)
        XCTAssertFalse(usedDense)
        for (p, q) in zip(sparse.parameters, dense.parameters) {
            for i in 0..<p.value.count { XCTAssertEqual(p.value.data[i], q.value.data[i], accuracy: 1e-4, p.name) }
        }
    }
}
