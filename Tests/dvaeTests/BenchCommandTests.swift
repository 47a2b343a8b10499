import Foundation
import XCTest

/// `dvae bench --json`.
final class BenchCommandTests: XCTestCase {
    func testJSONHasTheHeadlineNumbersAndTheBLASCore() throws {
        let result = try DVAEBinary.run(["bench", "--steps", "3", "--warmup", "1", "--gru-steps", "2",
                                         "--iwae-examples", "2", "--threads", "2", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        for key in ["examples_per_second", "step_gflops", "sgemm_gflops", "sgemm_roofline_share", "gflop_per_step",
                    "gru_examples_per_second", "gru_step_gflops", "gru_sgemm_gflops", "gru_roofline_share",
                    "iwae_samples_per_second"] {
            let value = object?[key] as? Double
            XCTAssertNotNil(value, key)
            XCTAssertGreaterThan(value ?? 0, 0, key)
        }
        XCTAssertEqual(object?["steps"] as? Int, 3)
        XCTAssertEqual(object?["batch_size"] as? Int, 100)
        XCTAssertEqual(object?["threads"] as? Int, 2)
        // The sgemm peak ran on both workers at once, at a worker's half of the batch.
        XCTAssertEqual(object?["sgemm_workers"] as? Int, 2)
        let shapes = object?["sgemm_shapes"] as? [[String: Any]] ?? []
        XCTAssertEqual(shapes.first?["m"] as? Int, 50)
        XCTAssertEqual(shapes.first?["workers"] as? Int, 2)
        XCTAssertFalse((object?["blas_core"] as? String ?? "").isEmpty)
        XCTAssertNotNil(object?["blas_core_overridden"] as? Bool)
        // The roofline share is the ratio of the two rates it is computed from.
        if let step = object?["step_gflops"] as? Double, let sgemm = object?["sgemm_gflops"] as? Double,
           let share = object?["sgemm_roofline_share"] as? Double {
            XCTAssertEqual(share, step / sgemm, accuracy: 1e-9)
        }
        if let step = object?["gru_step_gflops"] as? Double, let sgemm = object?["gru_sgemm_gflops"] as? Double,
           let share = object?["gru_roofline_share"] as? Double {
            XCTAssertEqual(share, step / sgemm, accuracy: 1e-9)
        }
    }

    func testTheElementwiseKernelLevelIsReportedAndCanBeNarrowed() throws {
        let args = ["bench", "--steps", "2", "--warmup", "0", "--gru-steps", "1", "--iwae-examples", "1", "--json"]
        let widest = try DVAEBinary.run(args)
        XCTAssertEqual(widest.status, 0, widest.stderr)
        let level = (try JSONSerialization.jsonObject(with: Data(widest.stdout.utf8)) as? [String: Any])?["elementwise_kernels"] as? String
        #if arch(x86_64)
        XCTAssertTrue(["x86-64-v4", "x86-64-v3", "x86-64"].contains(level ?? ""), "\(level ?? "nil")")
        // Every x86-64 CPU runs the baseline level: asking for it is honoured and reported.
        let baseline = try DVAEBinary.run(args, environment: ["DVAE_KERNELS": "x86-64"])
        XCTAssertEqual(baseline.status, 0, baseline.stderr)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(baseline.stdout.utf8)) as? [String: Any])?["elementwise_kernels"] as? String,
                       "x86-64")
        #else
        XCTAssertEqual(level, "generic")
        #endif
        let bad = try DVAEBinary.run(args, environment: ["DVAE_KERNELS": "avx9000"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("DVAE_KERNELS=avx9000 is not a kernel level this CPU runs; choose one of"), bad.stderr)
    }

    func testThreadCountIsChecked() throws {
        let result = try DVAEBinary.run(["bench", "--threads", "0"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--threads must be between 1 and 256"), result.stderr)
    }
}
