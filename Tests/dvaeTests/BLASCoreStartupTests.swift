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
}
