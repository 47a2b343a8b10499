/// The Table 3 architecture of the GRU benchmark: a GRU encoder of 200 units reading 28 rows of 28
/// pixels, 50 latent units, and the reference 200-200-784 Bernoulli decoder.
public let gruBenchmarkModelConfig = ModelConfig(inputSize: 784, height: 28, width: 28, encoder: .gru,
                                                 encoderHidden: [200], latent: 50,
                                                 decoder: .bernoulli, decoderHidden: [200, 200])

/// The result of `runGRUBenchmark`.
public struct GRUBenchmarkResult: Codable, Equatable, Sendable {
    /// Timed training steps (after warm-up).
    public var steps: Int
    /// Examples per step.
    public var batchSize: Int
    /// Wall-clock seconds of the timed steps.
    public var seconds: Double
    /// Training throughput: steps × batch / seconds.
    public var examplesPerSecond: Double
    /// GFLOP of one step's matrix products (GRU forward and backpropagation through time, heads,
    /// decoder; 2 flops per multiply-add).
    public var stepGFLOPs: Double
    /// stepGFLOPs × steps / seconds.
    public var achievedGFLOPs: Double
    /// The sgemm peak at the GRU step's product shapes, measured the way the step runs them (a
    /// worker's shard of the batch as the rows, all workers at once, summed; flop-weighted).
    public var sgemmGFLOPs: Double
    /// achievedGFLOPs ÷ sgemmGFLOPs: the fraction of the step's time its products alone would take.
    /// Near 1, the step cannot get faster on this CPU without fewer flops.
    public var sgemmRooflineShare: Double
    /// Worker threads of the step (each with one BLAS thread when more than one).
    public var threads: Int
}

/// Flops of the matrix products of one training step of a GRU-encoder model on `batch` examples
/// with `samples` decoder rows per example (see `GRUEncoder` for the products):
/// forward: input projections T·n × W × 3H, per step n × H × 2H and n × H × H;
/// backward: per step two products for δh_{t−1} and two for the recurrent weight gradients,
/// and one T·n × W × 3H product for the input weights; heads and decoder as in `trainingStepFlops`.
public func gruTrainingStepFlops(_ config: ModelConfig, batch: Int, samples: Int = 1) -> Double {
    let T = Double(config.height), W = Double(config.width), H = Double(config.encoderHidden.first ?? 200)
    let n = Double(batch), L = Double(config.latent)
    let input = n * T * W * 3 * H                     // multiply-adds of the input projections
    let recurrent = n * T * (H * 2 * H + H * H)       // multiply-adds of the recurrent products
    var macs = input * 2 + recurrent * 3              // forward + weight gradient; forward + dh + dU
    macs += 2 * n * H * L * 3                         // μ and logVar heads (forward, dW, dh)
    var width = config.latent
    let rows = n * Double(samples)
    for h in config.decoderHidden + [config.inputSize] {
        macs += rows * Double(width * h) * 3
        width = h
    }
    return 2 * macs
}

/// Times the Table 3 training step — the reference step's objective (DVAE, salt-and-pepper 0.05,
/// K = 1, M = 1, batch 100, Adam lr 1e-3) on `gruBenchmarkModelConfig` — over `steps` timed steps
/// after `warmup` untimed ones, with `threads` workers (nil: the process default).
public func runGRUBenchmark(steps: Int = 30, warmup: Int = 3, seed: UInt64 = 0,
                            threads: Int? = nil) -> GRUBenchmarkResult {
    let batchSize = 100
    let x = benchmarkData(seed: seed)
    let model = VAEModel(config: gruBenchmarkModelConfig, seed: seed)
    let objective = ObjectiveConfig(kind: .dvae, K: 1, M: 1, corruption: .saltPepper(0.05))
    let trainer = Trainer(model: model, config: TrainConfig(objective: objective, epochs: 1, batchSize: batchSize,
                                                            adam: AdamConfig(lr: 1e-3), seed: seed),
                          threads: threads)
    let seconds = timeSteps(trainer, data: x, batchSize: batchSize, steps: steps, warmup: warmup, seed: seed)
    let flops = gruTrainingStepFlops(gruBenchmarkModelConfig, batch: batchSize)
    let achieved = flops * Double(steps) / seconds / 1e9
    let shards = trainer.model.workers(trainer.threads) == nil ? 1
        : shardRanges(batchSize, workers: trainer.threads, minimumSize: minimumExamplesPerWorker).count
    let sgemm = gruSgemmPeak(rows: (batchSize + shards - 1) / shards, workers: shards)
    return GRUBenchmarkResult(steps: steps, batchSize: batchSize, seconds: seconds,
                              examplesPerSecond: Double(steps * batchSize) / seconds,
                              stepGFLOPs: flops / 1e9, achievedGFLOPs: achieved,
                              sgemmGFLOPs: sgemm, sgemmRooflineShare: sgemm > 0 ? achieved / sgemm : 0,
                              threads: trainer.threads)
}

/// The flop-weighted sgemm speed (GFLOP/s) of the GRU step's products with `rows` examples per
/// worker and `workers` at once (T = 28 steps of W = 28 pixels, H = 200, the reference decoder).
/// Each product is timed in the layout `measureSgemm` runs (C = A·Bᵀ, m × n × k); the per-example
/// multiply-adds weight a harmonic mean, the speed at which the step's mix would run.
func gruSgemmPeak(rows r: Int, workers: Int) -> Double {
    let T = 28, W = 28, H = 200
    let products: [(m: Int, n: Int, k: Int, macs: Double)] = [
        (T * r, 3 * H, W, Double(T * W * 3 * H)),     // input projections, all steps at once
        (3 * H, W, T * r, Double(T * W * 3 * H)),     // their weight gradient
        (r, 2 * H, H, Double(T * 2 * H * H)),         // per step: gates forward
        (r, H, H, Double(T * H * H * 2)),             // candidate forward and its δh
        (r, H, 2 * H, Double(T * 2 * H * H)),         // gates' δh
        (2 * H, H, r, Double(T * 3 * H * H)),         // recurrent weight gradients
        (r, 784, 200, Double(784 * 200 * 2)),         // decoder output forward and its dx
        (200, 784, r, Double(784 * 200)),             // its weight gradient
    ]
    var time = 0.0, work = 0.0
    for p in products {
        let speed = measureSgemm(m: p.m, n: p.n, k: p.k, workers: workers).gflops
        time += p.macs / speed
        work += p.macs
    }
    return work / time
}

/// 1000 random binary images of 784 pixels (density 0.13, like MNIST): the benchmarks' default data.
func benchmarkData(seed: UInt64) -> Tensor {
    var rng = RNG(seed: seed ^ 0xB1)
    let x = Tensor(rows: 1000, cols: 784)
    for i in 0..<x.count { x.data[i] = rng.uniform() < 0.13 ? 1 : 0 }
    return x
}

/// Seconds of `steps` training steps of `trainer` on consecutive batches of `data`, after `warmup`.
func timeSteps(_ trainer: Trainer, data x: Tensor, batchSize: Int, steps: Int, warmup: Int, seed: UInt64) -> Double {
    let batches = x.rows / batchSize
    let batchTensors = (0..<batches).map { x.rows($0 * batchSize ..< ($0 + 1) * batchSize) }
    var rng = RNG(seed: seed)
    for s in 0..<warmup { _ = trainer.step(batch: batchTensors[s % batches], rng: &rng) }
    let clock = ContinuousClock()
    let start = clock.now
    for s in 0..<steps { _ = trainer.step(batch: batchTensors[s % batches], rng: &rng) }
    return (clock.now - start).inSeconds
}
