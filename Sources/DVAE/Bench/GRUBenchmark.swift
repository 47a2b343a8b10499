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
    return flopWeightedSgemmPeak([
        StepProduct(m: T * r, n: 3 * H, k: W, macs: Double(T * W * 3 * H)),     // input projections, all steps at once
        StepProduct(m: 3 * H, n: W, k: T * r, macs: Double(T * W * 3 * H)),     // their weight gradient
        StepProduct(m: r, n: 2 * H, k: H, macs: Double(T * 2 * H * H)),         // per step: gates forward
        StepProduct(m: r, n: H, k: H, macs: Double(T * H * H * 2)),             // candidate forward and its δh
        StepProduct(m: r, n: H, k: 2 * H, macs: Double(T * 2 * H * H)),         // gates' δh
        StepProduct(m: 2 * H, n: H, k: r, macs: Double(T * 3 * H * H)),         // recurrent weight gradients
        StepProduct(m: r, n: 784, k: 200, macs: Double(784 * 200 * 2)),         // decoder output forward and its dx
        StepProduct(m: 200, n: 784, k: r, macs: Double(784 * 200)),             // its weight gradient
    ], workers: workers).gflops
}
