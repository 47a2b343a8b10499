import DVAE

/// Builds the syntax tree from tokens (recursive descent, one method per grammar rule).
///
/// ```
/// program    := { statement (NEWLINE | ";") }
/// statement  := "let" NAME "=" expr | "set" NAME "=" expr
///             | "print" [expr {"," expr}] | "show" expr {"," expr}
///             | "assert" expr ["," expr] | "help" [NAME]
///             | "for" NAME "in" expr block
///             | "if" expr block ["else" (block | if-statement)]
///             | expr
/// block      := "{" { statement } "}"
/// expr       := "if" expr "then" expr "else" expr | or
/// or         := and {"or" and}          and := not {"and" not}       not := "not" not | comparison
/// comparison := range [("<"|"<="|">"|">="|"=="|"!=") range]
/// range      := additive [":" additive]
/// additive   := term {("+"|"-") term}   term := unary {("*"|"/"|"%") unary}
/// unary      := "-" unary | power       power := postfix ["^" unary]
/// postfix    := primary {"." NAME ["(" args ")"] | "[" index "]"}
/// primary    := NUMBER | STRING | "true" | "false" | "nothing" | NAME | NAME "(" args ")"
///             | "(" expr ")" | "[" {expr [","]} "]" | command
/// command    := COMMAND {argument}      argument := KEYWORD {slot} | range-level expr
/// ```
///
/// Errors: every statement that fails to parse is reported, not only the first. After an error
/// the parser skips to the end of that line (or to the `}` that closes the enclosing block) and
/// goes on, as jlox's `synchronize` does; `parse` then throws the first error with the others
/// attached (`LocatedError.more`). Chains (`a + b + …`, `not not …`, `- - x`, `x^y^…`,
/// `xs[0][0]…`) are read by loops, so only real nesting — brackets, blocks, conditional
/// expressions, commands inside arguments — counts towards the one depth limit.
///
/// Inside lists and command arguments, elements are separated by spaces: there `a -1` is two
/// elements and `a (b)` or `a [b]` start a new element, while `a - 1`, `a-1`, `f(b)` and `a[b]`
/// do not. Command arguments stop at comparisons and `and`/`or`; parenthesize to use them.
struct Parser {
    private var tokens: [Token]
    private var position = 0
    /// How deeply expressions and blocks nest at this point of the parse.
    private var depth = 0
    /// Errors reported so far (the parse goes on after each, from the next line).
    private var errors: [LocatedError] = []
    /// Names bound so far: the session's variables when the parse began, and every `let` and
    /// `for` name parsed since. A command's first argument that is one of these is the variable
    /// even when it is spelled like one of the command's keywords (`let dvae = model …` then
    /// `bound dvae on d.test elbo`).
    private var boundNames: Set<String> = []
    /// Operator and postfix links (`+`, `not`, `.name`, `[i]`, …) in the statement being parsed.
    private var operators = 0
    /// Past this many operators in one statement the parser reports an error. Chains are parsed
    /// and evaluated by loops at any length, but Swift frees a syntax tree recursively, one stack
    /// frame per link, so an unbounded chain would still overflow the stack when it is dropped.
    static let maximumOperators = 10_000

    /// Counts one operator link of the current statement.
    private mutating func countOperator(at location: SourceLocation) throws {
        operators += 1
        if operators > Parser.maximumOperators {
            throw LocatedError("the statement is too long: more than \(Parser.maximumOperators) operators", at: location,
                               suggestion: "split it into several statements with `let`")
        }
    }
    /// Past this depth the parser reports an error instead of overflowing the stack.
    static let maximumDepth = 200

    /// Enters one level of nesting (leave with `depth -= 1`).
    private mutating func enterNesting(at location: SourceLocation) throws {
        depth += 1
        if depth > Parser.maximumDepth {
            throw LocatedError("nested too deeply (more than \(Parser.maximumDepth) levels of brackets, blocks or conditionals)",
                               at: location, suggestion: "split the expression with `let`")
        }
    }

    /// Words that begin statements or belong to expressions; they cannot name variables.
    static let keywords: [String] = ["let", "set", "for", "in", "if", "then", "else", "and", "or", "not",
                                     "true", "false", "nothing", "print", "show", "assert", "help", "time", "exit", "quit"]
    /// Keywords and command names.
    static let reserved: Set<String> = Set(keywords).union(Commands.names)
    /// Words that may start a statement (for suggestions).
    static let statementWords: [String] = ["let", "set", "for", "if", "print", "show", "assert", "help", "time", "exit", "quit"]
        + Commands.names

    /// A parser over `tokens` (as produced by `Lexer.tokenize`).
    init(tokens: [Token], boundNames: Set<String> = []) {
        self.tokens = tokens
        self.boundNames = boundNames
    }

    /// Parses `source` into statements; `boundNames` are the variables already bound (see
    /// ``boundNames``). Reading it must fit `budget` (``FrontEndBudget``: checked as it is
    /// tokenized, before the tree is built).
    static func parse(_ source: String, firstLine: Int = 1, boundNames: Set<String> = [],
                      budget: MemoryBudget = .unlimited) throws -> [Stmt] {
        var lexer = Lexer(source, firstLine: firstLine, budget: budget)
        var parser = Parser(tokens: try lexer.tokenize(), boundNames: boundNames)
        return try parser.parseProgram()
    }

    /// All statements up to the end of input. Throws the first syntax error with every later
    /// one attached (`LocatedError.more`).
    mutating func parseProgram() throws -> [Stmt] {
        var statements: [Stmt] = []
        skipNewlines()
        while peek.kind != .end {
            if peek.isSymbol("}") {
                errors.append(LocatedError("unmatched `}`", at: peek.location))
                advance()
            } else if let s = recovering({ try $0.statement() }) {
                statements.append(s)
            }
            skipNewlines()
        }
        if var first = errors.first {
            first.more = Array(errors.dropFirst())
            throw first
        }
        return statements
    }

    /// Runs `parse`; on a syntax error records it, skips to the next statement and returns nil.
    private mutating func recovering<T>(_ parse: (inout Parser) throws -> T) -> T? {
        do {
            return try parse(&self)
        } catch let e as LocatedError {
            errors.append(e)
            synchronize()
            return nil
        } catch {
            preconditionFailure("the parser throws only LocatedError, got \(error)")
        }
    }

    /// Skips the rest of a bad statement: up to the end of its line, or to the `}` that closes the
    /// enclosing block (left for the block to consume). Braces opened on the way are skipped whole.
    private mutating func synchronize() {
        var braces = 0
        while peek.kind != .end {
            if peek.kind == .newline && braces == 0 { return }
            if peek.isSymbol("{") { braces += 1 }
            if peek.isSymbol("}") {
                if braces == 0 { return }
                braces -= 1
            }
            advance()
        }
    }

    // MARK: - Token helpers

    private var peek: Token { tokens[position] }
    private var peekNext: Token { tokens[min(position + 1, tokens.count - 1)] }

    @discardableResult
    private mutating func advance() -> Token {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    private mutating func skipNewlines() {
        while peek.kind == .newline { advance() }
    }

    private mutating func expectSymbol(_ s: String, _ context: String) throws -> Token {
        guard peek.isSymbol(s) else {
            throw LocatedError("expected `\(s)` \(context), found \(peek)", at: peek.location)
        }
        return advance()
    }

    private var atStatementEnd: Bool {
        peek.kind == .newline || peek.kind == .end || peek.isSymbol("}")
    }

    /// Requires the statement to end here; explains the likely mistake otherwise.
    private mutating func endStatement(after last: Expr?) throws {
        if atStatementEnd { return }
        if let last, case .variable(let name) = last.kind, canStartArgument(peek) {
            throw LocatedError("unknown command `\(name)`", at: last.location,
                               suggestion: Suggestions.didYouMean(name, in: Parser.statementWords)
                                   ?? "type `help` for the list of commands")
        }
        if case .identifier(let word) = peek.kind, let last, case .command(let call) = last.kind,
           let spec = Commands.spec(named: call.name) {
            throw LocatedError("`\(call.name)` has no argument `\(word)`", at: peek.location,
                               suggestion: Suggestions.didYouMean(word, in: spec.keywords.map(\.name))
                                   ?? "usage: \(spec.usage)")
        }
        throw LocatedError("expected end of line, found \(peek)", at: peek.location,
                           suggestion: canStartArgument(peek) ? "separate values with `,` or put each statement on its own line" : nil)
    }

    private func canStartArgument(_ t: Token) -> Bool {
        switch t.kind {
        case .number, .string: return true
        case .identifier(let w): return !["and", "or", "then", "else", "in"].contains(w)
        case .symbol(let s): return s == "[" || s == "(" || (s == "-" && t.spaceBefore && !peekNext.spaceBefore)
        default: return false
        }
    }

    // MARK: - Statements

    /// One statement, by its first word (each kind's rest is its own function below); an
    /// expression statement otherwise.
    private mutating func statement() throws -> Stmt {
        let start = peek
        let outerOperators = operators
        operators = 0
        defer { operators = outerOperators }
        try enterNesting(at: start.location)
        defer { depth -= 1 }
        if start.isSymbol("?") {
            // `?train` (as in IPython and Julia) is `help train`.
            advance()
            return try helpStatement(start: start)
        }
        switch start.identifier {
        case "let", "set":
            advance()
            return try bindingStatement(start: start)
        case "for":
            advance()
            return try forStatement(start: start)
        case "if":
            advance()
            return try ifStatement(start: start)
        case "print", "show":
            advance()
            return try printStatement(start: start)
        case "assert":
            advance()
            return try assertStatement(start: start)
        case "help":
            advance()
            return try helpStatement(start: start)
        case "time":
            advance()
            return try timeStatement(start: start)
        case "exit", "quit":
            advance()
            try endStatement(after: nil)
            return Stmt(kind: .exit, location: start.location)
        case "else":
            throw LocatedError("`else` without `if`", at: start.location,
                               suggestion: "put `else` right after the `}` of an `if` block")
        case "then":
            throw LocatedError("`then` without `if`", at: start.location)
        default:
            let e = try expression()
            try endStatement(after: e)
            return Stmt(kind: .expression(e), location: start.location)
        }
    }

    /// `let NAME = EXPR` or `set NAME = EXPR`, after its first word.
    private mutating func bindingStatement(start: Token) throws -> Stmt {
        let (name, nameLocation) = try bindingName(after: start.text)
        boundNames.insert(name)
        if peek.isSymbol("==") {
            throw LocatedError("expected `=` after `\(start.text) \(name)`, found `==`", at: peek.location,
                               suggestion: "bind with a single `=`")
        }
        _ = try expectSymbol("=", "after `\(start.text) \(name)`")
        let value = try expression()
        try endStatement(after: value)
        let kind: Stmt.Kind = start.text == "let" ? .let(name, nameLocation, value) : .set(name, nameLocation, value)
        return Stmt(kind: kind, location: start.location)
    }

    /// `for NAME in SEQUENCE { … }`, after `for`.
    private mutating func forStatement(start: Token) throws -> Stmt {
        let (name, nameLocation) = try bindingName(after: "for")
        boundNames.insert(name)
        guard peek.isWord("in") else {
            throw LocatedError("expected `in` after `for \(name)`, found \(peek)", at: peek.location,
                               suggestion: "a loop reads: for x in [0 0.05 0.1] { … }")
        }
        advance()
        let sequence = try expression()
        let body = try block(after: "for \(name) in …")
        return Stmt(kind: .for(name, nameLocation, sequence, body), location: start.location)
    }

    /// `if C { … } [else …]`, or the expression `if C then A else B`, after `if`.
    private mutating func ifStatement(start: Token) throws -> Stmt {
        let condition = try expression()
        if peek.isWord("then") {
            let e = try conditionalRest(condition, at: start.location)
            try endStatement(after: e)
            return Stmt(kind: .expression(e), location: start.location)
        }
        let thenBody = try block(after: "if condition")
        var elseBody: [Stmt]?
        let save = position
        skipNewlines()
        if peek.isWord("else") {
            advance()
            if peek.isWord("if") {
                elseBody = [try statement()]
            } else {
                elseBody = try block(after: "else")
            }
        } else {
            position = save
        }
        return Stmt(kind: .if(condition, thenBody, elseBody), location: start.location)
    }

    /// `print a, b, …` or `show a, b, …`, after its first word.
    private mutating func printStatement(start: Token) throws -> Stmt {
        var items: [Expr] = []
        if !atStatementEnd {
            items.append(try expression())
            while peek.isSymbol(",") {
                advance()
                items.append(try expression())
            }
        } else if start.text == "show" {
            throw LocatedError("`show` needs a value", at: start.location, suggestion: "for example: show sample m 16")
        }
        try endStatement(after: items.last)
        return Stmt(kind: start.text == "print" ? .print(items) : .show(items), location: start.location)
    }

    /// `assert C[, MESSAGE]`, after `assert`.
    private mutating func assertStatement(start: Token) throws -> Stmt {
        if atStatementEnd {
            throw LocatedError("`assert` needs a condition", at: start.location, suggestion: "for example: assert b.value > -110, \"bound too low\"")
        }
        let condition = try expression()
        var message: Expr?
        if peek.isSymbol(",") {
            advance()
            message = try expression()
        }
        try endStatement(after: message ?? condition)
        return Stmt(kind: .assert(condition, message), location: start.location)
    }

    /// `time STATEMENT`, after `time`.
    private mutating func timeStatement(start: Token) throws -> Stmt {
        if atStatementEnd {
            throw LocatedError("`time` needs a statement to time", at: start.location,
                               suggestion: "for example: time train m on data.train epochs 1")
        }
        let timed = try statement()
        return Stmt(kind: .time(timed), location: start.location)
    }

    /// The rest of `help [TOPIC]` or `?[TOPIC]`, after the first token.
    private mutating func helpStatement(start: Token) throws -> Stmt {
        var topic: String?
        var topicLocation: SourceLocation?
        if case .identifier(let w) = peek.kind {
            topic = w; topicLocation = peek.location; advance()
        } else if case .string(let s) = peek.kind {
            topic = s; topicLocation = peek.location; advance()
        }
        try endStatement(after: nil)
        return Stmt(kind: .help(topic, topicLocation), location: start.location)
    }

    private mutating func bindingName(after keyword: String) throws -> (String, SourceLocation) {
        guard case .identifier(let name) = peek.kind else {
            throw LocatedError("expected a variable name after `\(keyword)`, found \(peek)", at: peek.location)
        }
        if Parser.reserved.contains(name) {
            let what = Commands.spec(named: name) != nil ? "a command" : "a keyword"
            throw LocatedError("`\(name)` is \(what) and cannot name a variable", at: peek.location,
                               suggestion: "choose another name, such as `\(name.prefix(1))` or `my_\(name)`")
        }
        let location = peek.location
        advance()
        return (name, location)
    }

    private mutating func block(after context: String) throws -> [Stmt] {
        guard peek.isSymbol("{") else {
            throw LocatedError("expected `{` after `\(context)`, found \(peek)", at: peek.location,
                               suggestion: "blocks are written { … }, on one line or several")
        }
        let open = advance()
        var body: [Stmt] = []
        skipNewlines()
        while !peek.isSymbol("}") {
            if peek.kind == .end {
                throw LocatedError("unclosed `{`", at: open.location, suggestion: "add `}` at the end of the block")
            }
            if let s = recovering({ try $0.statement() }) { body.append(s) }
            skipNewlines()
        }
        advance()
        return body
    }

    // MARK: - Expressions

    /// A full expression. `juxtaposed` is true inside lists, where a space separates elements.
    mutating func expression(juxtaposed: Bool = false) throws -> Expr {
        try enterNesting(at: peek.location)
        defer { depth -= 1 }
        if peek.isWord("if") {
            let start = advance()
            let condition = try expression()
            guard peek.isWord("then") else {
                throw LocatedError("expected `then` in a conditional expression, found \(peek)", at: peek.location,
                                   suggestion: "write: if condition then a else b")
            }
            return try conditionalRest(condition, at: start.location)
        }
        return try or(juxtaposed)
    }

    private mutating func conditionalRest(_ condition: Expr, at location: SourceLocation) throws -> Expr {
        advance() // then
        let a = try expression()
        guard peek.isWord("else") else {
            throw LocatedError("expected `else` in a conditional expression, found \(peek)", at: peek.location,
                               suggestion: "a conditional expression needs both branches: if c then a else b")
        }
        advance()
        let b = try expression()
        return Expr(kind: .conditional(condition, a, b), location: location)
    }

    private mutating func or(_ j: Bool) throws -> Expr {
        try logical(.or, j) { try $0.and(j) }
    }

    private mutating func and(_ j: Bool) throws -> Expr {
        try logical(.and, j) { try $0.not(j) }
    }

    /// `operand {op operand}`, left-associative, for `or` and `and`.
    private mutating func logical(_ op: LogicalOperator, _ j: Bool,
                                  operand: (inout Parser) throws -> Expr) throws -> Expr {
        var left = try operand(&self)
        while peek.isWord(op.rawValue) {
            let opToken = advance()
            try countOperator(at: opToken.location)
            let right = try operand(&self)
            left = Expr(kind: .logical(op, left, right), location: opToken.location)
        }
        return left
    }

    /// `not not … comparison`, read by a loop (no recursion per `not`).
    private mutating func not(_ j: Bool) throws -> Expr {
        var nots: [Token] = []
        while peek.isWord("not") {
            try countOperator(at: peek.location)
            nots.append(advance())
        }
        var e = try comparison(j)
        for op in nots.reversed() { e = Expr(kind: .unary(.not, e), location: op.location) }
        return e
    }

    private mutating func comparison(_ j: Bool) throws -> Expr {
        let left = try range(j)
        guard case .symbol(let s) = peek.kind, let op = BinaryOperator(symbol: s), op.isComparison else {
            if peek.isSymbol("=") {
                throw LocatedError("unexpected `=` in an expression", at: peek.location,
                                   suggestion: "compare with `==`; bind with `let name = …`")
            }
            return left
        }
        let opToken = advance()
        try countOperator(at: opToken.location)
        let right = try range(j)
        if case .symbol(let s2) = peek.kind, BinaryOperator(symbol: s2)?.isComparison == true {
            throw LocatedError("comparisons cannot be chained", at: peek.location,
                               suggestion: "write `a \(s) b and b \(s2) c`")
        }
        return Expr(kind: .binary(op, left, right), location: opToken.location)
    }

    /// `a:b` at argument level (used by commands, which stop before comparisons).
    private mutating func range(_ j: Bool) throws -> Expr {
        let left = try additive(j)
        if peek.isSymbol(":") {
            let op = advance()
            let right = try additive(j)
            return Expr(kind: .range(left, right), location: op.location)
        }
        return left
    }

    /// True when, inside a list or command, this `+`/`-` starts a new element (`[1 -2]`).
    private func startsNewElement(_ j: Bool) -> Bool {
        j && peek.spaceBefore && !peekNext.spaceBefore
    }

    private mutating func additive(_ j: Bool) throws -> Expr {
        var left = try term(j)
        while (peek.isSymbol("+") || peek.isSymbol("-")) && !startsNewElement(j) {
            let op = advance()
            try countOperator(at: op.location)
            let right = try term(j)
            left = Expr(kind: .binary(op.isSymbol("+") ? .add : .subtract, left, right), location: op.location)
        }
        return left
    }

    private mutating func term(_ j: Bool) throws -> Expr {
        var left = try unary(j)
        while case .symbol(let s) = peek.kind, let op = BinaryOperator(symbol: s), op.precedence == BinaryOperator.multiply.precedence {
            let opToken = advance()
            try countOperator(at: opToken.location)
            let right = try unary(j)
            left = Expr(kind: .binary(op, left, right), location: opToken.location)
        }
        return left
    }

    /// `- - … power`, read by a loop; a minus on a number literal folds into the literal.
    private mutating func unary(_ j: Bool) throws -> Expr {
        var signs: [Token] = []
        while peek.isSymbol("-") { signs.append(advance()) }
        if peek.isSymbol("+") {
            throw LocatedError("unexpected `+`", at: peek.location, suggestion: "numbers need no leading `+`")
        }
        var e = try power(j)
        for op in signs.reversed() {
            if case .number(let v) = e.kind {
                e = Expr(kind: .number(-v), location: op.location.through(e.location))
            } else {
                try countOperator(at: op.location)      // a sign on a literal folds: no node, no count
                e = Expr(kind: .unary(.negate, e), location: op.location)
            }
        }
        return e
    }

    /// `a ^ b ^ …`, right-associative, read by a loop: each exponent is a `-`-prefixed power.
    private mutating func power(_ j: Bool) throws -> Expr {
        var operands = [try postfix(j)]
        var carets: [Token] = []
        var signs: [[Token]] = []
        while peek.isSymbol("^") {
            try countOperator(at: peek.location)
            carets.append(advance())
            var s: [Token] = []
            while peek.isSymbol("-") { s.append(advance()) }
            if peek.isSymbol("+") {
                throw LocatedError("unexpected `+`", at: peek.location, suggestion: "numbers need no leading `+`")
            }
            signs.append(s)
            operands.append(try postfix(j))
        }
        // Fold from the right: a ^ (−b ^ (c ^ d)); a sign applies to the power that follows it.
        var e = operands.removeLast()
        for i in stride(from: carets.count - 1, through: 0, by: -1) {
            for op in signs[i].reversed() {
                if case .number(let v) = e.kind {
                    e = Expr(kind: .number(-v), location: op.location.through(e.location))
                } else {
                    try countOperator(at: op.location)      // a sign on a literal folds: no node, no count
                e = Expr(kind: .unary(.negate, e), location: op.location)
                }
            }
            e = Expr(kind: .binary(.power, operands[i], e), location: carets[i].location)
        }
        return e
    }

    private mutating func postfix(_ j: Bool) throws -> Expr {
        var e = try primary(j)
        while true {
            if peek.isSymbol(".") {
                try countOperator(at: peek.location)
                advance()
                guard case .identifier(let name) = peek.kind else {
                    throw LocatedError("expected a name after `.`, found \(peek)", at: peek.location)
                }
                let nameToken = advance()
                let span = e.location.through(nameToken.location)
                if peek.isSymbol("(") && !peek.spaceBefore {
                    let args = try arguments()
                    e = Expr(kind: .method(e, name, args), location: span)
                } else {
                    e = Expr(kind: .member(e, name), location: span)
                }
            } else if peek.isSymbol("["), !(j && peek.spaceBefore) {
                try countOperator(at: peek.location)
                let open = advance()
                let index = try indexExpression()
                let close = try expectSymbol("]", "to close the index opened at \(open.location)")
                e = Expr(kind: .index(e, index), location: e.location.through(close.location))
            } else {
                return e
            }
        }
    }

    /// Inside `[…]` after a value: an expression or a range with optional ends.
    private mutating func indexExpression() throws -> Expr {
        let start = peek.location
        try enterNesting(at: start)
        defer { depth -= 1 }
        var low: Expr?
        if !peek.isSymbol(":") {
            low = try additive(false)
            if !peek.isSymbol(":") { return low! }
        }
        let colon = advance()
        var high: Expr?
        if !peek.isSymbol("]") { high = try additive(false) }
        return Expr(kind: .range(low, high), location: low == nil ? start : colon.location)
    }

    private mutating func arguments() throws -> [Expr] {
        let open = advance() // (
        var args: [Expr] = []
        if peek.isSymbol(")") { advance(); return args }
        while true {
            args.append(try expression())
            if peek.isSymbol(",") { advance(); continue }
            if peek.isSymbol(")") { advance(); return args }
            throw LocatedError("expected `,` or `)` in the arguments opened at \(open.location), found \(peek)",
                               at: peek.location)
        }
    }

    private mutating func primary(_ j: Bool) throws -> Expr {
        let t = peek
        switch t.kind {
        case .number(let v):
            advance()
            return Expr(kind: .number(v), location: t.location)
        case .string(let s):
            advance()
            return Expr(kind: .string(s), location: t.location)
        case .identifier(let name):
            if name == "true" || name == "false" {
                advance()
                return Expr(kind: .bool(name == "true"), location: t.location)
            }
            if name == "nothing" {
                advance()
                return Expr(kind: .nothing, location: t.location)
            }
            if name == "if" {
                return try expression(juxtaposed: j)
            }
            if let spec = Commands.spec(named: name) {
                return try command(spec)
            }
            if Parser.reserved.contains(name) {
                throw LocatedError("expected a value, found the keyword `\(name)`", at: t.location,
                                   suggestion: name == "print" || name == "show" || name == "assert"
                                       ? "`\(name)` is a statement; put it on its own line" : nil)
            }
            advance()
            if peek.isSymbol("("), !(j && peek.spaceBefore) {
                guard Builtins.names.contains(name) else {
                    throw LocatedError("unknown function `\(name)`", at: t.location,
                                       suggestion: Suggestions.didYouMean(name, in: Builtins.names)
                                           ?? "type `help functions` for the list of functions")
                }
                let args = try arguments()
                return Expr(kind: .call(name, args), location: t.location)
            }
            return Expr(kind: .variable(name), location: t.location)
        case .symbol("("):
            advance()
            let inner = try expression()
            _ = try expectSymbol(")", "to close the `(` at \(t.location)")
            return inner
        case .symbol("["):
            advance()
            var items: [Expr] = []
            while !peek.isSymbol("]") {
                items.append(try expression(juxtaposed: true))
                if peek.isSymbol(",") { advance() }
                if peek.kind == .end {
                    throw LocatedError("unclosed `[`", at: t.location, suggestion: "add `]` to close the list")
                }
            }
            advance()
            return Expr(kind: .list(items), location: t.location)
        default:
            throw LocatedError("expected a value, found \(t)", at: t.location)
        }
    }

    // MARK: - Commands

    private func startsPositional(_ t: Token) -> Bool {
        switch t.kind {
        case .number, .string: return true
        case .identifier(let w): return !Parser.reserved.contains(w) || w == "true" || w == "false" || w == "nothing" || w == "if"
        case .symbol(let s): return s == "(" || s == "[" || (s == "-" && t.spaceBefore && !peekNext.spaceBefore)
        default: return false
        }
    }

    /// One argument value: a range-level expression in which a space separates elements.
    private mutating func argumentExpression() throws -> Expr {
        if peek.isWord("if") { return try expression() }
        return try range(true)
    }

    private mutating func command(_ spec: CommandSpec) throws -> Expr {
        try enterNesting(at: peek.location)         // a command may stand in another's argument
        defer { depth -= 1 }
        let nameToken = advance()
        var call = CommandCall(name: spec.name, location: nameToken.location, positional: [], keywords: [])
        while true {
            let t = peek
            // The first argument, when the command takes one, is a bound variable spelled like a
            // keyword (`bound dvae on …`): read it as the variable. A keyword never comes first
            // in such a command's usage, so nothing else is lost.
            let variableNamedLikeKeyword: Bool = {
                guard call.positional.isEmpty, call.keywords.isEmpty, !spec.positional.isEmpty,
                      case .identifier(let word) = t.kind, boundNames.contains(word) else { return false }
                return spec.usage.hasPrefix(spec.name + " " + spec.positional[0])
            }()
            if !variableNamedLikeKeyword, case .identifier(let word) = t.kind, let keyword = spec.keyword(word) {
                if call.keywords.contains(where: { $0.name == word }) {
                    throw LocatedError("`\(word)` is given twice", at: t.location)
                }
                advance()
                var values: [ArgumentValue] = []
                for slot in keyword.slots {
                    values += try slotValues(slot, keyword: keyword)
                }
                call.keywords.append(KeywordArgument(name: word, location: t.location, values: values))
            } else if startsPositional(t) {
                if call.positional.count >= spec.positional.count && !spec.variadic {
                    if case .identifier(let word) = t.kind {
                        if spec.keyword("law") != nil, let kind = NoiseKind(name: word), !NoiseKind.scriptKinds.contains(kind) {
                            throw Parser.lawSpellingError(word, kind: kind, at: t.location, prefix: spec.name == "corrupt" ? "" : "noise")
                        }
                        throw LocatedError("`\(spec.name)` has no argument `\(word)`", at: t.location,
                                           suggestion: Suggestions.didYouMean(word, in: spec.keywords.map(\.name))
                                               ?? "usage: \(spec.usage.split(separator: "\n")[0])")
                    }
                    throw LocatedError("too many arguments for `\(spec.name)`", at: t.location,
                                       suggestion: "usage: \(spec.usage.split(separator: "\n")[0])")
                }
                call.positional.append(try argumentExpression())
            } else {
                break
            }
        }
        return Expr(kind: .command(call), location: nameToken.location)
    }

    private mutating func slotValues(_ slot: CommandSpec.Slot, keyword: CommandSpec.Keyword) throws -> [ArgumentValue] {
        switch slot {
        case .expr(let placeholder):
            guard startsPositional(peek) else {
                throw LocatedError("`\(keyword.name)` needs a value (\(placeholder)), found \(peek)", at: peek.location,
                                   suggestion: "for example: \(keyword.name) \(exampleValue(placeholder))")
            }
            return [.expr(try argumentExpression())]
        case .word(let placeholder, let choices):
            let w = try word(from: choices, what: keyword.name, placeholder: placeholder)
            return [.word(w, peekLocationBefore)]
        case .noise:
            // The one place the kind's word is resolved: the AST carries the `NoiseKind`.
            let name = try word(from: NoiseKind.scriptNames, what: "noise", placeholder: "KIND")
            guard let kind = NoiseKind.scriptKinds.first(where: { $0.name == name }) else { return [] }
            var values: [ArgumentValue] = [.noiseKind(kind, peekLocationBefore)]
            if kind.takesLevel {
                guard startsPositional(peek) else {
                    throw LocatedError("`\(name)` needs a level, found \(peek)", at: peek.location,
                                       suggestion: "for example: noise \(name) \(kind.levelIsProbability ? "0.1" : "0.05")")
                }
                values.append(.expr(try argumentExpression()))
            }
            return values
        case .schedule:
            // A bare schedule word, or any expression giving one (a string, or T for `decay T`), so a
            // notebook can choose the schedule from a variable.
            if case .identifier(let w) = peek.kind, CommandSpec.scheduleKinds.contains(w) {
            } else if startsPositional(peek) {
                return [.expr(try argumentExpression())]
            }
            let kind = try word(from: CommandSpec.scheduleKinds, what: "schedule", placeholder: "SCHEDULE")
            var values: [ArgumentValue] = [.word(kind, peekLocationBefore)]
            if kind == "decay" {
                guard startsPositional(peek) else {
                    throw LocatedError("`decay` needs T, the epochs over which the rate halves, found \(peek)", at: peek.location,
                                       suggestion: "for example: schedule decay 3000")
                }
                values.append(.expr(try argumentExpression()))
            }
            return values
        }
    }

    private var peekLocationBefore: SourceLocation { tokens[max(0, position - 1)].location }

    /// The error for an engine kind name that scripts write as a law (`salt_pepper_authors`):
    /// one spelling per law, pointed at.
    static func lawSpellingError(_ word: String, kind: NoiseKind, at location: SourceLocation, prefix: String) -> LocatedError {
        let spelling = kind.scriptSpelling(level: kind.levelPlaceholder)
        return LocatedError("`\(word)` is written `\(spelling)` in scripts", at: location,
                            suggestion: (prefix.isEmpty ? "" : prefix + " ") + spelling)
    }

    private func exampleValue(_ placeholder: String) -> String {
        switch placeholder {
        case "LIST": return "[200 200]"
        case "DATA": return "mnist.train"
        case "P", "SIGMA", "X": return "0.1"
        case "[H W]": return "[28 28]"
        default: return "5"
        }
    }

    private mutating func word(from choices: [String], what: String, placeholder: String) throws -> String {
        guard case .identifier(let w) = peek.kind else {
            throw LocatedError("`\(what)` needs one of \(choices.joined(separator: ", ")), found \(peek)", at: peek.location)
        }
        guard choices.contains(w) else {
            // The engine's other spellings (`sp`, `bit-flip`, …) name a kind, but a script uses one
            // spelling per kind, so notebooks read (and search) alike: point at it.
            if what == "noise", let kind = NoiseKind(name: w), !NoiseKind.scriptKinds.contains(kind) {
                throw Parser.lawSpellingError(w, kind: kind, at: peek.location, prefix: "noise")
            }
            if what == "noise", let kind = NoiseKind(name: w) {
                throw LocatedError("`\(w)` is written `\(kind.name)` in scripts", at: peek.location,
                                   suggestion: "noise \(kind.name)")
            }
            throw LocatedError("unknown \(what == "noise" ? "noise kind" : what) `\(w)`", at: peek.location,
                               suggestion: Suggestions.didYouMean(w, in: choices)
                                   ?? "choose one of \(choices.joined(separator: ", "))")
        }
        advance()
        return w
    }
}
