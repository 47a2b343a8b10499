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
    return GRUBenchmarkResult(steps: steps, batchSize: batchSize, seconds: seconds,
                              examplesPerSecond: Double(steps * batchSize) / seconds,
                              stepGFLOPs: flops / 1e9, achievedGFLOPs: flops * Double(steps) / seconds / 1e9,
                              threads: trainer.threads)
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
