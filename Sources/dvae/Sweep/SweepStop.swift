#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) or SIGTERM while `dvae sweep --local` runs its tasks.
///
/// The tasks are `Foundation.Process` children in their own process groups, so the terminal's
/// Ctrl-C reaches only the parent: without this, the parent died and its tasks went on computing
/// unseen. The handler only records the signal (async-signal-safe); the sweep's loop and a watcher
/// notice it, stop starting tasks, send SIGTERM to every running one and report what the cache
/// kept. A handler — unlike an ignored signal — is reset to the default in the children at
/// `exec`, so the tasks themselves still die of SIGTERM.
enum SweepStop {
    /// Installs the handler for SIGINT and SIGTERM.
    static func install() {
        stopSignal = 0
        var action = sigaction()
        action.__sigaction_handler.sa_handler = recordStop
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
    }

    /// Restores the default actions.
    static func uninstall() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    /// The signal that asked the sweep to stop, or nil.
    static var received: Int32? { stopSignal == 0 ? nil : Int32(stopSignal) }

    /// "Ctrl-C (SIGINT)" or "SIGTERM", for messages.
    static func name(_ signal: Int32) -> String { signal == SIGINT ? "Ctrl-C (SIGINT)" : "SIGTERM" }
}

/// The signal received, 0 until then.
nonisolated(unsafe) private var stopSignal: sig_atomic_t = 0

/// The handler: records the signal and nothing else.
private let recordStop: @convention(c) (Int32) -> Void = { signal in stopSignal = signal }
