import ArgumentParser
import DVAE
import Foundation

/// `dvae bench`: times the reference training step and sgemm in the same run.
struct BenchCommand: ParsableCommand {
    /// Help text.
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the reference DVAE training step (784-200-200-50, batch 100) and sgemm."
    )

    /// Timed steps.
    @Option(name: .long, help: "Number of timed training steps.")
    var steps: Int = 200

    /// Untimed warm-up steps.
    @Option(name: .long, help: "Number of untimed warm-up steps.")
    var warmup: Int = 20

    /// Worker threads.
    @OptionGroup var threadsOption: ThreadsOption

    /// Machine-readable output.
    @Flag(name: .long, help: "Print one JSON object: examples_per_second, step_gflops, sgemm_gflops, blas_core, …")
    var json = false

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
    }

    func run() throws {
        threadsOption.apply()
        let result = runBenchmark(steps: steps, warmup: warmup)
        if json {
            print(try Self.json(result))
        } else {
            if let warning = BLASCoreSelection.current.warning { printError(warning) }
            print(Self.report(result))
        }
    }

    /// The result as one JSON object (keys in snake case, sorted), e.g. `examples_per_second`,
    /// `step_gflops`, `sgemm_gflops`, `sgemm_roofline_share`, `blas_core`.
    static func json(_ r: BenchmarkResult) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(r), as: UTF8.self)
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
            row("sgemm GFLOP/s", String(format: "%.2f", r.sgemmGFLOPs), "(flop-weighted over the step's shapes)"),
            row("sgemm roofline share", String(format: "%.0f%%", 100 * r.sgemmRooflineShare),
                "(step GFLOP/s ÷ sgemm GFLOP/s)"),
            row("BLAS core", r.blasCore, r.blasCoreOverridden ? "(OpenBLAS chose \(r.blasCoreLibraryChoice))" : ""),
        ]
        lines.append("  CPU: " + r.cpu)
        if let note = r.blasCoreNote { lines.append("  note: " + note) }
        for shape in r.sgemmShapes {
            lines.append(row("  sgemm \(shape.m)×\(shape.n)×\(shape.k)", String(format: "%.2f", shape.gflops)))
        }
        return lines.joined(separator: "\n")
    }
}
