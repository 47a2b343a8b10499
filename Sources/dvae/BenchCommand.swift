import ArgumentParser
import DVAE
import Foundation

/// `dvae bench`: times the reference training step and sgemm in the same run.
struct BenchCommand: ParsableCommand {
    /// Help text.
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the reference DVAE training step (784-200-200-50, batch 100), sgemm, the Table 3 GRU step and IWAE-5000."
    )

    /// Timed steps.
    @Option(name: .long, help: "Number of timed training steps.")
    var steps: Int = 200

    /// Untimed warm-up steps.
    @Option(name: .long, help: "Number of untimed warm-up steps.")
    var warmup: Int = 20

    /// Timed GRU steps.
    @Option(name: .customLong("gru-steps"), help: "Number of timed steps of the GRU (Table 3) benchmark.")
    var gruSteps: Int = 30

    /// Examples of the IWAE-5000 benchmark.
    @Option(name: .customLong("iwae-examples"), help: "Number of examples scored by the IWAE-5000 benchmark.")
    var iwaeExamples: Int = 40

    /// Worker threads.
    @OptionGroup var threadsOption: ThreadsOption

    /// Machine-readable output.
    @Flag(name: .long, help: ArgumentHelp(
        "Print one JSON object: examples_per_second, step_gflops, sgemm_gflops, sgemm_roofline_share, blas_core, …",
        discussion: "sgemm_gflops is the sgemm peak at the step's layer shapes measured the way the step runs them: "
            + "with W workers (sgemm_workers), each worker's shapes (its shard of the batch as the rows) on all W "
            + "workers at once, one BLAS thread each, summed; sgemm_roofline_share = step_gflops / sgemm_gflops, "
            + "the fraction of the step's time its matrix products alone would take."))
    var json = false

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
        guard gruSteps >= 1 else { throw ValidationError("--gru-steps must be at least 1") }
        guard iwaeExamples >= 1, iwaeExamples <= 1000 else { throw ValidationError("--iwae-examples must be between 1 and 1000") }
    }

    func run() throws {
        threadsOption.apply()
        let result = runBenchmark(steps: steps, warmup: warmup, threads: ComputeThreads.count)
        let workloads = WorkloadBenchmarks(threads: ComputeThreads.count, gruSteps: gruSteps, iwaeExamples: iwaeExamples)
        if json {
            print(try Self.json(result, workloads))
        } else {
            if let warning = BLASCoreSelection.current.warning { printError(warning) }
            print(Self.report(result))
            print(Self.report(workloads))
        }
    }

    /// The results as one JSON object (keys in snake case, sorted), e.g. `examples_per_second`,
    /// `step_gflops`, `sgemm_gflops` (the sgemm peak at the step's shapes, run on all
    /// `sgemm_workers` workers at once and summed, as the step runs its products),
    /// `sgemm_roofline_share` (`step_gflops` ÷ `sgemm_gflops`), `blas_core`, `threads`,
    /// `gru_examples_per_second`, `gru_step_gflops`, `gru_sgemm_gflops`, `gru_roofline_share`,
    /// `iwae_samples_per_second`.
    static func json(_ r: BenchmarkResult, _ w: WorkloadBenchmarks) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(Both(step: r, workloads: w)), as: UTF8.self)
    }

    /// Both results' fields in one object (each encodes its keys into the same container).
    private struct Both: Encodable {
        let step: BenchmarkResult
        let workloads: WorkloadBenchmarks
        func encode(to encoder: Swift.Encoder) throws {
            try step.encode(to: encoder)
            try workloads.encode(to: encoder)
        }
    }

    /// A short human-readable report.
    static func report(_ r: BenchmarkResult) -> String {
        func row(_ label: String, _ value: String, _ note: String = "") -> String {
            "  " + label.padding(toLength: 20, withPad: " ", startingAt: 0)
                + String(repeating: " ", count: max(0, 10 - value.count)) + value + (note.isEmpty ? "" : "  " + note)
        }
        var lines = [
            "reference step: DVAE, salt-and-pepper 0.05, K=1 M=1, batch \(r.batchSize), 784-200-200-50 MLP",
            row("examples/second", String(format: "%.1f", r.examplesPerSecond)),
            row("step GFLOP/s", String(format: "%.2f", r.achievedGFLOPs),
                String(format: "(%.3f GFLOP per step, %d steps in %.2f s)", r.stepGFLOPs, r.steps, r.seconds)),
            row("sgemm GFLOP/s", String(format: "%.2f", r.sgemmGFLOPs),
                r.workers > 1 ? "(flop-weighted over a worker's shapes, \(r.workers) workers at once, summed)"
                              : "(flop-weighted over the step's shapes)"),
            row("sgemm roofline share", String(format: "%.0f%%", 100 * r.sgemmRooflineShare),
                "(step GFLOP/s ÷ sgemm GFLOP/s)"),
            row("first layer", r.sparseFirstLayer == true ? "0/1 sums" : "sgemm",
                r.sparseFirstLayer == true ? "(0/1 input: x Wᵀ and dyᵀx as sums of rows at the ones; not in the GFLOP counts)" : ""),
            row("BLAS core", r.blasCore, r.blasCoreOverridden ? "(OpenBLAS chose \(r.blasCoreLibraryChoice))" : ""),
            row("element-wise kernels", r.elementwiseKernels ?? "?", "(\(ElementwiseKernels.environmentVariable) to choose)"),
        ]
        lines.append("  CPU: " + r.cpu)
        if let note = r.blasCoreNote { lines.append("  note: " + note) }
        for shape in r.sgemmShapes {
            lines.append(row("  sgemm \(shape.m)×\(shape.n)×\(shape.k)", String(format: "%.2f", shape.gflops)))
        }
        return lines.joined(separator: "\n")
    }

    /// The GRU step and IWAE lines of the report.
    static func report(_ w: WorkloadBenchmarks) -> String {
        [
            "GRU step (Table 3): GRU 200 over 28 rows of 28, reference decoder, batch 100, K=1; "
                + "\(w.threads) worker thread\(w.threads == 1 ? "" : "s")",
            String(format: "  examples/second     %10.1f", w.gru.examplesPerSecond),
            String(format: "  step GFLOP/s        %10.2f  (%.3f GFLOP per step)", w.gru.achievedGFLOPs, w.gru.stepGFLOPs),
            String(format: "  sgemm GFLOP/s       %10.2f  (flop-weighted over the GRU step's shapes)", w.gru.sgemmGFLOPs),
            String(format: "  sgemm roofline share %9.0f%%  (step GFLOP/s ÷ sgemm GFLOP/s)", 100 * w.gru.sgemmRooflineShare),
            "IWAE-\(w.iwae.samplesPerExample) of the reference model over \(w.iwae.examples) examples",
            String(format: "  samples/second      %10.0f", w.iwae.samplesPerSecond),
            String(format: "  decoder GFLOP/s     %10.2f", w.iwae.decoderGFLOPs),
        ].joined(separator: "\n")
    }
}
