import XCTest
import DVAE

final class BenchmarkTests: XCTestCase {
    func testReferenceStepBenchmark() {
        let r = runBenchmark(steps: 150, warmup: 20)
        print(String(format: "bench (%d BLAS threads): %.0f examples/s, %.3f GFLOP/step, %.1f GFLOP/s achieved, sgemm %.1f GFLOP/s at layer shapes (gemm share %.0f%%)",
                     r.blasThreads, r.examplesPerSecond, r.stepGFLOPs, r.achievedGFLOPs, r.sgemmGFLOPs, 100 * r.gemmTimeFraction))
        for s in r.sgemmShapes { print("  sgemm \(s.m)x\(s.n)x\(s.k): \(s.gflops) GFLOP/s") }
        // The default data is 0/1 digits, so the first layer is sums of rows and not counted: the
        // dense step is 0.2228 GFLOP, its first layer 2 products of 100 × 784 × 200 (0.0627).
        XCTAssertEqual(r.sparseFirstLayer, true)
        XCTAssertEqual(r.stepGFLOPs, 0.2228 - 0.0627, accuracy: 0.001)
        XCTAssertEqual(trainingStepFlops(benchmarkModelConfig, batch: 100) / 1e9, 0.2228, accuracy: 0.001)
        XCTAssertGreaterThan(r.examplesPerSecond, 1000)   // loose: the machine is shared
        let single = runBenchmark(steps: 150, warmup: 20, blasThreads: 1)
        print(String(format: "bench (1 BLAS thread): %.0f examples/s, sgemm %.1f GFLOP/s", single.examplesPerSecond, single.sgemmGFLOPs))
        XCTAssertEqual(single.blasThreads, 1)
        XCTAssertEqual(blasThreadCount, r.blasThreads)   // restored
    }
}

/// The sgemm peak measured the way the data-parallel step runs its products.
final class SgemmPeakTests: XCTestCase {
    func testConcurrentPeakRunsEveryWorkerAndReportsTheAggregate() {
        let two = measureSgemm(m: 50, n: 200, k: 200, workers: 2, minimumSeconds: 0.01)
        XCTAssertEqual(two.workers, 2)
        XCTAssertGreaterThan(two.gflops, 0)
        XCTAssertEqual(measureSgemm(m: 50, n: 200, k: 200, minimumSeconds: 0.01).workers, 1)
        // The benchmark measures a worker's shard shapes on all its workers.
        let r = runBenchmark(steps: 3, warmup: 1, threads: 2)
        XCTAssertEqual(r.workers, 2)
        // Without the first layer's 784-wide forward product (its 0/1 input takes sums of rows).
        XCTAssertEqual(r.sgemmShapes.map(\.m), [50, 50, 50, 200])
        XCTAssertEqual(r.sgemmShapes.last?.k, 50)
        XCTAssertTrue(r.sgemmShapes.allSatisfy { $0.workers == 2 })
        XCTAssertEqual(r.sgemmRooflineShare, r.achievedGFLOPs / r.sgemmGFLOPs, accuracy: 1e-12)
        XCTAssertEqual(runBenchmark(steps: 3, warmup: 1, threads: 1).workers, 1)
    }
}
