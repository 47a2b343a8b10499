import Foundation
import XCTest

/// The start-up choice of BLAS kernels, through the real `dvae` binary: the re-execution with
/// OPENBLAS_CORETYPE, the self-test and its fallback (see Sources/dvae/BLASStartup.swift).
final class BLASCoreStartupTests: XCTestCase {
    private func bench(_ environment: [String: String]) throws -> [String: Any] {
        let result = try DVAEBinary.run(["bench", "--steps", "2", "--warmup", "0", "--json"], environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// Runs only where the override can happen: Linux on an x86-64 with AVX-512.
    private func requireAVX512() throws -> [String: Any] {
        #if !(os(Linux) && arch(x86_64))
        throw XCTSkip("the BLAS core override is for Linux on x86-64")
        #endif
        let plain = try bench([:])
        guard (plain["cpu"] as? String)?.hasSuffix("AVX-512") == true else {
            throw XCTSkip("this processor has no AVX-512")
        }
        return plain
    }

    /// Pretending the library fell back to Prescott (as on an Intel model-207 Xeon), dvae restarts
    /// with the SkylakeX kernels, which pass the self-test and are reported.
    func testGenericCoreIsReplacedAfterTheSelfTest() throws {
        _ = try requireAVX512()
        let o = try bench(["DVAE_TEST_BLAS_LIBRARY_CORE": "Prescott"])
        XCTAssertEqual(o["blas_core"] as? String, "SkylakeX")
        XCTAssertEqual(o["blas_core_library_choice"] as? String, "Prescott")
        XCTAssertEqual(o["blas_core_overridden"] as? Bool, true)
    }

    /// When the forced kernels fail the self-test, dvae restarts once more without them and runs the
    /// library's own choice, saying so.
    func testFailedSelfTestFallsBackToTheLibrarysChoice() throws {
        let plain = try requireAVX512()
        let o = try bench(["DVAE_TEST_BLAS_LIBRARY_CORE": "Prescott", "DVAE_TEST_BLAS_SELF_TEST": "fail"])
        XCTAssertEqual(o["blas_core"] as? String, plain["blas_core"] as? String)
        XCTAssertEqual(o["blas_core_overridden"] as? Bool, false)
        XCTAssertTrue((o["blas_core_note"] as? String)?.contains("failed dvae's sgemm self-test") ?? false,
                      "\(o["blas_core_note"] ?? "no note")")
    }

    /// A core the user set is kept, and plain `dvae bench` warns in one line that it is generic.
    func testUserChoiceWinsAndGenericCoreIsWarnedAbout() throws {
        _ = try requireAVX512()
        let o = try bench(["OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertEqual(o["blas_core"] as? String, "Prescott")
        XCTAssertEqual(o["blas_core_overridden"] as? Bool, false)
        let text = try DVAEBinary.run(["bench", "--steps", "2", "--warmup", "0"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertEqual(text.status, 0, text.stderr)
        let warnings = text.stderr.split(separator: "\n").filter { $0.hasPrefix("warning:") }
        XCTAssertEqual(warnings.count, 1, text.stderr)
        XCTAssertTrue(warnings.first?.contains("generic Prescott kernels") ?? false, text.stderr)
    }

    /// An OPENBLAS_CORETYPE the processor cannot run is refused before OpenBLAS runs a kernel (it
    /// would stop with SIGILL), with the cores it can run. On this machine the processor is made to
    /// look narrower with the test-only DVAE_TEST_CPU_WITHOUT; without it SkylakeX is accepted
    /// where the CPU has AVX-512.
    func testImpossibleCoreIsRefusedBeforeOpenBLASRuns() throws {
        #if !(os(Linux) && arch(x86_64))
        throw XCTSkip("OPENBLAS_CORETYPE is checked on Linux x86-64")
        #endif
        let script = "print 6 * 7\n"
        let refused = try DVAEBinary.run([], input: script,
                                         environment: ["OPENBLAS_CORETYPE": "SkylakeX", "DVAE_TEST_CPU_WITHOUT": "avx512"])
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertFalse(refused.stdout.contains("42"), "nothing ran")
        XCTAssertTrue(refused.stderr.contains("OPENBLAS_CORETYPE=SkylakeX needs AVX-512"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("cores this processor runs: "), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("SkylakeX,"), "SkylakeX is not offered: " + refused.stderr)
        let noAVX2 = try DVAEBinary.run(["bench", "--steps", "1", "--warmup", "0"],
                                        environment: ["OPENBLAS_CORETYPE": "Haswell", "DVAE_TEST_CPU_WITHOUT": "avx2"])
        XCTAssertEqual(noAVX2.status, 2, noAVX2.stderr)
        XCTAssertTrue(noAVX2.stderr.contains("OPENBLAS_CORETYPE=Haswell needs AVX2 and FMA"), noAVX2.stderr)
        let unknown = try DVAEBinary.run([], input: script, environment: ["OPENBLAS_CORETYPE": "Skylake"])
        XCTAssertEqual(unknown.status, 2, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("is not a core of dvae's OpenBLAS"), unknown.stderr)
        // A core this CPU runs is accepted as before.
        let prescott = try DVAEBinary.run([], input: script, environment: ["OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertEqual(prescott.status, 0, prescott.stderr)
        XCTAssertTrue(prescott.stdout.contains("42"), prescott.stdout)
    }
}
