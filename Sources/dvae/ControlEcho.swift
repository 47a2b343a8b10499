#if canImport(Glibc)
import Glibc
#endif

/// Turns off the terminal's echo of control characters (`^C`) while a command runs, so an
/// interrupted command's message starts cleanly at the left margin; restored afterwards.
struct ControlEcho {
    /// The settings to restore, or nil when standard input is not a terminal.
    private let saved: termios?

    /// Disables `ECHOCTL` on standard input's terminal (does nothing elsewhere).
    init() {
        var settings = termios()
        guard isatty(0) == 1, tcgetattr(0, &settings) == 0 else {
            saved = nil
            return
        }
        saved = settings
        settings.c_lflag &= ~tcflag_t(ECHOCTL)
        tcsetattr(0, TCSANOW, &settings)
    }

    /// Puts the saved settings back.
    func restore() {
        guard var settings = saved else { return }
        tcsetattr(0, TCSANOW, &settings)
    }
}
