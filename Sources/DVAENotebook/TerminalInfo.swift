#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the terminal (if any) behind a file descriptor: is it one, how wide, which colours.
public struct TerminalInfo: Sendable, Equatable {
    /// Whether the descriptor is a terminal.
    public var isTerminal: Bool
    /// Width in character cells (80 when unknown).
    public var columns: Int
    /// Colour support, already honouring `NO_COLOR` and non-terminals.
    public var colorMode: ColorMode

    /// Creates a description by hand (tests, or forced settings).
    public init(isTerminal: Bool, columns: Int, colorMode: ColorMode) {
        self.isTerminal = isTerminal
        self.columns = max(1, columns)
        self.colorMode = colorMode
    }

    /// Inspects file descriptor `fd` (default: standard output) and the environment.
    ///
    /// Colour is off when `NO_COLOR` is set (any value), when `TERM` is `dumb`, or when `fd`
    /// is not a terminal. True colour is used when `COLORTERM` is `truecolor` or `24bit`,
    /// otherwise the 256-colour palette.
    public static func detect(fd: Int32 = 1, environment: [String: String]) -> TerminalInfo {
        let tty = isatty(fd) == 1
        var columns = 80
        if tty, let width = windowWidth(fd: fd) {
            columns = width
        } else if let text = environment["COLUMNS"], let width = Int(text), width > 0 {
            columns = width
        }
        let mode = colorMode(isTerminal: tty, environment: environment)
        return TerminalInfo(isTerminal: tty, columns: columns, colorMode: mode)
    }

    /// The colour mode implied by the environment for a terminal (or not).
    public static func colorMode(isTerminal: Bool, environment: [String: String]) -> ColorMode {
        if !isTerminal || environment["NO_COLOR"] != nil || environment["TERM"] == "dumb" {
            return .plain
        }
        let colorTerm = (environment["COLORTERM"] ?? "").lowercased()
        if colorTerm == "truecolor" || colorTerm == "24bit" { return .trueColor }
        return .ansi256
    }

    /// The terminal's width from `TIOCGWINSZ`, or nil (not a terminal, or size unknown).
    public static func windowWidth(fd: Int32) -> Int? {
        var size = winsize()
        #if canImport(Glibc)
        let request = UInt(TIOCGWINSZ)
        #else
        let request = TIOCGWINSZ
        #endif
        guard ioctl(fd, request, &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
