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

    /// Machine-readable output.
    @Flag(name: .long, help: "Print one JSON object: examples_per_second, step_gflops, sgemm_gflops.")
    var json = false

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
    }

    func run() throws {
        let result = runBenchmark(steps: steps, warmup: warmup)
        if json {
            print(Self.json(result))
        } else {
            print(Self.report(result))
        }
    }

    /// One JSON object with the three headline numbers (and the run's size).
    static func json(_ r: BenchmarkResult) -> String {
        func number(_ x: Double) -> String { x.isFinite ? String(format: "%.3f", x) : "null" }
        return "{\"examples_per_second\": \(number(r.examplesPerSecond)), "
            + "\"step_gflops\": \(number(r.achievedGFLOPs)), "
            + "\"sgemm_gflops\": \(number(r.sgemmGFLOPs)), "
            + "\"steps\": \(r.steps), \"batch_size\": \(r.batchSize), \"seconds\": \(number(r.seconds))}"
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
            row("gemm share of step", String(format: "%.0f%%", 100 * r.gemmTimeFraction)),
        ]
        for shape in r.sgemmShapes {
            lines.append(row("  sgemm \(shape.m)×\(shape.n)×\(shape.k)", String(format: "%.2f", shape.gflops)))
        }
        return lines.joined(separator: "\n")
    }
}
