import DVAE
import Foundation

/// Start-up choice of the OpenBLAS kernels (see `Sources/DVAE/BLAS/BLASCore.swift` for why).
///
/// Runs first thing in `main`, before any BLAS call, and at most re-executes the process twice:
/// 1. fresh start, OPENBLAS_CORETYPE unset, the library chose a generic core for a capable CPU →
///    set OPENBLAS_CORETYPE to the deserved core and `BLASCoreState` "try", re-execute;
/// 2. "try" → run `sgemmSelfTest`; passed → mark "ok" and go on; failed → unset OPENBLAS_CORETYPE,
///    mark "fallback", re-execute (the library then picks its own core again);
/// 3. "ok" / "fallback" → nothing more (children inherit the verdict).
/// A user's OPENBLAS_CORETYPE is never changed, but one this processor cannot run (SkylakeX without
/// AVX-512, Haswell without AVX2 and FMA, …) is refused before any BLAS kernel runs, naming the
/// cores it can run: OpenBLAS would obey it and die with SIGILL in the first sgemm.
///
/// Test-only switches (documented in docs/ARCHITECTURE.md): `DVAE_TEST_BLAS_LIBRARY_CORE=Name`
/// makes step 1 take Name as the library's choice (to exercise the override on a machine whose
/// library already chose well); `DVAE_TEST_BLAS_SELF_TEST=fail` makes step 2 fail;
/// `DVAE_TEST_CPU_WITHOUT=avx512,avx2,fma,avx,bf16` makes these decisions as if the processor
/// lacked those features (to check the refusal on a machine that has them).
enum BLASStartup {
    static func selectKernels() {
        #if os(Linux) && arch(x86_64)
        let env = ProcessInfo.processInfo.environment
        let forced = env["OPENBLAS_CORETYPE"]
        let features = CPUFeatures.current.without(env["DVAE_TEST_CPU_WITHOUT"])
        if let forced, let problem = openBLASCoreProblem(forced, features: features) {
            printError("dvae: " + problem)
            exit(2)
        }
        switch BLASCoreState(parsing: env[BLASCoreState.variable]) {
        case let state? where state.phase == .trying && forced == state.forcedCore:
            let result = sgemmSelfTest()
            let failed = env["DVAE_TEST_BLAS_SELF_TEST"] == "fail" || !result.passed
            if !failed {
                setenv(BLASCoreState.variable, BLASCoreState(phase: .passed, libraryCore: state.libraryCore,
                                                             forcedCore: state.forcedCore).encoded, 1)
                return
            }
            unsetenv("OPENBLAS_CORETYPE")
            setenv(BLASCoreState.variable, BLASCoreState(phase: .fellBack, libraryCore: state.libraryCore,
                                                         forcedCore: state.forcedCore).encoded, 1)
            reexecute()
            // Still here: exec failed, and this process runs the kernels that just failed.
            printError("warning: the \(state.forcedCore) BLAS kernels failed dvae's sgemm self-test "
                       + "(\(result.failure ?? "forced by DVAE_TEST_BLAS_SELF_TEST")) and dvae could not restart itself "
                       + "without them; set OPENBLAS_CORETYPE=\(state.libraryCore)")
        case let state? where state.phase == .passed && forced == state.forcedCore:
            return
        case let state? where state.phase == .fellBack && forced == nil:
            return
        default:
            // A fresh start (or a stale state that no longer matches OPENBLAS_CORETYPE).
            unsetenv(BLASCoreState.variable)
            guard forced == nil else { return }                      // the user's choice wins
            let library = env["DVAE_TEST_BLAS_LIBRARY_CORE"] ?? currentOpenBLASCore
            guard let core = openBLASCoreOverride(features: features, libraryCore: library),
                  openBLASCoreProblem(core, features: features) == nil else { return }
            setenv("OPENBLAS_CORETYPE", core, 1)
            setenv(BLASCoreState.variable, BLASCoreState(phase: .trying, libraryCore: library, forcedCore: core).encoded, 1)
            reexecute()
            // exec failed: carry on with the library's choice.
            unsetenv("OPENBLAS_CORETYPE")
            unsetenv(BLASCoreState.variable)
        }
        #endif
    }

    /// Replaces this process by a fresh run of the same executable with the same arguments and the
    /// current environment; returns only if that fails.
    private static func reexecute() {
        fflush(nil)   // nothing is printed before this point, but never lose buffered output
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}

extension CPUFeatures {
    /// These features with those named in `list` (comma-separated: avx512, bf16, avx2, fma, avx)
    /// switched off; the test-only `DVAE_TEST_CPU_WITHOUT` pretends a narrower processor this way.
    func without(_ list: String?) -> CPUFeatures {
        var f = self
        for name in (list ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            switch name {
            case "avx512": f.avx512f = false; f.avx512bw = false; f.avx512dq = false; f.avx512vl = false; f.avx512bf16 = false
            case "bf16": f.avx512bf16 = false
            case "avx2": f.avx2 = false
            case "fma": f.fma = false
            case "avx": f.avx = false; f.avx2 = false; f.fma = false
            default: break
            }
        }
        return f
    }
}
