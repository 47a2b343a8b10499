/// How much colour a text output can show.
public enum ColorMode: Sendable, Equatable {
    /// 24-bit colour escape codes (`ESC[38;2;r;g;bm`).
    case trueColor
    /// The xterm 256-colour palette (grey ramp 232–255 plus black 16 and white 231).
    case ansi256
    /// No escape codes at all: plain ASCII characters only.
    case plain

    /// Whether this mode writes escape codes.
    public var usesEscapes: Bool { self != .plain }
}
