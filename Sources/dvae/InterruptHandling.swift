#if canImport(Glibc)
import Glibc
#endif
import DVAEScript

/// Ctrl-C (SIGINT) handling for the whole program.
///
/// One `sigaction` handler, installed without `SA_RESTART` so a waiting `poll` wakes up:
/// - while a command runs (``beginCommand(_:)``), it sets that command's ``InterruptFlag``
///   through its raw `sig_atomic_t` pointer, so training stops after the current step; a second
///   Ctrl-C before the command has stopped exits the program (status 130);
/// - at the prompt, it records a prompt interrupt that ``LineEditor`` turns into "clear the line".
///
/// The handler touches only `sig_atomic_t` storage and `write(2)`, which are async-signal-safe.
enum InterruptHandling {
    /// Installs the SIGINT handler.
    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handleInterrupt
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// Routes Ctrl-C to `flag` until ``endCommand()``.
    static func beginCommand(_ flag: InterruptFlag) {
        flag.reset()
        commandFlag = flag.pointer
    }

    /// Routes Ctrl-C back to the prompt.
    static func endCommand() {
        commandFlag = nil
    }

    /// Whether Ctrl-C was pressed at the prompt since the last call (and forgets it).
    static func takePromptInterrupt() -> Bool {
        guard promptInterrupted != 0 else { return false }
        promptInterrupted = 0
        return true
    }
}

/// The running command's interrupt flag storage, or nil at the prompt.
nonisolated(unsafe) private var commandFlag: UnsafeMutablePointer<sig_atomic_t>? = nil
/// Set by the handler when Ctrl-C arrives at the prompt.
nonisolated(unsafe) private var promptInterrupted: sig_atomic_t = 0

/// The SIGINT handler (async-signal-safe: stores and `write` only).
private let handleInterrupt: @convention(c) (Int32) -> Void = { _ in
    if let flag = commandFlag {
        if flag.pointee != 0 {
            let message = "\ndvae: interrupted twice, exiting\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            _exit(130)
        }
        flag.pointee = 1
    } else {
        promptInterrupted = 1
    }
}
