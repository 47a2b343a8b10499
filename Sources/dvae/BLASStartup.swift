import DVAE
import Foundation

/// Start-up choice of the OpenBLAS kernels (see `Sources/DVAE/Bench/BLASCore.swift` for why).
///
/// Runs first thing in `main`, before any BLAS call, and at most re-executes the process twice:
/// 1. fresh start, OPENBLAS_CORETYPE unset, the library chose a generic core for a capable CPU →
///    set OPENBLAS_CORETYPE to the deserved core and `BLASCoreState` "try", re-execute;
/// 2. "try" → run `sgemmSelfTest`; passed → mark "ok" and go on; failed → unset OPENBLAS_CORETYPE,
///    mark "fallback", re-execute (the library then picks its own core again);
/// 3. "ok" / "fallback" → nothing more (children inherit the verdict).
/// A user's OPENBLAS_CORETYPE is never touched.
///
/// Test-only switches (documented in docs/ARCHITECTURE.md): `DVAE_TEST_BLAS_LIBRARY_CORE=Name`
/// makes step 1 take Name as the library's choice (to exercise the override on a machine whose
/// library already chose well); `DVAE_TEST_BLAS_SELF_TEST=fail` makes step 2 fail.
enum BLASStartup {
    static func selectKernels() {
        #if os(Linux) && arch(x86_64)
        let env = ProcessInfo.processInfo.environment
        let forced = env["OPENBLAS_CORETYPE"]
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
            guard let core = openBLASCoreOverride(features: .current, libraryCore: library) else { return }
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
