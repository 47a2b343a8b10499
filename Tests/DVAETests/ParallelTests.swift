import CKernels
import XCTest
@testable import DVAE

/// Data-parallel training steps and bounds: determinism for a seed and thread count, agreement
/// across thread counts, gradients through the threaded path, and the bound's progress/stop.
final class ParallelTests: XCTestCase {
    /// A batch of 64 binary 4×4 images and a small MLP model.
    private let x = binaryBatch(rows: 64, cols: 16, seed: 21)
    private func model(_ seed: UInt64 = 5) -> VAEModel { VAEModel(config: smallModelConfig(), seed: seed) }
    private let objective = ObjectiveConfig(kind: .diwae, K: 3, M: 2, corruption: .saltPepper(0.2))

    private func trained(threads: Int, steps: Int = 6) -> VAEModel {
        let m = model()
        let trainer = Trainer(model: m, config: TrainConfig(objective: objective, epochs: 1, batchSize: 64,
                                                            adam: AdamConfig(lr: 1e-2), clipNorm: 5, seed: 3),
                              threads: threads)
        var rng = RNG(seed: 7)
        for _ in 0..<steps { XCTAssertNotNil(trainer.step(batch: x, rng: &rng)) }
        return m
    }

    func testSameSeedAndThreadCountGiveBitIdenticalParameters() {
        let a = trained(threads: 2), b = trained(threads: 2)
        for (p, q) in zip(a.parameters, b.parameters) {
            XCTAssertEqual(p.value.array, q.value.array, p.name)
        }
        let c = trained(threads: 3), d = trained(threads: 3)
        for (p, q) in zip(c.parameters, d.parameters) { XCTAssertEqual(p.value.array, q.value.array, p.name) }
    }

    /// Per parameter element, Σ over the batch's examples of |that example's contribution to the
    /// batch gradient|, each example run alone with the noise it gets in the whole batch (its own
    /// stream): the magnitude of the terms the batch gradient adds up, whatever the split.
    private func gradientMagnitudes(_ makeModel: () -> VAEModel, batch: Tensor, noiseSeed: UInt64) -> [[Double]] {
        let m = makeModel()
        var total = m.parameters.map { [Double](repeating: 0, count: $0.grad.count) }
        for i in 0..<batch.rows {
            m.zeroGradients()
            _ = shardObjective(m, batch: batch, rows: i..<(i + 1), config: objective, noiseSeed: noiseSeed,
                               batchSize: batch.rows, accumulateGradients: true)
            for (p, parameter) in m.parameters.enumerated() {
                for j in 0..<parameter.grad.count { total[p][j] += Double(abs(parameter.grad.data[j])) }
            }
        }
        return total
    }

    /// The rounding bounds of one objective evaluation with gradients (see `Float32Rounding`):
    /// - the objective is a mean of log-weights (or of their log-mean-exp over k, which moves by at
    ///   most the largest move of its arguments); each log-weight comes out of a chain of float32
    ///   dot products of total length N = `logWeightChainLength`, and the magnitude of its terms is
    ///   |log w| plus the latent terms: the Bernoulli pixel terms x·v − softplus(v) are all ≤ 0, so
    ///   their Σ|terms| is |Σ terms|; the L terms ½(log σ² + ε² − z²) are O(1), 10 each is ample;
    /// - a gradient element is a float32 sum over the batch's samples (the weight-gradient gemms,
    ///   the per-worker reduction) of terms that each came through the backward chain of length N:
    ///   R = rows·M·K + N, over the magnitudes of `gradientMagnitudes`.
    private func roundingBounds(_ makeModel: () -> VAEModel, batch: Tensor, rngSeed: UInt64)
        -> (objective: Double, gradient: [[Double]]) {
        let config = makeModel().config
        let N = Float32Rounding.logWeightChainLength(config)
        var rng = RNG(seed: rngSeed)
        let lw = logImportanceWeights(makeModel(), batch: batch, K: objective.K, M: objective.effectiveM,
                                      corruption: objective.effectiveCorruption, rng: &rng)
        let latentTerms = 10.0 * Double(config.latent)
        let objectiveBound = Float32Rounding.reorderedSumBound(terms: N, magnitude: lw.map(abs).max()! + latentTerms)
        let R = batch.rows * objective.effectiveM * objective.K + N
        var seeds = RNG(seed: rngSeed)
        let noiseSeed = seeds.next()       // what evaluateObjective draws first
        let gradientBounds = gradientMagnitudes(makeModel, batch: batch, noiseSeed: noiseSeed).map { row in
            row.map { Float32Rounding.reorderedSumBound(terms: R, magnitude: $0) }
        }
        return (objectiveBound, gradientBounds)
    }

    /// One step: the objective and gradient of 2, 3 and 4 threads equal those of one thread within
    /// the worst-case bound of the float32 sums involved, which holds on every CPU (the thread
    /// count changes the shard shapes, hence the BLAS kernels' summation orders). A real bug (an
    /// example scored against a different input) exceeds the bound.
    func testOneAndSeveralThreadsAgreeToRounding() {
        func gradient(threads: Int, batch: Tensor? = nil) -> (Double, [[Float]]) {
            let m = model()
            m.zeroGradients()
            var rng = RNG(seed: 11)
            let f = evaluateObjective(m, batch: batch ?? x, config: objective, rng: &rng, accumulateGradients: true,
                                      threads: threads)
            return (f, m.parameters.map(\.grad.array))
        }
        let bounds = roundingBounds({ model() }, batch: x, rngSeed: 11)
        let (f1, g1) = gradient(threads: 1)
        var worstObjective = 0.0, worstGradient = 0.0
        for t in [2, 3, 4] {
            let (ft, gt) = gradient(threads: t)
            XCTAssertEqual(ft, f1, accuracy: bounds.objective, "\(t) threads")
            worstObjective = max(worstObjective, abs(ft - f1) / bounds.objective)
            for (p, (a, b)) in zip(g1, gt).enumerated() {
                for i in a.indices {
                    let bound = bounds.gradient[p][i]
                    XCTAssertLessThanOrEqual(Double(abs(a[i] - b[i])), bound, "\(t) threads, parameter \(p) [\(i)]")
                    if bound > 0 { worstGradient = max(worstGradient, Double(abs(a[i] - b[i])) / bound) }
                }
            }
        }
        print("threads: objective bound \(bounds.objective) (\(bounds.objective / abs(f1)) relative); "
              + "worst use of the bounds: objective \(worstObjective), gradient \(worstGradient)")
        // The bounds catch a real bug: one pixel of one example scored wrongly moves the objective
        // and the gradient beyond them.
        let wrong = Tensor(rows: x.rows, cols: x.cols)
        wrong.data.update(from: x.data, count: x.count)
        wrong.data[17] = 1 - wrong.data[17]
        let (fw, gw) = gradient(threads: 2, batch: wrong)
        XCTAssertGreaterThan(abs(fw - f1), bounds.objective, "a wrong input must exceed the objective's bound")
        let exceeded = zip(g1, gw).enumerated().reduce(0) { n, item in
            n + item.element.0.indices.filter { abs(Double(item.element.0[$0] - item.element.1[$0])) > bounds.gradient[item.offset][$0] }.count
        }
        XCTAssertGreaterThan(exceeded, 0, "a wrong input must exceed the gradient's bounds")
        // Several steps of training: the parameters stay together (rounding only, no different
        // noise). Not a rounding-tight tolerance: Adam's step lr·m̂/(√v̂ + ε) is about lr per element
        // whatever the gradient's size, so 6 steps of lr 1e-2 move a parameter by up to 6e-2, and a
        // relative change δ ≈ 1e-5 of its gradient (the bound above) moves the step by about lr·δ;
        // 1e-4 is a hundred times that and still a fiftieth of one step.
        let one = trained(threads: 1), two = trained(threads: 2)
        for (p, q) in zip(one.parameters, two.parameters) {
            for i in 0..<p.value.count { XCTAssertEqual(p.value.data[i], q.value.data[i], accuracy: 1e-4, p.name) }
        }
    }

    /// The threaded objective's gradient against central finite differences (fixed noise).
    func testThreadedGradientMatchesFiniteDifferences() {
        let m = model()
        func f() -> Double {
            var r = RNG(seed: 99)
            return evaluateObjective(m, batch: x, config: objective, rng: &r, accumulateGradients: false, threads: 2)
        }
        m.zeroGradients()
        var r = RNG(seed: 99)
        _ = evaluateObjective(m, batch: x, config: objective, rng: &r, accumulateGradients: true, threads: 2)
        XCTAssertEqual(m.replicaCache.count, 1, "the threaded path ran on a replica")
        let h: Float = 1e-2
        var worst = 0.0
        for p in m.parameters {
            for i in stride(from: 0, to: p.value.count, by: 5) {
                let old = p.value.data[i]
                p.value.data[i] = old + h; let fp = f()
                p.value.data[i] = old - h; let fm = f()
                p.value.data[i] = old
                let fd = -(fp - fm) / (2 * Double(h))
                let g = Double(p.grad.data[i])
                worst = max(worst, abs(g - fd) / max(abs(g), abs(fd), 1e-2))
            }
        }
        print("threaded objective: max relative gradient error \(worst)")
        XCTAssertLessThan(worst, 2e-2)
    }

    /// The GRU encoder's gradients through the threaded path equal the serial ones within the
    /// float32 bounds (see `roundingBounds`; the GRU's recurrence lengthens the chain).
    func testGRUGradientsThroughThreadedPathEqualSerial() {
        let config = ModelConfig(inputSize: 12, height: 3, width: 4, encoder: .gru, encoderHidden: [5], latent: 2,
                                 decoder: .bernoulli, decoderHidden: [6])
        let xg = binaryBatch(rows: 40, cols: 12, seed: 4)
        func grads(_ threads: Int) -> [[Float]] {
            let m = VAEModel(config: config, seed: 1)
            m.zeroGradients()
            var r = RNG(seed: 3)
            _ = evaluateObjective(m, batch: xg, config: objective, rng: &r, accumulateGradients: true, threads: threads)
            return m.parameters.map(\.grad.array)
        }
        let bounds = roundingBounds({ VAEModel(config: config, seed: 1) }, batch: xg, rngSeed: 3).gradient
        let a = grads(1), b = grads(2)
        for (p, (ga, gb)) in zip(a, b).enumerated() {
            for i in ga.indices { XCTAssertLessThanOrEqual(Double(abs(ga[i] - gb[i])), bounds[p][i], "parameter \(p) [\(i)]") }
        }
    }

    func testBoundsDoNotDependOnThreadsOrSplitting() {
        let m = model()
        let data = binaryBatch(rows: 37, cols: 16, seed: 8)
        for kind in [BoundKind.elbo, .iwae(30), .iwae(2500)] {
            let one = perExampleBounds(m, on: data, kind: kind, seed: 4, corruption: .bitFlip(0.1), threads: 1)
            let three = perExampleBounds(m, on: data, kind: kind, seed: 4, corruption: .bitFlip(0.1), threads: 3)
            // Equal up to the float32 rounding of each log-weight (see `roundingBounds`): the
            // log-mean-exp moves by at most a softmax-weighted mean of its arguments' moves, and
            // that mean of their magnitudes is at most |bound| + the latent terms.
            func bound(_ i: Int) -> Double {
                Float32Rounding.reorderedSumBound(terms: Float32Rounding.logWeightChainLength(m.config),
                                                  magnitude: abs(one[i]) + 10 * Double(m.config.latent))
            }
            for i in one.indices { XCTAssertEqual(one[i], three[i], accuracy: bound(i)) }
            // Example i's estimate depends on its index, not on the call's other examples.
            let tail = perExampleBounds(m, on: data.rows(0..<5), kind: kind, seed: 4, corruption: .bitFlip(0.1), threads: 2)
            for i in tail.indices { XCTAssertEqual(tail[i], one[i], accuracy: bound(i)) }
        }
    }

    func testBoundProgressAndStop() {
        let m = model()
        let data = binaryBatch(rows: 50, cols: 16, seed: 8)
        var seen: [Int] = []
        let full = estimateBound(m, on: data, kind: .iwae(600), seed: 2, threads: 2) { done, total in
            XCTAssertEqual(total, 50)
            seen.append(done)
            return .proceed
        }
        XCTAssertEqual(seen.last, 50)
        XCTAssertEqual(seen, seen.sorted())
        XCTAssertEqual(full?.mean, estimateBound(m, on: data, kind: .iwae(600), seed: 2).mean)
        var calls = 0
        let stopped = estimateBound(m, on: data, kind: .iwae(600), seed: 2, threads: 2) { _, _ in
            calls += 1
            return .stop
        }
        XCTAssertNil(stopped)
        XCTAssertEqual(calls, 1)
    }

    /// The one-region step (affine gradients written by output rows from every worker's dL/dy,
    /// other gradients summed by blocks, the norm, Adam by units) against the phases run as
    /// separate calls (per-worker gradients added in worker order) — for 1, 2 and 3 workers, with
    /// clipping active, for the MLP Bernoulli model, a Gaussian decoder (its log-variance is not an
    /// affine layer), the sigmoid-Gaussian decoder, a log σ encoder, and a GRU encoder (its own
    /// weights are summed).
    ///
    /// From the same parameters the objective is the same number (the same forward pass). The
    /// clipped gradients agree within the float32 bound of `roundingBounds`: the fused step forms
    /// dL/dW by row blocks with one gemm per worker accumulating (β = 1), the separate phases by
    /// whole gemms added afterwards, and whether a BLAS core sums both alike is its own business —
    /// the AVX2 and AVX-512 cores do (bit for bit), the generic SSE core (`Prescott`) does not. The
    /// separate model then takes the fused step's clipped gradient, so Adam's update must give the
    /// fused step's parameters bit for bit, and the next step starts from the same point.
    func testFusedStepEqualsTheSeparatePhases() {
        var configs: [(String, ModelConfig)] = [("mlp", smallModelConfig())]
        var gaussian = smallModelConfig(); gaussian.decoder = .gaussian
        var sigmoid = smallModelConfig(); sigmoid.decoder = .gaussianSigmoid
        var logSigma = smallModelConfig(); logSigma.encoderSigma = .exp
        let gru = ModelConfig(inputSize: 16, height: 4, width: 4, encoder: .gru, encoderHidden: [5], latent: 3,
                              decoder: .bernoulli, decoderHidden: [6])
        configs += [("gaussian", gaussian), ("gaussian_sigmoid", sigmoid), ("log sigma", logSigma), ("gru", gru)]
        let data = binaryBatch(rows: 64, cols: 16, seed: 21)
        var worst = 0.0
        for (name, modelConfig) in configs {
            let R = data.rows * objective.effectiveM * objective.K + Float32Rounding.logWeightChainLength(modelConfig)
            for threads in [1, 2, 3] {
                let config = TrainConfig(objective: objective, epochs: 1, batchSize: 64, adam: AdamConfig(lr: 1e-2),
                                         clipNorm: 0.5, seed: 3)
                let fused = VAEModel(config: modelConfig, seed: 5), separate = VAEModel(config: modelConfig, seed: 5)
                let trainer = Trainer(model: fused, config: config, threads: threads)
                let adam = Adam(parameters: separate.parameters, config: config.adam)
                var r1 = RNG(seed: 7), r2 = RNG(seed: 7)
                var clipped = 0
                for _ in 0..<4 {
                    // The magnitudes of this step's gradient terms, from the current parameters.
                    let probe = VAEModel(config: modelConfig, seed: 5)
                    for (p, q) in zip(probe.parameters, separate.parameters) { p.value.data.update(from: q.value.data, count: q.value.count) }
                    var peek = r2
                    let magnitudes = gradientMagnitudes({ probe }, batch: data, noiseSeed: peek.next())

                    let f = trainer.step(batch: data, rng: &r1)
                    separate.zeroGradients()
                    let g = evaluateObjective(separate, batch: data, config: objective, rng: &r2,
                                              accumulateGradients: true, threads: threads)
                    XCTAssertEqual(f, g, "\(name), \(threads) threads")
                    let norm = separate.parameters.reduce(0.0) { $0 + dvae_sum_squares($1.grad.data, $1.grad.count) }.squareRoot()
                    // Clipping scales by s = 0.5 / ‖g‖; ‖g‖ moves by at most the norm of the
                    // gradient's bound, so s by that relative amount too; rounding s to float and
                    // the product g·s add a rounding each on either side (3u in all).
                    var scale = 1.0, scaleError = 0.0
                    if norm > 0.5 {
                        clipped += 1
                        scale = 0.5 / norm
                        let boundNorm = magnitudes.joined().reduce(0.0) { $0 + pow(Float32Rounding.reorderedSumBound(terms: R, magnitude: $1), 2) }.squareRoot()
                        scaleError = boundNorm / norm
                        for p in separate.parameters { for i in 0..<p.grad.count { p.grad.data[i] *= Float(scale) } }
                    }
                    for (k, (p, q)) in zip(fused.parameters, separate.parameters).enumerated() {
                        for i in 0..<p.grad.count {
                            let bound = scale * Float32Rounding.reorderedSumBound(terms: R, magnitude: magnitudes[k][i])
                                + abs(Double(q.grad.data[i])) * (scaleError + 3 * Float32Rounding.unitRoundoff)
                            let difference = abs(Double(p.grad.data[i]) - Double(q.grad.data[i]))
                            XCTAssertLessThanOrEqual(difference, bound, "\(name), \(threads) threads: the clipped gradient of \(p.name)[\(i)]")
                            if bound > 0 { worst = max(worst, difference / bound) }
                        }
                        q.grad.data.update(from: p.grad.data, count: p.grad.count)
                    }
                    adam.update(threads: threads)
                    for (p, q) in zip(fused.parameters, separate.parameters) {
                        XCTAssertEqual(p.value.array, q.value.array, "\(name), \(threads) threads: \(p.name) after Adam")
                    }
                }
                XCTAssertGreaterThan(clipped, 0, "the test must exercise clipping")
                XCTAssertEqual(trainer.optimizer.step, 4)
            }
        }
        print("fused against separate phases: worst use of the gradient bounds \(worst)")
    }

    /// `runWorkers(_:phases:_:)`: no worker starts a phase before all have finished the previous
    /// one, on the pool and in the sequential fallback (a call from inside a worker).
    func testPhasesAreSeparatedByBarriers() {
        func check(workers: Int) -> Bool {
            let phases = 5
            let marks = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers * phases)
            marks.initialize(repeating: 0)
            defer { marks.deallocate() }
            let ok = UnsafeMutableBufferPointer<Bool>.allocate(capacity: workers)
            ok.initialize(repeating: true)
            defer { ok.deallocate() }
            runWorkers(workers, phases: phases) { w, p in
                // Every worker's mark of the previous phase is visible; nobody has started this one
                // beyond itself.
                if p > 0 { for v in 0..<workers where marks[v * phases + p - 1] != 1 { ok[w] = false } }
                for _ in 0..<(w * 2000) { _ = marks[0] }          // uneven work
                marks[w * phases + p] = 1
            }
            return ok.allSatisfy { $0 } && marks.allSatisfy { $0 == 1 }
        }
        for workers in [1, 2, 3, 4] { XCTAssertTrue(check(workers: workers), "\(workers) workers") }
        // Nested: the inner call finds the pool busy and runs its phases in order on the caller.
        let inner = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 2)
        inner.initialize(repeating: false)
        defer { inner.deallocate() }
        runWorkers(2) { w in inner[w] = check(workers: 3) }
        XCTAssertEqual(Array(inner), [true, true])
    }

    /// A bound runs its networks evaluation-only (no derivative or probability buffers) and puts
    /// them back in training mode: the gradient afterwards is the one of a model that never
    /// evaluated a bound.
    func testBoundsLeaveTheNetworksReadyForTraining() {
        func gradient(afterBound: Bool) -> [[Float]] {
            let m = model()
            if afterBound { _ = estimateBound(m, on: x, kind: .iwae(7), seed: 1, threads: 2) }
            m.zeroGradients()
            var rng = RNG(seed: 2)
            _ = evaluateObjective(m, batch: x, config: objective, rng: &rng, accumulateGradients: true, threads: 2)
            return m.parameters.map(\.grad.array)
        }
        XCTAssertEqual(gradient(afterBound: true), gradient(afterBound: false))
    }

    func testThreadCountSetting() {
        XCTAssertEqual(ComputeThreads.defaultCount(environment: ["DVAE_THREADS": "3"]), 3)
        XCTAssertEqual(ComputeThreads.defaultCount(environment: ["DVAE_THREADS": "zero"]),
                       ComputeThreads.defaultCount(environment: [:]))
        XCTAssertGreaterThanOrEqual(ComputeThreads.defaultCount(environment: [:]), 1)
        XCTAssertNil(ComputeThreads.parse("0"))
        XCTAssertEqual(ComputeThreads.parse(" 2 "), 2)
        XCTAssertEqual(shardRanges(10, workers: 3), [0..<3, 3..<6, 6..<10])
        XCTAssertEqual(shardRanges(20, workers: 4, minimumSize: 16), [0..<20])
    }
}
