#if canImport(Glibc)
import Glibc
#endif
import DVAEScript

/// Interrupting the running cell, as Ctrl-C does in the REPL: training stops after the current
/// step and keeps the model; other work stops at the next statement.
///
/// Jupyter interrupts a kernel in one of two ways, and both end here: SIGINT (the default
/// `interrupt_mode: signal`, which `KernelManager.interrupt_kernel()` sends) and an
/// `interrupt_request` on the control socket (`interrupt_mode: message`). Unlike the REPL, a
/// second interrupt never ends the process: a kernel lives until the front end shuts it down.
/// An interrupt while no cell runs does nothing.
public enum KernelInterrupt {
    /// Installs the SIGINT handler (no `SA_RESTART`, so a blocking wait wakes up).
    public static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handleInterrupt
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// Routes interrupts to `flag` until ``endCell()``.
    public static func beginCell(_ flag: InterruptFlag) {
        flag.reset()
        runningFlag = flag.pointer
    }

    /// No cell runs: interrupts are ignored.
    public static func endCell() {
        runningFlag = nil
    }

    /// Interrupts the running cell, if any (for `interrupt_request`); true when one was running.
    @discardableResult
    public static func request() -> Bool {
        guard let flag = runningFlag else { return false }
        flag.pointee = 1
        return true
    }
}

/// The running cell's interrupt flag storage, or nil between cells.
nonisolated(unsafe) private var runningFlag: UnsafeMutablePointer<sig_atomic_t>? = nil

/// The SIGINT handler: one store, which is async-signal-safe.
private let handleInterrupt: @convention(c) (Int32) -> Void = { _ in
    if let flag = runningFlag { flag.pointee = 1 }
}
