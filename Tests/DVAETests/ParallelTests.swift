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

    func testOneAndSeveralThreadsAgreeToRounding() {
        // One step: objective and gradient agree up to float summation order.
        func gradient(threads: Int) -> (Double, [[Float]]) {
            let m = model()
            m.zeroGradients()
            var rng = RNG(seed: 11)
            let f = evaluateObjective(m, batch: x, config: objective, rng: &rng, accumulateGradients: true, threads: threads)
            return (f, m.parameters.map(\.grad.array))
        }
        let (f1, g1) = gradient(threads: 1)
        for t in [2, 3, 4] {
            let (ft, gt) = gradient(threads: t)
            XCTAssertEqual(ft, f1, accuracy: 1e-9 * abs(f1))
            for (a, b) in zip(g1, gt) {
                let scale = a.map { abs($0) }.max()! + 1e-6
                for i in a.indices { XCTAssertEqual(a[i], b[i], accuracy: 1e-5 * scale) }
            }
        }
        // Several steps of training: the parameters stay together (rounding only, no different noise).
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
        let a = grads(1), b = grads(2)
        for (ga, gb) in zip(a, b) {
            let scale = ga.map { abs($0) }.max()! + 1e-6
            for i in ga.indices { XCTAssertEqual(ga[i], gb[i], accuracy: 1e-5 * scale) }
        }
    }

    func testBoundsDoNotDependOnThreadsOrSplitting() {
        let m = model()
        let data = binaryBatch(rows: 37, cols: 16, seed: 8)
        for kind in [BoundKind.elbo, .iwae(30), .iwae(2500)] {
            let one = perExampleBounds(m, on: data, kind: kind, seed: 4, corruption: .bitFlip(0.1), threads: 1)
            let three = perExampleBounds(m, on: data, kind: kind, seed: 4, corruption: .bitFlip(0.1), threads: 3)
            for i in one.indices { XCTAssertEqual(one[i], three[i], accuracy: 1e-6 * abs(one[i])) }
            // Example i's estimate depends on its index, not on the call's other examples.
            let tail = perExampleBounds(m, on: data.rows(0..<5), kind: kind, seed: 4, corruption: .bitFlip(0.1), threads: 2)
            for i in tail.indices { XCTAssertEqual(tail[i], one[i], accuracy: 1e-6 * abs(one[i])) }
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
    /// other gradients summed by blocks, the norm, Adam by units) gives the same parameters and
    /// clipped gradients, bit for bit, as the phases run as separate calls (per-worker gradients
    /// added in worker order) — for 1, 2 and 3 workers, with clipping active, for the MLP
    /// Bernoulli model, a Gaussian decoder (its log-variance is not an affine layer), the
    /// sigmoid-Gaussian decoder, a log σ encoder, and a GRU encoder (its own weights are summed).
    func testFusedStepEqualsTheSeparatePhases() {
        var configs: [(String, ModelConfig)] = [("mlp", smallModelConfig())]
        var gaussian = smallModelConfig(); gaussian.decoder = .gaussian
        var sigmoid = smallModelConfig(); sigmoid.decoder = .gaussianSigmoid
        var logSigma = smallModelConfig(); logSigma.encoderSigma = .exp
        let gru = ModelConfig(inputSize: 16, height: 4, width: 4, encoder: .gru, encoderHidden: [5], latent: 3,
                              decoder: .bernoulli, decoderHidden: [6])
        configs += [("gaussian", gaussian), ("gaussian_sigmoid", sigmoid), ("log sigma", logSigma), ("gru", gru)]
        let data = binaryBatch(rows: 64, cols: 16, seed: 21)
        for (name, modelConfig) in configs {
            for threads in [1, 2, 3] {
                let config = TrainConfig(objective: objective, epochs: 1, batchSize: 64, adam: AdamConfig(lr: 1e-2),
                                         clipNorm: 0.5, seed: 3)
                let fused = VAEModel(config: modelConfig, seed: 5), separate = VAEModel(config: modelConfig, seed: 5)
                let trainer = Trainer(model: fused, config: config, threads: threads)
                let adam = Adam(parameters: separate.parameters, config: config.adam)
                var r1 = RNG(seed: 7), r2 = RNG(seed: 7)
                var clipped = 0
                for _ in 0..<4 {
                    let f = trainer.step(batch: data, rng: &r1)
                    separate.zeroGradients()
                    let g = evaluateObjective(separate, batch: data, config: objective, rng: &r2,
                                              accumulateGradients: true, threads: threads)
                    XCTAssertEqual(f, g, "\(name), \(threads) threads")
                    let norm = separate.parameters.reduce(0.0) { $0 + dvae_sum_squares($1.grad.data, $1.grad.count) }.squareRoot()
                    if norm > 0.5 {
                        clipped += 1
                        let scale = Float(0.5 / norm)
                        for p in separate.parameters { for i in 0..<p.grad.count { p.grad.data[i] *= scale } }
                    }
                    adam.update(threads: threads)
                }
                XCTAssertGreaterThan(clipped, 0, "the test must exercise clipping")
                XCTAssertEqual(trainer.optimizer.step, 4)
                for (p, q) in zip(fused.parameters, separate.parameters) {
                    XCTAssertEqual(p.value.array, q.value.array, "\(name), \(threads) threads: \(p.name)")
                    XCTAssertEqual(p.grad.array, q.grad.array, "\(name), \(threads) threads: the clipped gradient of \(p.name)")
                }
            }
        }
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
