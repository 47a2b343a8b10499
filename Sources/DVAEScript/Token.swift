/// A position in a script: 1-based line and column, plus the length of the marked text.
///
/// Every token, every syntax node and every error carries one, so a message can point at the
/// exact place in the source with a caret.
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    /// 1-based line number (already offset by the `firstLine` given to `Interpreter.run`).
    public var line: Int
    /// 1-based column, counted in characters.
    public var column: Int
    /// Number of characters the caret underline should cover (at least 1).
    public var length: Int

    /// A location at `line:column` covering `length` characters.
    public init(line: Int, column: Int, length: Int = 1) {
        self.line = line
        self.column = column
        self.length = max(1, length)
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }

    /// The smallest location on `self`'s line covering both `self` and `other` (when on the same line).
    public func through(_ other: SourceLocation) -> SourceLocation {
        guard other.line == line, other.column >= column else { return self }
        return SourceLocation(line: line, column: column, length: other.column + other.length - column)
    }
}

/// The kind of a lexical token.
public enum TokenKind: Equatable, Sendable {
    /// A number literal such as `5`, `0.05` or `1e-3`.
    case number(Double)
    /// A string literal with escapes resolved.
    case string(String)
    /// A name: a variable, command, keyword, argument name or built-in function.
    case identifier(String)
    /// An operator or punctuation mark, such as `+`, `<=`, `[`, `{`, `,`.
    case symbol(String)
    /// The end of a statement (a line break outside brackets, or `;`).
    case newline
    /// The end of the input.
    case end
}

/// One lexical token with its source location.
public struct Token: Equatable, Sendable, CustomStringConvertible {
    /// What the token is.
    public var kind: TokenKind
    /// The exact source text of the token.
    public var text: String
    /// Where it starts and how long it is.
    public var location: SourceLocation
    /// True when white space (or a line start) separates this token from the previous one.
    ///
    /// Inside lists and command arguments, `[1 -2]` is two elements while `[1 - 2]` and `[1-2]`
    /// are one: a `-` with space before it and none after starts a new element.
    public var spaceBefore: Bool

    /// A token of `kind` spelled `text` at `location`.
    public init(kind: TokenKind, text: String, location: SourceLocation, spaceBefore: Bool) {
        self.kind = kind
        self.text = text
        self.location = location
        self.spaceBefore = spaceBefore
    }

    /// The identifier's name, or nil for other tokens.
    public var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    /// True when this token is the symbol `s`.
    public func isSymbol(_ s: String) -> Bool { kind == .symbol(s) }

    /// True when this token is the identifier `name`.
    public func isWord(_ name: String) -> Bool { kind == .identifier(name) }

    /// How the token is named in error messages: `` `train` ``, "end of line", "end of input".
    public var description: String {
        switch kind {
        case .newline: return "end of line"
        case .end: return "end of input"
        case .string: return "string \(text)"
        default: return "`\(text)`"
        }
    }
}
