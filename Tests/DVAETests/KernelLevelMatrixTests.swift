import DVAE
import Foundation
import XCTest

/// Every code path of the numerics on one machine: the suite runs once at the CPU's widest kernel
/// level (element-wise C kernels, and the BLAS core OpenBLAS picks); this test re-runs the
/// numerics-sensitive test classes in child processes of this same test bundle, once per narrower
/// level the CPU runs, each with the matching OpenBLAS core — so an AVX-512 machine also checks
/// what an AVX2-only and an SSE-only machine compute, which is how the tolerances of those classes
/// were found machine-dependent (issue 20). A failing child fails this test with its output.
final class KernelLevelMatrixTests: XCTestCase {
    /// Set in the children, so that they never start children of their own.
    static let childMarker = "DVAE_TEST_KERNEL_LEVEL_CHILD"

    /// The classes re-run: everything that trains, evaluates an objective or a bound, or checks a
    /// kernel against a reference. (VectorKernelTests is not among them: it already switches through
    /// every level in-process, and it checks that the default is the widest level.)
    static let classes = ["ObjectiveTests", "TrainingTests", "ParallelTests", "LayerTests", "GRUEncoderTests",
                          "EvaluationTests", "CorruptionTests", "AuthorsProtocolTests", "LinearGaussianTests",
                          "TensorTests", "BLASCoreTests", "BinaryInputTests"]

    /// A narrower machine to emulate: the element-wise level and the OpenBLAS core of that width
    /// (Haswell = AVX2 + FMA kernels, Prescott = SSE3 kernels, the library's generic fallback).
    struct Emulated: Equatable {
        var kernels: String
        var blasCore: String
    }

    /// The narrower machines this CPU can emulate, given the kernel levels it runs (widest first).
    static func emulations(supported: [String]) -> [Emulated] {
        supported.dropFirst().compactMap { level in
            switch level {
            case "x86-64-v3": return Emulated(kernels: level, blasCore: "Haswell")
            case "x86-64": return Emulated(kernels: level, blasCore: "Prescott")
            default: return nil
            }
        }
    }

    func testEmulationsFollowTheLevelsTheCPURuns() {
        XCTAssertEqual(Self.emulations(supported: ["x86-64-v4", "x86-64-v3", "x86-64"]),
                       [Emulated(kernels: "x86-64-v3", blasCore: "Haswell"), Emulated(kernels: "x86-64", blasCore: "Prescott")])
        XCTAssertEqual(Self.emulations(supported: ["x86-64-v3", "x86-64"]), [Emulated(kernels: "x86-64", blasCore: "Prescott")])
        XCTAssertEqual(Self.emulations(supported: ["generic"]), [])
    }

    func testNumericsPassAtEveryNarrowerKernelLevel() throws {
        let environment = ProcessInfo.processInfo.environment
        if environment[Self.childMarker] != nil { throw XCTSkip("already a child run") }
        #if !(os(Linux) && arch(x86_64))
        throw XCTSkip("the kernel levels are x86-64's; the child runs need Linux's /proc/self/exe")
        #else
        let emulations = Self.emulations(supported: ElementwiseKernels.supported)
        if emulations.isEmpty { throw XCTSkip("this CPU runs only the baseline kernel level") }
        // The running test bundle (SwiftPM on Linux runs the .xctest file as the executable).
        let bundle = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let filter = Self.classes.map { "DVAETests.\($0)" }.joined(separator: ",")
        for emulation in emulations {
            let started = Date()
            let child = Process()
            child.executableURL = URL(fileURLWithPath: bundle)
            child.arguments = [filter]
            var env = environment
            env[ElementwiseKernels.environmentVariable] = emulation.kernels
            env["OPENBLAS_CORETYPE"] = emulation.blasCore
            env[Self.childMarker] = "1"
            child.environment = env
            let output = Pipe()
            child.standardOutput = output
            child.standardError = output
            try child.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            child.waitUntilExit()
            let label = "DVAE_KERNELS=\(emulation.kernels) OPENBLAS_CORETYPE=\(emulation.blasCore)"
            let executed = text.split(separator: "\n").last { $0.contains("Executed") }.map(String.init) ?? "no summary"
            print("\(label): \(executed.trimmingCharacters(in: .whitespaces)) (\(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
            // The child really ran at that level and with that BLAS core (it prints both).
            XCTAssertTrue(text.contains("kernel level in use: \(emulation.kernels)"), "\(label): the child did not report its level\n\(text)")
            XCTAssertTrue(text.lowercased().contains("blas core in use: \(emulation.blasCore.lowercased())"),
                          "\(label): the child did not run the \(emulation.blasCore) BLAS core\n\(text)")
            if child.terminationReason != .exit || child.terminationStatus != 0 {
                let failures = text.split(separator: "\n").filter { $0.contains("error:") || $0.contains("failed") }
                XCTFail("\(label): the child run failed (status \(child.terminationStatus)):\n"
                        + failures.joined(separator: "\n") + "\n--- full output ---\n" + text)
            }
        }
        #endif
    }
}
