import Foundation
import XCTest
import DVAE

/// The choice of OpenBLAS kernels from CPU features (a pure function, so processors that are not at
/// hand are described by their CPUID feature sets) and the sgemm self-test.
final class BLASCoreTests: XCTestCase {
    /// Intel Xeon, family 6 model 207 (Emerald Rapids): AVX-512 with BF16. Debian's OpenBLAS 0.3.21
    /// does not know the model and picks Prescott.
    let xeon207 = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 207, avx: true, fma: true, avx2: true,
                              avx512f: true, avx512bw: true, avx512dq: true, avx512vl: true, avx512bf16: true)
    /// This machine: AMD EPYC Zen 4 (family 25 model 17), AVX-512 with BF16; OpenBLAS picks Cooperlake.
    let zen4 = CPUFeatures(vendor: "AuthenticAMD", family: 25, model: 17, avx: true, fma: true, avx2: true,
                           avx512f: true, avx512bw: true, avx512dq: true, avx512vl: true, avx512bf16: true)
    /// AMD Zen 2 (family 23 model 49): AVX2 + FMA, no AVX-512.
    let zen2 = CPUFeatures(vendor: "AuthenticAMD", family: 23, model: 49, avx: true, fma: true, avx2: true)
    /// An SSE-only x86-64 (or a hypervisor hiding AVX).
    let sseOnly = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 23)

    func testXeonWithGenericKernelsGetsSkylakeX() {
        XCTAssertEqual(deservedOpenBLASCore(for: xeon207), "SkylakeX")
        XCTAssertEqual(openBLASCoreOverride(features: xeon207, libraryCore: "Prescott"), "SkylakeX")
        XCTAssertEqual(openBLASCoreOverride(features: xeon207, libraryCore: "Nehalem"), "SkylakeX")
        // A library that knew the model (Haswell is still narrower than the CPU): upgrade too.
        XCTAssertEqual(openBLASCoreOverride(features: xeon207, libraryCore: "Haswell"), "SkylakeX")
        XCTAssertNil(openBLASCoreOverride(features: xeon207, libraryCore: "SkylakeX"))
        XCTAssertNil(openBLASCoreOverride(features: xeon207, libraryCore: "SapphireRapids"))
    }

    func testZen4WithCooperlakeIsKept() {
        XCTAssertNil(openBLASCoreOverride(features: zen4, libraryCore: "Cooperlake"))
        XCTAssertNil(openBLASCoreOverride(features: zen4, libraryCore: "COOPERLAKE"))
        XCTAssertEqual(openBLASCoreOverride(features: zen4, libraryCore: "Zen"), "SkylakeX")
    }

    func testAVX2ZenKeepsZenOrHaswell() {
        XCTAssertEqual(deservedOpenBLASCore(for: zen2), "Zen")
        XCTAssertNil(openBLASCoreOverride(features: zen2, libraryCore: "Zen"))
        XCTAssertNil(openBLASCoreOverride(features: zen2, libraryCore: "Haswell"))
        XCTAssertEqual(openBLASCoreOverride(features: zen2, libraryCore: "Prescott"), "Zen")
        var intelAVX2 = zen2
        intelAVX2.vendor = "GenuineIntel"
        XCTAssertEqual(openBLASCoreOverride(features: intelAVX2, libraryCore: "Prescott"), "Haswell")
        // AVX2 without FMA is not what the Haswell kernels need: AVX kernels at most.
        intelAVX2.fma = false
        XCTAssertEqual(openBLASCoreOverride(features: intelAVX2, libraryCore: "Prescott"), "Sandybridge")
    }

    func testSSEOnlyCPUKeepsWhateverTheLibraryChose() {
        XCTAssertNil(deservedOpenBLASCore(for: sseOnly))
        XCTAssertNil(openBLASCoreOverride(features: sseOnly, libraryCore: "Prescott"))
        XCTAssertNil(openBLASCoreOverride(features: sseOnly, libraryCore: "Nehalem"))
    }

    /// AVX-512F alone (e.g. Knights Landing, or a hypervisor masking BW/DQ/VL) is not enough for SkylakeX.
    func testPartialAVX512IsNotSkylakeX() {
        var knl = zen2
        knl.avx512f = true
        XCTAssertEqual(openBLASCoreOverride(features: knl, libraryCore: "Prescott"), "Zen")
    }

    /// An OPENBLAS_CORETYPE the processor cannot run is refused (OpenBLAS would obey it and stop
    /// with SIGILL), naming the cores it can run; one it can run is accepted, in any case.
    func testImpossibleCoresAreRefusedWithTheRunnableOnes() throws {
        // Zen 2: AVX2 + FMA only.
        for core in ["SkylakeX", "Cooperlake", "skylakex"] {
            let problem = try XCTUnwrap(openBLASCoreProblem(core, features: zen2), core)
            XCTAssertTrue(problem.contains("needs AVX-512"), problem)
            XCTAssertTrue(problem.contains("AuthenticAMD family 23 model 49"), problem)
            XCTAssertTrue(problem.contains("cores this processor runs: Zen, Haswell, Sandybridge, Barcelona"), problem)
        }
        for core in ["Zen", "Haswell", "Sandybridge", "Prescott", "Nehalem", "Barcelona"] { XCTAssertNil(openBLASCoreProblem(core, features: zen2), core) }
        XCTAssertNotNil(openBLASCoreProblem("Bulldozer", features: zen2), "FMA4 is family 15h's only")
        XCTAssertFalse(openBLASCoresRunnable(on: zen2).contains("SkylakeX"))
        // Zen 4: AVX-512 with BF16 — every wide core; the AMD-only SSE cores too.
        for core in ["Cooperlake", "SkylakeX", "Zen", "Haswell", "Prescott", "Opteron"] { XCTAssertNil(openBLASCoreProblem(core, features: zen4), core) }
        // The Intel AVX-512 Xeon: every Intel core, but not the AMD-only ones.
        for core in ["Cooperlake", "SkylakeX", "Haswell", "Zen", "Core2"] { XCTAssertNil(openBLASCoreProblem(core, features: xeon207), core) }
        XCTAssertTrue(openBLASCoreProblem("Barcelona", features: xeon207)?.contains("needs an AMD processor") ?? false)
        var noBF16 = xeon207
        noBF16.avx512bf16 = false
        XCTAssertTrue(openBLASCoreProblem("Cooperlake", features: noBF16)?.contains("with BF16") ?? false)
        XCTAssertNil(openBLASCoreProblem("SkylakeX", features: noBF16))
        // Haswell without FMA (or AVX2), and anything wide on an SSE-only processor.
        var avx2NoFMA = zen2
        avx2NoFMA.fma = false
        XCTAssertTrue(openBLASCoreProblem("Haswell", features: avx2NoFMA)?.contains("needs AVX2 and FMA") ?? false)
        XCTAssertNil(openBLASCoreProblem("Sandybridge", features: avx2NoFMA))
        for core in ["Haswell", "Zen", "Sandybridge", "SkylakeX"] { XCTAssertNotNil(openBLASCoreProblem(core, features: sseOnly), core) }
        XCTAssertEqual(openBLASCoresRunnable(on: sseOnly), ["Nehalem", "Dunnington", "Penryn", "Core2", "Atom", "Nano", "Prescott"])
        // A name OpenBLAS does not have (it would ignore it silently) is refused too.
        XCTAssertTrue(openBLASCoreProblem("Skylake", features: zen4)?.contains("is not a core of dvae's OpenBLAS") ?? false)
        // The deserved core dvae forces is always one the processor runs.
        for f in [zen2, zen4, xeon207, sseOnly] {
            if let core = deservedOpenBLASCore(for: f) { XCTAssertNil(openBLASCoreProblem(core, features: f), core) }
        }
    }

    func testStateRoundTripsAndRejectsGarbage() {
        let s = BLASCoreState(phase: .trying, libraryCore: "Prescott", forcedCore: "SkylakeX")
        XCTAssertEqual(s.encoded, "try:Prescott:SkylakeX")
        XCTAssertEqual(BLASCoreState(parsing: s.encoded), s)
        for bad in [nil, "", "try", "try:Prescott", "maybe:Prescott:SkylakeX", "ok::SkylakeX", "ok:a:b:c"] {
            XCTAssertNil(BLASCoreState(parsing: bad), bad ?? "nil")
        }
    }

    func testSelectionDescribesOverrideFallbackAndUserChoice() {
        let overridden = BLASCoreSelection.describe(
            environment: ["OPENBLAS_CORETYPE": "SkylakeX", BLASCoreState.variable: "ok:Prescott:SkylakeX"],
            core: "SkylakeX", features: xeon207)
        XCTAssertTrue(overridden.overridden)
        XCTAssertEqual(overridden.libraryCore, "Prescott")
        XCTAssertNil(overridden.warning)

        let fellBack = BLASCoreSelection.describe(environment: [BLASCoreState.variable: "fallback:Prescott:SkylakeX"],
                                                  core: "Prescott", features: xeon207)
        XCTAssertFalse(fellBack.overridden)
        XCTAssertTrue(fellBack.note?.contains("self-test") ?? false)
        XCTAssertNotNil(fellBack.warning, "Prescott on an AVX-512 Xeon is a generic fallback")

        let user = BLASCoreSelection.describe(environment: ["OPENBLAS_CORETYPE": "Prescott"], core: "Prescott", features: zen4)
        XCTAssertTrue(user.userSet)
        XCTAssertFalse(user.overridden)
        XCTAssertTrue(user.warning?.contains("set by you") ?? false)

        let plain = BLASCoreSelection.describe(environment: [:], core: "Cooperlake", features: zen4)
        XCTAssertEqual(plain.core, "Cooperlake")
        XCTAssertEqual(plain.libraryCore, "Cooperlake")
        XCTAssertFalse(plain.overridden || plain.userSet)
        XCTAssertNil(plain.note)
        XCTAssertNil(plain.warning)
    }

    /// Says which kernels this run uses (KernelLevelMatrixTests reads these lines from its children):
    /// the element-wise level `DVAE_KERNELS` asked for, when it did, and a BLAS core.
    func testReportsTheKernelsInUse() {
        print("kernel level in use: \(ElementwiseKernels.current)")
        print("BLAS core in use: \(currentOpenBLASCore)")
        if let wanted = ProcessInfo.processInfo.environment[ElementwiseKernels.environmentVariable],
           ElementwiseKernels.supported.contains(wanted) {
            XCTAssertEqual(ElementwiseKernels.current, wanted, "DVAE_KERNELS is honoured from the first kernel call")
        }
    }

    func testSelfTestPassesOnThisMachinesBLAS() {
        let r = sgemmSelfTest()
        XCTAssertTrue(r.passed, r.failure ?? "")
        XCTAssertEqual(r.productsChecked, 7 * 4 * 2)
        XCTAssertLessThan(r.worstError, 0.1, "float rounding is far below the tolerance")
    }

    /// The self-test must catch the kinds of damage a bad kernel does.
    func testSelfTestCatchesBrokenKernels() {
        // Drops the last term of every dot product (an edge case of the k loop).
        let shortK: SgemmFunction = { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
            blasSgemm(ta, tb, m, n, max(k - 1, 0), alpha, a, lda, b, ldb, beta, c, ldc)
        }
        // Ignores β (treats every call as β = 0).
        let lostBeta: SgemmFunction = { ta, tb, m, n, k, alpha, a, lda, b, ldb, _, c, ldc in
            blasSgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, 0, c, ldc)
        }
        // Confuses the transposes of A.
        let wrongTranspose: SgemmFunction = { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
            if ta && m == k { blasSgemm(false, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) }
            else { blasSgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) }
        }
        // Writes NaN into one element of large products only (a blocked-path bug).
        let nanInBigProducts: SgemmFunction = { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
            blasSgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            if m * n * k > 200_000 { c[(m - 1) * ldc + n - 1] = .nan }
        }
        for (name, broken) in [("short k", shortK), ("lost β", lostBeta), ("wrong transpose", wrongTranspose),
                               ("NaN", nanInBigProducts)] {
            let r = sgemmSelfTest(broken)
            XCTAssertFalse(r.passed, name)
            XCTAssertNotNil(r.failure, name)
        }
    }
}
