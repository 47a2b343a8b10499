import CBLAS

/// The speed of one sgemm shape, as used by a layer of the reference model.
public struct SgemmMeasurement: Codable, Equatable, Sendable {
    /// Rows of the output.
    public var m: Int
    /// Columns of the output.
    public var n: Int
    /// Inner dimension.
    public var k: Int
    /// Measured speed, 2mnk flops per call, summed over the workers.
    public var gflops: Double
    /// Workers that ran the shape at once, each its own product with one BLAS thread (1: the
    /// calling thread alone, with the BLAS thread count in use).
    public var workers: Int = 1
}

/// The result of `runBenchmark`; encodes (JSONEncoder) to the object `dvae bench --json` prints.
public struct BenchmarkResult: Codable, Equatable, Sendable {
    /// Timed training steps (after warm-up).
    public var steps: Int
    /// Examples per step.
    public var batchSize: Int
    /// Wall-clock seconds of the timed steps.
    public var seconds: Double
    /// Training throughput: steps × batch / seconds.
    public var examplesPerSecond: Double
    /// GFLOP of one step's dense matrix products (forward + backward, 2 flops per multiply-add).
    /// When `sparseFirstLayer`, the first layer's products are sums of rows, not matrix products,
    /// and are left out (of this, of the sgemm peak's mix, and so of the roofline share).
    public var stepGFLOPs: Double
    /// stepGFLOPs × steps / seconds: the rate at which the step did useful gemm work.
    public var achievedGFLOPs: Double
    /// Flop-weighted sgemm speed at the step's layer shapes, measured in the same run the way the
    /// step runs them: with W workers, each worker's shapes (its shard of the batch as the rows)
    /// on all W workers at once, each its own one-thread product, summed over the workers.
    public var sgemmGFLOPs: Double
    /// achievedGFLOPs / sgemmGFLOPs: the step's share of the sgemm roofline, i.e. the fraction of
    /// its time the matrix products alone would take (the rest is element-wise work, sampling,
    /// the gradient reduction, the optimiser and synchronisation). At most about 1.
    public var sgemmRooflineShare: Double
    /// Per-shape sgemm speeds.
    public var sgemmShapes: [SgemmMeasurement]
    /// Worker threads of the step (the data-parallel shards of the batch) and of the sgemm peak.
    public var workers: Int = 1
    /// OpenBLAS threads used during the run.
    public var blasThreads: Int
    /// The OpenBLAS kernel set in use (`openblas_get_corename()`, e.g. "Cooperlake", "SkylakeX").
    public var blasCore: String
    /// The kernel set OpenBLAS chose by itself (differs from `blasCore` when dvae overrode it).
    public var blasCoreLibraryChoice: String
    /// True when dvae replaced a generic fallback core (see `BLASCoreSelection`).
    public var blasCoreOverridden: Bool
    /// What happened to the core choice, when there is something to say (failed self-test, user's choice).
    public var blasCoreNote: String?
    /// The processor: vendor, family, model and widest vector extension.
    public var cpu: String
    /// The instruction-set level of the element-wise kernels in use (`ElementwiseKernels.current`,
    /// e.g. `x86-64-v4`); nil in results from before it was recorded.
    public var elementwiseKernels: String?
    /// Whether the encoder's first layer took the 0/1-input path (`BinaryInput`: x Wᵀ and dyᵀx as
    /// sums of rows at the ones) rather than two sgemm calls; nil in results from before it existed.
    public var sparseFirstLayer: Bool?

    /// The fraction of the step's time its matrix products alone would take (= `sgemmRooflineShare`).
    public var gemmTimeFraction: Double { sgemmRooflineShare }

    enum CodingKeys: String, CodingKey {
        case steps, seconds, cpu
        case batchSize = "batch_size"
        case examplesPerSecond = "examples_per_second"
        case stepGFLOPs = "gflop_per_step"
        case achievedGFLOPs = "step_gflops"
        case sgemmGFLOPs = "sgemm_gflops"
        case sgemmRooflineShare = "sgemm_roofline_share"
        case sgemmShapes = "sgemm_shapes"
        case blasThreads = "blas_threads"
        case blasCore = "blas_core"
        case blasCoreLibraryChoice = "blas_core_library_choice"
        case blasCoreOverridden = "blas_core_overridden"
        case blasCoreNote = "blas_core_note"
        case workers = "sgemm_workers"
        case elementwiseKernels = "elementwise_kernels"
        case sparseFirstLayer = "sparse_first_layer"
    }
}

/// The reference architecture of the benchmark: 784-200-200 softplus encoder, 50 latent units,
/// 200-200-784 Bernoulli decoder.
public let benchmarkModelConfig = ModelConfig(inputSize: 784, height: 28, width: 28, encoder: .mlp,
                                              encoderHidden: [200, 200], latent: 50,
                                              decoder: .bernoulli, decoderHidden: [200, 200])

/// Flops of the matrix products in one training step of an MLP-encoder model on `batch` examples
/// with `samples` = M·K decoder rows per example: forward y = xWᵀ, backward dW = dyᵀx and
/// dx = dyW (skipped for the first encoder layer), 2 flops per multiply-add. With
/// `denseFirstLayer` false the first encoder layer counts nothing (its 0/1 input took `BinaryInput`).
public func trainingStepFlops(_ config: ModelConfig, batch: Int, encoderRows: Int? = nil, samples: Int = 1,
                              denseFirstLayer: Bool = true) -> Double {
    func widths(_ input: Int, _ hidden: [Int]) -> [(Int, Int)] {
        var w = input, out: [(Int, Int)] = []
        for h in hidden { out.append((w, h)); w = h }
        return out
    }
    let encRows = Double(encoderRows ?? batch), decRows = Double(batch * samples)
    var flops = 0.0
    let encLayers = widths(config.inputSize, config.encoderHidden)
    let top = config.encoderHidden.last ?? config.inputSize
    for (i, (a, b)) in encLayers.enumerated() where i > 0 || denseFirstLayer {
        flops += 2 * encRows * Double(a * b) * (i == 0 ? 2 : 3)
    }
    // μ and logVar heads (dx needed unless the encoder is purely affine).
    flops += 2 * 2 * encRows * Double(top * config.latent) * (config.encoderHidden.isEmpty ? 2 : 3)
    var decLayers = widths(config.latent, config.decoderHidden)
    decLayers.append((config.decoderHidden.last ?? config.latent, config.inputSize))
    for (a, b) in decLayers { flops += 2 * decRows * Double(a * b) * 3 }
    return flops
}

/// Times `cblas_sgemm` for C (m×n) = A (m×k) · Bᵀ (B is n×k, the layers' forward layout).
///
/// With `workers` > 1 the product runs on that many workers at once (`runWorkers`: each its own
/// operands and one BLAS thread, like the data-parallel step) and the result is their aggregate
/// speed: the roofline of a step that runs its products that way. With 1 it runs on the calling
/// thread with the BLAS thread count in use.
public func measureSgemm(m: Int, n: Int, k: Int, workers: Int = 1, minimumSeconds: Double = 0.05) -> SgemmMeasurement {
    let count = max(1, workers)
    let operands = (0..<count).map { w -> (Tensor, Tensor, Tensor) in
        var rng = RNG(seed: 1 &+ UInt64(w))
        let a = Tensor(rows: m, cols: k), b = Tensor(rows: n, cols: k), c = Tensor(rows: m, cols: n)
        for i in 0..<a.count { a.data[i] = rng.uniform() }
        for i in 0..<b.count { b.data[i] = rng.uniform() }
        return (a, b, c)
    }
    func calls(_ times: Int) {
        runWorkers(count) { w in
            let (a, b, c) = operands[w]
            for _ in 0..<times { gemm(a, b, transB: true, into: c) }
        }
    }
    calls(3)
    let clock = ContinuousClock()
    var done = 0
    let start = clock.now
    var elapsed = 0.0
    repeat {
        calls(10)
        done += 10
        elapsed = (clock.now - start).inSeconds
    } while elapsed < minimumSeconds
    return SgemmMeasurement(m: m, n: n, k: k, gflops: 2 * Double(m * n * k) * Double(done * count) / elapsed / 1e9,
                            workers: count)
}

/// One matrix product of a training step as `measureSgemm` times it (C = A·Bᵀ, m × n × k), with
/// the multiply-adds per example of the step's products it stands for.
struct StepProduct {
    var m: Int, n: Int, k: Int
    var macs: Double
}

/// Times each product with `workers` at once and returns the measurements with their harmonic
/// mean weighted by multiply-adds: the speed (GFLOP/s) at which the step's mix of products would run.
func flopWeightedSgemmPeak(_ products: [StepProduct], workers: Int) -> (gflops: Double, shapes: [SgemmMeasurement]) {
    let shapes = products.map { measureSgemm(m: $0.m, n: $0.n, k: $0.k, workers: workers) }
    var time = 0.0, work = 0.0
    for (p, s) in zip(products, shapes) {
        time += p.macs / s.gflops
        work += p.macs
    }
    return (time > 0 ? work / time : 0, shapes)
}

/// Runs the reference training step — DVAE objective with salt-and-pepper 0.05, K = 1, M = 1,
/// batch 100, Adam lr 1e-3, on `benchmarkModelConfig` — for `warmup` untimed then `steps` timed
/// steps, and measures sgemm at the layer shapes in the same run.
///
/// `data` (n × 784, n ≥ 100) is cycled through in order; by default 1000 random binary images
/// (pixel density 0.13, like MNIST). `blasThreads`, when given, sets the OpenBLAS thread count for
/// the run (restored afterwards).
public func runBenchmark(steps: Int = 200, warmup: Int = 20, data: Tensor? = nil, seed: UInt64 = 0,
                         blasThreads: Int? = nil, threads: Int? = nil) -> BenchmarkResult {
    let batchSize = 100
    let previousThreads = blasThreadCount
    if let t = blasThreads { setBLASThreadCount(t) }
    defer { if blasThreads != nil { setBLASThreadCount(previousThreads) } }
    let x: Tensor
    if let d = data {
        precondition(d.cols == 784 && d.rows >= batchSize, "benchmark data must be n × 784 with n ≥ \(batchSize)")
        x = d
    } else {
        x = benchmarkData(seed: seed)
    }
    let model = VAEModel(config: benchmarkModelConfig, seed: seed)
    let objective = ObjectiveConfig(kind: .dvae, K: 1, M: 1, corruption: .saltPepper(0.05))
    let trainer = Trainer(model: model, config: TrainConfig(objective: objective, epochs: 1, batchSize: batchSize,
                                                            adam: AdamConfig(lr: 1e-3), seed: seed),
                          threads: threads)
    let seconds = timeSteps(trainer, data: x, batchSize: batchSize, steps: steps, warmup: warmup, seed: seed)

    // sgemm at the step's shapes: forward products of each layer with a worker's shard of the
    // batch as the rows (the batch when one worker), all workers at once. Multiply-adds per
    // example mapped to the nearest measured shape: encoder layer 0 forward; the 200×200 (and
    // 50×200) products; the heads; decoder output forward and its dx; the 784-wide weight
    // gradients (the decoder's, and the encoder's first unless its 0/1 input took the sums of rows).
    let shards = trainer.model.workers(trainer.threads) == nil ? 1
        : shardRanges(batchSize, workers: trainer.threads, minimumSize: minimumExamplesPerWorker).count
    let r = (batchSize + shards - 1) / shards
    let sparse = (trainer.model.encoder as? MLPEncoder)?.body.trunk.layers.first?.usesBinaryInput ?? false
    var products = [
        StepProduct(m: r, n: 200, k: 200, macs: 40_000 * 5 + 10_000 * 3),
        StepProduct(m: r, n: 50, k: 200, macs: 20_000 * 3),
        StepProduct(m: r, n: 784, k: 200, macs: 156_800 * 2),
        StepProduct(m: 200, n: 784, k: r, macs: sparse ? 156_800 : 156_800 * 2),
    ]
    if !sparse { products.insert(StepProduct(m: r, n: 200, k: 784, macs: 156_800), at: 0) }
    let (sgemm, measured) = flopWeightedSgemmPeak(products, workers: shards)
    let stepFlops = trainingStepFlops(benchmarkModelConfig, batch: batchSize, denseFirstLayer: !sparse)
    let achieved = stepFlops * Double(steps) / seconds / 1e9
    let blas = BLASCoreSelection.current, cpu = CPUFeatures.current
    return BenchmarkResult(steps: steps, batchSize: batchSize, seconds: seconds,
                           examplesPerSecond: Double(steps * batchSize) / seconds,
                           stepGFLOPs: stepFlops / 1e9, achievedGFLOPs: achieved, sgemmGFLOPs: sgemm,
                           sgemmRooflineShare: sgemm > 0 ? achieved / sgemm : 0,
                           sgemmShapes: measured, workers: shards, blasThreads: blasThreadCount,
                           blasCore: blas.core, blasCoreLibraryChoice: blas.libraryCore,
                           blasCoreOverridden: blas.overridden, blasCoreNote: blas.note,
                           cpu: "\(cpu.vendor) family \(cpu.family) model \(cpu.model), \(cpu.vectorLevel)",
                           elementwiseKernels: ElementwiseKernels.current, sparseFirstLayer: sparse)
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
