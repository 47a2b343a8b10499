/// The result of `runIWAEBenchmark`.
public struct IWAEBenchmarkResult: Codable, Equatable, Sendable {
    /// Examples scored.
    public var examples: Int
    /// Importance samples per example (k of IWAE-k).
    public var samplesPerExample: Int
    /// Wall-clock seconds.
    public var seconds: Double
    /// Importance samples per second: examples × k / seconds.
    public var samplesPerSecond: Double
    /// GFLOP/s of the decoder products alone (the bound's roofline part).
    public var decoderGFLOPs: Double
    /// Worker threads.
    public var threads: Int
}

/// Times IWAE-`k` (default 5000) of the reference model (`benchmarkModelConfig`, untrained, from
/// `seed`) on `examples` random binary images: one `estimateBound` call, after a short warm-up.
public func runIWAEBenchmark(examples: Int = 40, k: Int = 5000, seed: UInt64 = 0,
                             threads: Int? = nil) -> IWAEBenchmarkResult {
    let x = benchmarkData(seed: seed).rows(0..<min(examples, 1000))
    let model = VAEModel(config: benchmarkModelConfig, seed: seed)
    let workers = threads ?? ComputeThreads.count
    _ = estimateBound(model, on: x.rows(0..<min(2, x.rows)), kind: .iwae(min(k, 1000)), seed: seed, threads: workers)
    let clock = ContinuousClock()
    let start = clock.now
    _ = estimateBound(model, on: x, kind: .iwae(k), seed: seed, threads: workers)
    let seconds = (clock.now - start).inSeconds
    let samples = Double(x.rows * k)
    return IWAEBenchmarkResult(examples: x.rows, samplesPerExample: k, seconds: seconds,
                               samplesPerSecond: samples / seconds,
                               decoderGFLOPs: samples * decoderForwardFlops(benchmarkModelConfig) / seconds / 1e9,
                               threads: workers)
}

/// Flops of one decoder forward pass for one latent sample (2 per multiply-add).
public func decoderForwardFlops(_ config: ModelConfig) -> Double {
    var width = config.latent, macs = 0
    for h in config.decoderHidden + [config.inputSize] { macs += width * h; width = h }
    return 2 * Double(macs)
}
