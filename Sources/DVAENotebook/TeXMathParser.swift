import Foundation

/// Reads the TeX subset of the notebooks' formulas into a ``MathNode`` tree.
///
/// The subset is LaTeX's math mode for what the notebooks need — sub- and superscripts,
/// fractions and roots, Greek letters, accents (`\tilde`), fonts (`\mathbb`, `\mathcal`,
/// `\mathrm`, `\text`, `\operatorname`), sums, integrals, norms, `\left…\right`, spacing, and
/// `aligned`/`cases`/matrix environments — with three conveniences for prose written in Unicode:
///
/// - Unicode is read as what it shows: `x̃` is `\tilde{x}`, `σ²` is `σ^2`, `Aᵀ` is `A^T`,
///   `z′` is `z'`, `½` is `\frac12`, `Σ` before a subscript or a term is the sum `\sum`, `−` and
///   `-` are minus, `~` is "distributed as" (`\sim`, not TeX's tie).
/// - A subscript or superscript may be a whole word: `L_dvae` is `L_{\mathrm{dvae}}` (a word of
///   three or more letters is set upright, as a label), `x_12` is `x_{12}`; TeX would take one
///   character.
/// - Common operator names need no backslash: `log p(x)`, `KL(q ‖ p)`, `tr(V)`, `exp`, `det`.
///   Any other run of letters is a product of one-letter variables (`Wz` is W·z), as in TeX.
struct TeXMathParser {
    /// The formula's characters (grapheme clusters, so `x̃` is one).
    private let chars: [Character]
    /// The read position.
    private var i = 0

    /// Creates a parser for `source`.
    init(_ source: String) { chars = Array(source) }

    /// Why a row stopped.
    private enum Stop: Equatable {
        case end, closeBrace, ampersand, newline, right, endEnvironment(String)
    }

    /// Parses the whole formula; `display` allows top-level `&` and `\\` (an aligned block).
    mutating func parseFormula(display: Bool) throws -> MathNode {
        let start = i
        let (rows, stop, stopAt) = try parseCells()
        switch stop {
        case .end: break
        case .closeBrace:
            throw MathError(offset: stopAt, message: "unmatched `}`", help: "remove it, or add the `{` it closes")
        case .right:
            throw MathError(offset: stopAt, message: "`\\right` without `\\left`", help: "add the matching `\\left` before it")
        case .endEnvironment(let name):
            throw MathError(offset: stopAt, message: "`\\end{\(name)}` without `\\begin{\(name)}`",
                            help: "add the `\\begin{\(name)}` it closes")
        default: break
        }
        if rows.count == 1 && rows[0].count == 1 { return rows[0][0] }
        guard display else {
            throw MathError(offset: start, message: "`&` and `\\\\` (alignment and line breaks) need a display formula",
                            help: "write the formula between `$$` and `$$`")
        }
        let columns = rows.map(\.count).max() ?? 1
        return .table(rows, align: columns == 1 ? "c" : "rl")
    }

    // MARK: - Rows and cells

    /// Rows of cells separated by `&` and `\\`, up to the first other stop; returns the stop and
    /// where it was.
    private mutating func parseCells() throws -> (rows: [[MathNode]], stop: Stop, at: Int) {
        var rows: [[MathNode]] = [[]]
        while true {
            let (items, stop, at) = try parseRow()
            rows[rows.count - 1].append(Self.row(items))
            switch stop {
            case .ampersand: continue
            case .newline: rows.append([])
            default:
                // A trailing `\\` leaves an empty last row: drop it.
                if rows.count > 1, rows.last!.count == 1, rows.last![0] == .row([]) { rows.removeLast() }
                return (rows, stop, at)
            }
        }
    }

    /// Nodes up to a stop (end, `}`, `&`, `\\`, `\right`, `\end{…}`), which is consumed.
    private mutating func parseRow() throws -> (items: [MathNode], stop: Stop, at: Int) {
        var items: [MathNode] = []
        while true {
            skipSpaces()
            let at = i
            guard i < chars.count else { return (items, .end, at) }
            let c = chars[i]
            if c == "}" { i += 1; return (items, .closeBrace, at) }
            if c == "&" { i += 1; return (items, .ampersand, at) }
            if c == "\\", i + 1 < chars.count, chars[i + 1] == "\\" { i += 2; return (items, .newline, at) }
            if c == "\\", let name = peekCommandName() {
                if name == "right" { i += 6; return (items, .right, at) }
                if name == "end" {
                    i += 4
                    let env = try readRawGroup(what: "`\\end`")
                    return (items, .endEnvironment(env), at)
                }
            }
            let atom = try parseAtom()
            items.append(try parseScripts(on: atom))
        }
    }

    /// A row of nodes as one node (a single node stays itself).
    private static func row(_ items: [MathNode]) -> MathNode {
        items.count == 1 ? items[0] : .row(items)
    }

    private mutating func skipSpaces() {
        while i < chars.count, chars[i].isWhitespace { i += 1 }
    }

    // MARK: - Atoms

    /// One atom: a group, a command, a letter, a number, an operator.
    private mutating func parseAtom() throws -> MathNode {
        let c = chars[i]
        if c == "{" { return try parseGroup() }
        if c == "\\" { return try parseCommand() }
        if c == "_" || c == "^" || Self.superscripts[c] != nil || Self.subscripts[c] != nil
            || c == "'" || c == "′" || c == "″" {
            return .row([])  // scripts on nothing, e.g. `^{3/2}` or `²` alone
        }
        if c.isASCII && c.isLetter {
            var j = i
            while j < chars.count, chars[j].isASCII, chars[j].isLetter { j += 1 }
            let word = String(chars[i..<j])
            if Self.operatorNames.contains(word) {
                i = j
                return .identifier(word, upright: true)
            }
            i += 1
            return .identifier(String(c), upright: false)
        }
        if c.isNumber && c.isASCII {
            return .number(readNumber())
        }
        i += 1
        if let fraction = Self.vulgarFractions[c] {
            return .fraction(.number(fraction.0), .number(fraction.1))
        }
        // The notebooks write Σ for a sum (a capital sigma as a variable is `\Sigma`).
        if c == "Σ" { return .op("∑") }
        if c.isLetter { return Self.letter(c) }
        switch c {
        case "-", "−": return .op("−")
        case "*": return .op("∗")
        case "~": return .op("∼")
        case "Σ", "∑": return .op("∑")
        case "∏": return .op("∏")
        case "(", ")", "[", "]", "|", "‖", "⟨", "⟩", "⌊", "⌋", "⌈", "⌉": return .op(String(c), stretchy: false)
        case "∞", "∂", "∅", "ℓ": return .identifier(String(c), upright: false)
        case "∇": return .identifier("∇", upright: true)
        case "#":
            throw MathError(offset: i - 1, message: "`#` has no meaning in a formula", help: "write `\\#` for the sign")
        case "$":
            throw MathError(offset: i - 1, message: "`$` inside a formula", help: "write `\\$` for a dollar sign")
        default: return .op(String(c))
        }
    }

    /// A letter, possibly with combining accents (`x̃`, `ŷ`, `x̄`); upright when an upper-case Greek
    /// letter (TeX's convention).
    static func letter(_ c: Character) -> MathNode {
        let scalars = Array(c.unicodeScalars)
        guard let first = scalars.first else { return .row([]) }
        let base = String(first)
        let upright = (0x391...0x3A9).contains(first.value)
        var node = MathNode.identifier(base, upright: upright)
        for mark in scalars.dropFirst() {
            switch mark.value {
            case 0x303: node = .accent(base: node, mark: "~", stretchy: false)
            case 0x302: node = .accent(base: node, mark: "^", stretchy: false)
            case 0x304, 0x305: node = .accent(base: node, mark: "¯", stretchy: false)
            case 0x307: node = .accent(base: node, mark: "˙", stretchy: false)
            case 0x308: node = .accent(base: node, mark: "¨", stretchy: false)
            case 0x20D7: node = .accent(base: node, mark: "→", stretchy: false)
            default: return .identifier(String(c), upright: upright)
            }
        }
        return node
    }

    /// Digits with at most one decimal point followed by a digit.
    private mutating func readNumber() -> String {
        var s = ""
        var seenPoint = false
        while i < chars.count {
            let c = chars[i]
            if c.isASCII && c.isNumber { s.append(c); i += 1; continue }
            if c == ".", !seenPoint, i + 1 < chars.count, chars[i + 1].isASCII, chars[i + 1].isNumber {
                seenPoint = true
                s.append(c)
                i += 1
                continue
            }
            break
        }
        return s
    }

    /// `{ … }` as a row.
    private mutating func parseGroup() throws -> MathNode {
        let open = i
        i += 1
        let (items, stop, at) = try parseRow()
        switch stop {
        case .closeBrace: return .row(items)
        case .end:
            throw MathError(offset: open, message: "unclosed `{`", help: "add the `}` that closes it")
        case .ampersand, .newline:
            throw MathError(offset: at, message: "alignment `&` or line break `\\\\` inside braces",
                            help: "put alignment only at the top level of a display formula or in an environment")
        case .right:
            throw MathError(offset: at, message: "`\\right` inside a `{…}` group opened before its `\\left`",
                            help: "close the group first")
        case .endEnvironment(let name):
            throw MathError(offset: at, message: "`\\end{\(name)}` inside a `{…}` group", help: "close the group first")
        }
    }

    // MARK: - Scripts

    /// Sub- and superscripts (`_`, `^`, primes, Unicode ²/ᵀ/₁) after `base`.
    private mutating func parseScripts(on base: MathNode) throws -> MathNode {
        var sub: MathNode? = nil
        var sup: [MathNode] = []
        var hasSup = false
        var primes: [MathNode] = []
        while true {
            let save = i
            skipSpaces()
            guard i < chars.count else { i = save; break }
            let c = chars[i]
            if c == "_" {
                if sub != nil {
                    throw MathError(offset: i, message: "double subscript", help: "group them: `x_{ab}`")
                }
                i += 1
                sub = try readScriptArgument(after: "_")
            } else if c == "^" {
                if hasSup {
                    throw MathError(offset: i, message: "double superscript", help: "group them: `x^{ab}`")
                }
                i += 1
                sup.append(try readScriptArgument(after: "^"))
                hasSup = true
            } else if c == "'" || c == "′" {
                i += 1
                primes.append(.op("′"))
            } else if c == "″" {
                i += 1
                primes.append(.op("″"))
            } else if Self.superscripts[c] != nil {
                if hasSup {
                    throw MathError(offset: i, message: "double superscript", help: "write one superscript")
                }
                var text = ""
                while i < chars.count, let s = Self.superscripts[chars[i]] { text += s; i += 1 }
                var inner = TeXMathParser(text)
                sup.append(try inner.parseFormula(display: false))
                hasSup = true
            } else if Self.subscripts[c] != nil {
                if sub != nil {
                    throw MathError(offset: i, message: "double subscript", help: "write one subscript")
                }
                var text = ""
                while i < chars.count, let s = Self.subscripts[chars[i]] { text += s; i += 1 }
                var inner = TeXMathParser(text)
                sub = try inner.parseFormula(display: false)
            } else {
                i = save
                break
            }
        }
        if sup.isEmpty && !primes.isEmpty {
            // Primes alone follow the base at full size (the glyph ′ is already raised); as a
            // superscript it would shrink to a speck.
            let scripted = sub.map { MathNode.scripts(base: base, sub: $0, sup: nil, limits: Self.takesLimits(base)) } ?? base
            return .row([scripted] + primes)
        }
        let supNode: MathNode? = (primes.isEmpty && sup.isEmpty) ? nil : Self.row(primes + sup)
        guard sub != nil || supNode != nil else { return base }
        return .scripts(base: base, sub: sub, sup: supNode, limits: Self.takesLimits(base))
    }

    /// The argument of `_` or `^`: a group, a command, a number, a word (`dvae`: upright when
    /// three letters or more), or one character.
    private mutating func readScriptArgument(after mark: String) throws -> MathNode {
        skipSpaces()
        guard i < chars.count else {
            throw MathError(offset: i - 1, message: "`\(mark)` with nothing after it", help: "write what it applies to, e.g. `x\(mark){2}`")
        }
        let c = chars[i]
        if c == "{" { return try parseGroup() }
        if c == "\\" { return try parseCommand() }
        if c == "_" || c == "^" || c == "}" || c == "&" {
            throw MathError(offset: i, message: "`\(mark)` followed by `\(c)`", help: "write what it applies to, e.g. `x\(mark){2}`")
        }
        if c.isASCII && c.isNumber { return .number(readNumber()) }
        if c.isASCII && c.isLetter {
            var j = i
            while j < chars.count, chars[j].isASCII, chars[j].isLetter { j += 1 }
            let word = String(chars[i..<j])
            i = j
            if word.count >= 3 { return .identifier(word, upright: true) }
            return Self.row(word.map { .identifier(String($0), upright: false) })
        }
        return try parseAtom()
    }

    /// Whether scripts go under and over `base` in display (sums, products, `lim`, `max`).
    private static func takesLimits(_ base: MathNode) -> Bool {
        switch base {
        case .op(let s, _, _): return ["∑", "∏", "⋃", "⋂", "∐"].contains(s)
        case .identifier(let s, true): return limitNames.contains(s)
        default: return false
        }
    }

    // MARK: - Commands

    /// The command name at `i` (which must be `\`), without consuming it.
    private func peekCommandName() -> String? {
        var j = i + 1
        while j < chars.count, chars[j].isASCII, chars[j].isLetter { j += 1 }
        return j > i + 1 ? String(chars[(i + 1)..<j]) : nil
    }

    /// A command and its arguments.
    private mutating func parseCommand() throws -> MathNode {
        let at = i
        i += 1
        guard i < chars.count else {
            throw MathError(offset: at, message: "`\\` at the end of the formula", help: "remove it, or write `\\backslash`")
        }
        guard let name = peekCommandName(at: at) else {
            // A one-character command: spacing or an escaped character.
            let c = chars[i]
            i += 1
            switch c {
            case ",": return .space(0.1667)
            case ":", ">": return .space(0.2222)
            case ";": return .space(0.2778)
            case "!": return .space(-0.1667)
            case " ": return .space(0.25)
            case "{", "}": return .op(String(c), stretchy: false)
            case "|": return .op("‖", stretchy: false)
            case "%", "$", "&", "#", "_": return .op(String(c))
            default:
                throw MathError(offset: at, message: "unknown command `\\\(c)`",
                                help: "write the character itself, or see the commands listed in `help math`")
            }
        }
        i += name.count
        if let letter = Self.greek[name] {
            return .identifier(letter, upright: name.first!.isUppercase)
        }
        if let symbol = Self.operators[name] { return .op(symbol) }
        if let symbol = Self.fences[name] { return .op(symbol, stretchy: false) }
        if let symbol = Self.ordinarySymbols[name] { return .identifier(symbol, upright: symbol == "⊤" || symbol == "⊥") }
        if let symbol = Self.largeOperators[name] { return .op(symbol) }
        if Self.operatorNames.contains(name) || Self.limitNames.contains(name) { return .identifier(name, upright: true) }
        if let width = Self.spaces[name] { return .space(width) }
        if let (mark, stretchy) = Self.accents[name] {
            let arg = try readArgument(of: name)
            return .accent(base: arg, mark: mark, stretchy: stretchy)
        }
        if let size = Self.bigSizes[name] {
            skipSpaces()
            let delimiter = try readDelimiter(after: name)
            return .op(delimiter.isEmpty ? "" : delimiter, stretchy: true, size: size)
        }
        switch name {
        case "frac", "dfrac", "tfrac", "cfrac":
            let num = try readArgument(of: name), den = try readArgument(of: name)
            return .fraction(num, den, display: name == "dfrac" || name == "cfrac" ? true : name == "tfrac" ? false : nil)
        case "binom", "dbinom", "tbinom":
            let n = try readArgument(of: name), k = try readArgument(of: name)
            return .row([.op("(", stretchy: true), .fraction(n, k, lineThickness: "0"), .op(")", stretchy: true)])
        case "sqrt":
            skipSpaces()
            var index: MathNode? = nil
            if i < chars.count, chars[i] == "[" {
                let open = i
                i += 1
                var items: [MathNode] = []
                while true {
                    skipSpaces()
                    guard i < chars.count else {
                        throw MathError(offset: open, message: "unclosed `[` of `\\sqrt`", help: "close it: `\\sqrt[3]{x}`")
                    }
                    if chars[i] == "]" { i += 1; break }
                    items.append(try parseScripts(on: try parseAtom()))
                }
                index = Self.row(items)
            }
            return .root(try readArgument(of: name), index: index)
        case "mathbb", "mathcal", "mathbf", "boldsymbol", "bm", "mathfrak":
            let raw = try readRawGroup(what: "`\\\(name)`")
            return Self.styled(raw, font: name)
        case "mathrm", "mathsf", "mathtt", "mathit":
            let raw = try readRawGroup(what: "`\\\(name)`")
            var inner = TeXMathParser(raw)
            let node = try inner.parseFormula(display: false)
            return name == "mathit" ? node : Self.upright(node)
        case "text", "textrm", "textit", "mbox", "textsf", "texttt":
            return .text(try readRawGroup(what: "`\\\(name)`"))
        case "operatorname":
            var limits = false
            if i < chars.count, chars[i] == "*" { i += 1; limits = true }
            // The star (limits under the name in display) is accepted; the limits themselves are
            // kept for the built-in names (`max`, `argmax`, …) only.
            _ = limits
            let raw = try readRawGroup(what: "`\\operatorname`").trimmingCharacters(in: .whitespaces)
            return .identifier(raw, upright: true)
        case "left":
            return try parseLeftRight(at: at)
        case "begin":
            return try parseEnvironment(at: at)
        case "not":
            skipSpaces()
            let next = try parseAtom()
            if case .op(let s, _, _) = next, let negated = Self.negations[s] { return .op(negated) }
            return .row([.op("¬"), next])
        case "displaystyle", "textstyle", "limits", "nolimits":
            throw MathError(offset: at, message: "`\\\(name)` is not supported",
                            help: "display formulas ($$…$$) are already in display style; remove it")
        default:
            throw MathError(offset: at, message: "unknown command `\\\(name)`",
                            help: "write the symbol in Unicode, or see the commands listed in `help math`")
        }
    }

    /// The command name after the `\` at `at`, or nil for a one-character command.
    private func peekCommandName(at: Int) -> String? {
        var j = at + 1
        while j < chars.count, chars[j].isASCII, chars[j].isLetter { j += 1 }
        return j > at + 1 ? String(chars[(at + 1)..<j]) : nil
    }

    /// One argument of a command: a group, a command, or one character.
    private mutating func readArgument(of name: String) throws -> MathNode {
        skipSpaces()
        guard i < chars.count, chars[i] != "}", chars[i] != "&" else {
            throw MathError(offset: max(0, i - 1), message: "`\\\(name)` is missing an argument",
                            help: "give it in braces, e.g. `\\\(name){x}`")
        }
        if chars[i] == "{" { return try parseGroup() }
        if chars[i] == "\\" { return try parseCommand() }
        if chars[i].isASCII && (chars[i].isLetter || chars[i].isNumber) {
            let c = chars[i]
            i += 1
            return c.isNumber ? .number(String(c)) : .identifier(String(c), upright: false)
        }
        return try parseAtom()
    }

    /// The text inside a `{…}` group, braces balanced, unparsed.
    private mutating func readRawGroup(what: String) throws -> String {
        skipSpaces()
        guard i < chars.count, chars[i] == "{" else {
            throw MathError(offset: max(0, i - 1), message: "\(what) needs its argument in braces",
                            help: "write it as \(what.dropLast()){…}`")
        }
        let open = i
        var depth = 0
        var s = ""
        while i < chars.count {
            let c = chars[i]
            i += 1
            if c == "{" { depth += 1; if depth == 1 { continue } }
            if c == "}" { depth -= 1; if depth == 0 { return s } }
            s.append(c)
        }
        throw MathError(offset: open, message: "unclosed `{`", help: "add the `}` that closes it")
    }

    /// The delimiter after `\left`, `\right` or `\big`: a character, `\{`, `\|`, a named
    /// fence, or `.` (none).
    private mutating func readDelimiter(after name: String) throws -> String {
        skipSpaces()
        guard i < chars.count else {
            throw MathError(offset: max(0, i - 1), message: "`\\\(name)` needs a delimiter",
                            help: "write one of ( ) [ ] | \\| \\{ \\} \\langle \\rangle or `.` for none")
        }
        let c = chars[i]
        if c == "\\" {
            if i + 1 < chars.count, "{}|".contains(chars[i + 1]) {
                i += 2
                return chars[i - 1] == "|" ? "‖" : String(chars[i - 1])
            }
            if let n = peekCommandName(), let fence = Self.fences[n] {
                i += 1 + n.count
                return fence
            }
        } else if "()[]|‖⟨⟩⌊⌋⌈⌉./".contains(c) {
            i += 1
            return c == "." ? "" : String(c)
        }
        throw MathError(offset: i, message: "`\\\(name)` needs a delimiter, not `\(c)`",
                        help: "write one of ( ) [ ] | \\| \\{ \\} \\langle \\rangle or `.` for none")
    }

    /// `\left( … \right)`: fences that grow with their contents.
    private mutating func parseLeftRight(at: Int) throws -> MathNode {
        let open = try readDelimiter(after: "left")
        let (items, stop, stopAt) = try parseRow()
        guard stop == .right else {
            if stop == .end {
                throw MathError(offset: at, message: "`\\left` without `\\right`", help: "close it with `\\right)` (or `\\right.` for none)")
            }
            throw MathError(offset: stopAt, message: "`\\left` at offset \(at) is not closed before this point",
                            help: "put its `\\right` first")
        }
        let close = try readDelimiter(after: "right")
        var parts: [MathNode] = []
        if !open.isEmpty { parts.append(.op(open, stretchy: true)) }
        parts.append(Self.row(items))
        if !close.isEmpty { parts.append(.op(close, stretchy: true)) }
        return .row(parts)
    }

    /// `\begin{aligned} … \end{aligned}` and the other supported environments.
    private mutating func parseEnvironment(at: Int) throws -> MathNode {
        let name = try readRawGroup(what: "`\\begin`")
        guard let shape = Self.environments[name] else {
            throw MathError(offset: at, message: "unknown environment `\(name)`",
                            help: "use one of: " + Self.environments.keys.sorted().joined(separator: ", "))
        }
        let (rows, stop, stopAt) = try parseCells()
        guard stop == .endEnvironment(name) else {
            if stop == .end {
                throw MathError(offset: at, message: "`\\begin{\(name)}` without `\\end{\(name)}`", help: "close it with `\\end{\(name)}`")
            }
            throw MathError(offset: stopAt, message: "`\\begin{\(name)}` is not closed before this point",
                            help: "close it with `\\end{\(name)}` first")
        }
        let table = MathNode.table(rows, align: shape.align)
        var parts: [MathNode] = []
        if !shape.open.isEmpty { parts.append(.op(shape.open, stretchy: true)) }
        parts.append(table)
        if !shape.close.isEmpty { parts.append(.op(shape.close, stretchy: true)) }
        return parts.count == 1 ? table : .row(parts)
    }

    // MARK: - Fonts

    /// `node` with every one-letter identifier set upright (`\mathrm`).
    static func upright(_ node: MathNode) -> MathNode {
        switch node {
        case .identifier(let s, _): return .identifier(s, upright: true)
        case .row(let items): return .row(items.map(upright))
        case let .scripts(base, sub, sup, limits): return .scripts(base: upright(base), sub: sub, sup: sup, limits: limits)
        case let .accent(base, mark, stretchy): return .accent(base: upright(base), mark: mark, stretchy: stretchy)
        default: return node
        }
    }

    /// Letters of `raw` in the Unicode mathematical alphabet of `font` (MathML Core styles only
    /// through these characters).
    static func styled(_ raw: String, font: String) -> MathNode {
        var items: [MathNode] = []
        for c in raw where !c.isWhitespace {
            items.append(.identifier(MathAlphabet.map(c, font: font), upright: true))
        }
        return row(items)
    }
}
