/// A formula that cannot be translated: where, what, and what to write instead.
public struct MathError: Error, Equatable, CustomStringConvertible {
    /// 0-based character (grapheme) offset of the problem inside the formula's source.
    public var offset: Int
    /// What is wrong, e.g. "unknown command `\foo`".
    public var message: String
    /// What to do about it.
    public var help: String

    /// Creates an error.
    public init(offset: Int, message: String, help: String) {
        self.offset = offset
        self.message = message
        self.help = help
    }

    /// `message; help`.
    public var description: String { "\(message); \(help)" }
}
