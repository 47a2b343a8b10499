/// The paper's two heavier workloads, measured beside the reference step by `dvae bench`: the
/// Table 3 GRU training step and IWAE-5000 evaluation, and the worker threads they ran on.
public struct WorkloadBenchmarks: Encodable, Equatable, Sendable {
    /// Worker threads (see `ComputeThreads`).
    public var threads: Int
    /// The GRU step (`runGRUBenchmark`).
    public var gru: GRUBenchmarkResult
    /// IWAE-5000 of the reference model (`runIWAEBenchmark`).
    public var iwae: IWAEBenchmarkResult

    /// Runs both with `threads` workers (nil: `ComputeThreads.count`).
    public init(threads: Int? = nil, gruSteps: Int = 30, iwaeExamples: Int = 40) {
        let t = max(1, threads ?? ComputeThreads.count)
        self.threads = t
        gru = runGRUBenchmark(steps: gruSteps, threads: t)
        iwae = runIWAEBenchmark(examples: iwaeExamples, threads: t)
    }

    /// The flat JSON fields of `dvae bench --json`: `threads`, `gru_examples_per_second`,
    /// `gru_step_gflops`, `gru_sgemm_gflops`, `gru_roofline_share`, `iwae_samples_per_second`.
    enum CodingKeys: String, CodingKey {
        case threads
        case gruExamplesPerSecond = "gru_examples_per_second"
        case gruStepGFLOPs = "gru_step_gflops"
        case gruSgemmGFLOPs = "gru_sgemm_gflops"
        case gruRooflineShare = "gru_roofline_share"
        case iwaeSamplesPerSecond = "iwae_samples_per_second"
    }

    /// Encodes the flat fields (merged into `dvae bench --json`'s one object).
    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(threads, forKey: .threads)
        try c.encode(gru.examplesPerSecond, forKey: .gruExamplesPerSecond)
        try c.encode(gru.achievedGFLOPs, forKey: .gruStepGFLOPs)
        try c.encode(gru.sgemmGFLOPs, forKey: .gruSgemmGFLOPs)
        try c.encode(gru.sgemmRooflineShare, forKey: .gruRooflineShare)
        try c.encode(iwae.samplesPerSecond, forKey: .iwaeSamplesPerSecond)
    }
}
