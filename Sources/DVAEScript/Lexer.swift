import DVAE

/// Turns script text into tokens.
///
/// Line breaks end statements, except inside `(…)` and `[…]` or after a trailing `\`.
/// `;` also ends a statement. `#` starts a comment that runs to the end of the line.
/// Numbers are decimal (`5`, `0.05`, `1e-3`, `10_000`); strings use double quotes with the
/// escapes `\n`, `\t`, `\"` and `\\`. `≤`, `≥` and `≠` are accepted for `<=`, `>=` and `!=`.
struct Lexer {
    private let chars: [Character]
    private let firstLine: Int
    private var index = 0
    private var line: Int
    private var column = 1
    /// Nesting of `(` and `[` (line breaks inside are not statement ends).
    private var groupDepth = 0
    /// Nesting of all brackets including `{` (for "needs more input").
    private var openers: [(Character, SourceLocation)] = []
    /// The memory reading this source takes, charged token by token (see ``FrontEndBudget``).
    private var charge: FrontEndBudget

    /// A lexer over `source` whose first line is numbered `firstLine`; reading it (its tokens
    /// and the syntax tree they will make) must fit `budget`.
    init(_ source: String, firstLine: Int = 1, budget: MemoryBudget = .unlimited) {
        chars = Array(source)
        self.firstLine = firstLine
        line = firstLine
        charge = FrontEndBudget(budget: budget, characters: chars.count,
                                lines: budget == .unlimited ? 0 : chars.reduce(1) { $1 == "\n" ? $0 + 1 : $0 })
    }

    /// All tokens, ending with `.end`. Throws a `LocatedError` for a bad character or an
    /// unterminated string.
    mutating func tokenize() throws -> [Token] {
        var tokens: [Token] = []
        var spaceBefore = true
        if !charge.budget.allows(charge.total(tokenCapacity: 0)) {
            // The text alone passes the limit: point at the character where it does.
            let k = min(chars.count - 1, max(0, charge.budget.limit / MemoryLayout<Character>.stride))
            var at = SourceLocation(line: firstLine, column: 1)
            for c in chars[..<k] {
                if c == "\n" { at.line += 1; at.column = 1 } else { at.column += 1 }
            }
            try charge.check(tokenCapacity: 0, at: at)
        }
        while true {
            // White space, comments, continuations.
            var sawSpace = false
            while index < chars.count {
                let c = chars[index]
                if c == " " || c == "\t" || c == "\r" {
                    advance(); sawSpace = true
                } else if c == "#" {
                    while index < chars.count, chars[index] != "\n" { advance() }
                } else if c == "\\", nextIsLineBreak(after: index) {
                    advance()
                    while index < chars.count, chars[index] != "\n" { advance() }
                    if index < chars.count { advance() }
                    sawSpace = true
                } else {
                    break
                }
            }
            spaceBefore = spaceBefore || sawSpace
            guard index < chars.count else { break }
            let c = chars[index]
            let start = SourceLocation(line: line, column: column)

            if c == "\n" || c == ";" {
                advance()
                if groupDepth == 0, let last = tokens.last, last.kind != .newline {
                    tokens.append(Token(kind: .newline, text: c == ";" ? ";" : "\\n",
                                        location: start, spaceBefore: spaceBefore))
                }
                spaceBefore = true
                continue
            }
            let token: Token
            if c.isNumber, c.isASCII {
                token = try lexNumber(start: start, spaceBefore: spaceBefore)
            } else if c.isLetter || c == "_" {
                var text = ""
                while index < chars.count, chars[index].isLetter || chars[index].isNumber || chars[index] == "_" {
                    text.append(chars[index]); advance()
                }
                token = Token(kind: .identifier(text), text: text,
                              location: SourceLocation(line: start.line, column: start.column, length: text.count),
                              spaceBefore: spaceBefore)
            } else if c == "\"" {
                token = try lexString(start: start, spaceBefore: spaceBefore)
            } else {
                token = try lexSymbol(start: start, spaceBefore: spaceBefore)
            }
            tokens.append(token)
            try charge.charge(token, tokenCapacity: tokens.capacity)
            spaceBefore = false
        }
        // Input that ends inside `(` or `[` is reported at the opener (the end of input has no
        // line to point at); an unclosed `{` is the parser's to report, with its block.
        if let (open, at) = openers.last(where: { $0.0 != "{" }) {
            let closer = open == "(" ? ")" : "]"
            throw LocatedError("unclosed `\(open)`", at: at, suggestion: "add `\(closer)` to close it")
        }
        if let last = tokens.last, last.kind != .newline {
            tokens.append(Token(kind: .newline, text: "\\n", location: SourceLocation(line: line, column: column),
                                spaceBefore: true))
        }
        tokens.append(Token(kind: .end, text: "", location: SourceLocation(line: line, column: column), spaceBefore: true))
        return tokens
    }

    /// True when `source` is an unfinished statement: an open bracket or brace, or a trailing
    /// `\`. Used by the REPL to ask for a continuation line. An unterminated string is not
    /// unfinished: strings end on their line, so more lines cannot complete it, and the REPL
    /// reports it at once (as piped input does) instead of waiting.
    /// Over `budget` the input is complete: running it reports the limit, located.
    static func needsMoreInput(_ source: String, budget: MemoryBudget = .unlimited) -> Bool {
        var lexer = Lexer(source, budget: budget)
        do {
            _ = try lexer.tokenize()
        } catch let error as LocatedError {
            return error.message.hasPrefix("unclosed")
        } catch {
            return false
        }
        if !lexer.openers.isEmpty { return true }
        let trimmed = source.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return trimmed.first == "\\"
    }

    // MARK: - Pieces

    private mutating func advance() {
        if chars[index] == "\n" { line += 1; column = 1 } else { column += 1 }
        index += 1
    }

    private func peek(_ offset: Int = 0) -> Character? {
        index + offset < chars.count ? chars[index + offset] : nil
    }

    private func nextIsLineBreak(after i: Int) -> Bool {
        var j = i + 1
        while j < chars.count, chars[j] == " " || chars[j] == "\t" || chars[j] == "\r" { j += 1 }
        if j < chars.count, chars[j] == "#" { return true }
        return j >= chars.count || chars[j] == "\n"
    }

    private mutating func lexNumber(start: SourceLocation, spaceBefore: Bool) throws -> Token {
        var text = ""
        func digits(_ lexer: inout Lexer) {
            while let d = lexer.peek(), (d.isASCII && d.isNumber) || d == "_" { text.append(d); lexer.advance() }
        }
        digits(&self)
        if peek() == ".", let d = peek(1), d.isASCII, d.isNumber {
            text.append("."); advance()
            digits(&self)
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1)
            if let d = sign, d.isASCII, d.isNumber {
                text.append(e); advance(); digits(&self)
            } else if sign == "-" || sign == "+", let d = peek(2), d.isASCII, d.isNumber {
                text.append(e); advance(); text.append(sign!); advance(); digits(&self)
            }
        }
        let location = SourceLocation(line: start.line, column: start.column, length: text.count)
        if let next = peek(), next.isLetter || next == "_" {
            var word = text
            var j = index
            while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { word.append(chars[j]); j += 1 }
            throw LocatedError("malformed number `\(word)`", at: SourceLocation(line: start.line, column: start.column, length: word.count),
                               suggestion: "separate the number from the name with a space, or write a number like `1e-3`")
        }
        guard let value = Double(text.replacingOccurrences(of: "_", with: "")) else {
            throw LocatedError("malformed number `\(text)`", at: location)
        }
        return Token(kind: .number(value), text: text, location: location, spaceBefore: spaceBefore)
    }

    private mutating func lexString(start: SourceLocation, spaceBefore: Bool) throws -> Token {
        advance() // opening quote
        var value = ""
        var text = "\""
        while true {
            guard let c = peek(), c != "\n" else {
                throw LocatedError("unterminated string", at: start, suggestion: "close the string with `\"` on the same line")
            }
            advance(); text.append(c)
            if c == "\"" { break }
            if c == "\\" {
                guard let e = peek(), e != "\n" else {
                    throw LocatedError("unterminated string", at: start, suggestion: "close the string with `\"` on the same line")
                }
                let escapeLocation = SourceLocation(line: line, column: column - 1, length: 2)
                advance(); text.append(e)
                switch e {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "\"": value.append("\"")
                case "\\": value.append("\\")
                default:
                    throw LocatedError("unknown escape `\\\(e)` in string", at: escapeLocation,
                                       suggestion: "the escapes are \\n, \\t, \\\" and \\\\")
                }
            } else {
                value.append(c)
            }
        }
        return Token(kind: .string(value), text: text,
                     location: SourceLocation(line: start.line, column: start.column, length: text.count),
                     spaceBefore: spaceBefore)
    }

    private mutating func lexSymbol(start: SourceLocation, spaceBefore: Bool) throws -> Token {
        let c = chars[index]
        let two = peek(1).map { String([c, $0]) } ?? ""
        func make(_ s: String, consumed: Int) -> Token {
            for _ in 0..<consumed { advance() }
            return Token(kind: .symbol(s), text: s,
                         location: SourceLocation(line: start.line, column: start.column, length: consumed),
                         spaceBefore: spaceBefore)
        }
        switch two {
        case "<=", ">=", "==", "!=": return make(two, consumed: 2)
        case "&&":
            throw LocatedError("unexpected `&&`", at: SourceLocation(line: start.line, column: start.column, length: 2),
                               suggestion: "write `and`")
        case "||":
            throw LocatedError("unexpected `||`", at: SourceLocation(line: start.line, column: start.column, length: 2),
                               suggestion: "write `or`")
        case "**":
            throw LocatedError("unexpected `**`", at: SourceLocation(line: start.line, column: start.column, length: 2),
                               suggestion: "write `^` for powers")
        default: break
        }
        switch c {
        case "≤": return make("<=", consumed: 1)
        case "≥": return make(">=", consumed: 1)
        case "≠": return make("!=", consumed: 1)
        case "(", "[", "{":
            if c != "{" { groupDepth += 1 }
            openers.append((c, start))
            return make(String(c), consumed: 1)
        case ")", "]", "}":
            let expected: Character = c == ")" ? "(" : c == "]" ? "[" : "{"
            if let (open, _) = openers.last, open == expected {
                openers.removeLast()
                if c != "}" { groupDepth = max(0, groupDepth - 1) }
            } else if let (open, at) = openers.last {
                let closer = open == "(" ? ")" : open == "[" ? "]" : "}"
                throw LocatedError("`\(c)` does not match the `\(open)` opened at \(at)", at: start,
                                   suggestion: "close it with `\(closer)` first")
            } else {
                throw LocatedError("unmatched `\(c)`", at: start, suggestion: "remove it or add the opening `\(expected)`")
            }
            return make(String(c), consumed: 1)
        case "+", "-", "*", "/", "%", "^", "<", ">", "=", ",", ".", ":", "?":
            return make(String(c), consumed: 1)
        case "!":
            throw LocatedError("unexpected `!`", at: start, suggestion: "write `not` for negation, `!=` for inequality")
        case "'":
            throw LocatedError("unexpected `'`", at: start, suggestion: "strings use double quotes: \"like this\"")
        default:
            throw LocatedError("unexpected character `\(c)`", at: start)
        }
    }
}
