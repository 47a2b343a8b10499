/// Canonical source text of an expression, for messages such as "assert failed: a < b".
extension Expr {
    /// The expression written back as source (spacing normalised, parentheses where needed).
    var sourceText: String { render(self, parentPrecedence: 0) }
}

private func precedence(_ e: Expr) -> Int {
    switch e.kind {
    case .conditional: return 1
    case .logical(let op, _, _): return op.precedence
    case .unary(let op, _): return op.precedence
    case .binary(let op, _, _): return op.precedence
    case .range: return 6
    case .command: return 1
    default: return 11
    }
}

/// Chains (`a + b + …`, `a or b or …`, `not not …`, `xs[0][0]…`) are written by a loop, so a
/// long flat chain cannot overflow the stack here either (the evaluator walks them the same way).
private func renderChain(_ e: Expr, parentPrecedence: Int) -> String? {
    let p = precedence(e)
    var text: String
    switch e.kind {
    case .binary(.power, _, _):
        // Right-associative: a^(b^c); the spine runs down the right.
        var bases: [Expr] = []
        var top = e
        while case .binary(.power, let b, let x) = top.kind { bases.append(b); top = x }
        text = render(top, parentPrecedence: p + 1)
        for (i, b) in bases.enumerated().reversed() {
            text = render(b, parentPrecedence: p) + "^" + (i == bases.count - 1 ? text : "(\(text))")
        }
    case .binary(let op, _, _):
        var links: [(String, Expr)] = []
        var base = e
        while case .binary(let o, let l, let r) = base.kind, o != .power, o.precedence == p { links.append((o.symbol, r)); base = l }
        text = render(base, parentPrecedence: p)
        for (symbol, r) in links.reversed() { text += " \(symbol) " + render(r, parentPrecedence: p + 1) }
    case .logical(let op, _, _):
        var links: [Expr] = []
        var base = e
        while case .logical(let o, let l, let r) = base.kind, o == op { links.append(r); base = l }
        text = render(base, parentPrecedence: p)
        for r in links.reversed() { text += " \(op.rawValue) " + render(r, parentPrecedence: p + 1) }
    case .unary(let op, _):
        var count = 0
        var base = e
        while case .unary(let o, let x) = base.kind, o == op { count += 1; base = x }
        text = String(repeating: op.prefix, count: count) + render(base, parentPrecedence: p)
    case .member, .index, .method:
        let (base, links) = e.postfixChain
        text = render(base, parentPrecedence: 11)
        for link in links.reversed() {
            switch link.kind {
            case .member(_, let n): text += "." + n
            case .index(_, let i): text += "[" + render(i, parentPrecedence: 0) + "]"
            case .method(_, let f, let args): text += "." + f + "(" + args.map { render($0, parentPrecedence: 0) }.joined(separator: ", ") + ")"
            default: break
            }
        }
    default:
        return nil
    }
    return p < parentPrecedence ? "(\(text))" : text
}

private func render(_ e: Expr, parentPrecedence: Int) -> String {
    if let chain = renderChain(e, parentPrecedence: parentPrecedence) { return chain }
    let p = precedence(e)
    let text: String
    switch e.kind {
    case .number(let x): text = formatNumber(x)
    case .string(let s): text = "\"\(s)\""
    case .bool(let b): text = b ? "true" : "false"
    case .nothing: text = "nothing"
    case .variable(let n): text = n
    case .list(let items): text = "[" + items.map { render($0, parentPrecedence: 0) }.joined(separator: " ") + "]"
    case .range(let lo, let hi):
        text = (lo.map { render($0, parentPrecedence: p + 1) } ?? "") + ":" + (hi.map { render($0, parentPrecedence: p + 1) } ?? "")
    case .unary, .binary, .logical, .member, .index, .method:
        preconditionFailure("operators and postfix chains are written by renderChain")
    case .call(let f, let args): text = f + "(" + args.map { render($0, parentPrecedence: 0) }.joined(separator: ", ") + ")"
    case .conditional(let c, let a, let b):
        text = "if \(render(c, parentPrecedence: 0)) then \(render(a, parentPrecedence: 0)) else \(render(b, parentPrecedence: 0))"
    case .command(let call):
        var parts = [call.name] + call.positional.map { render($0, parentPrecedence: 11) }
        for k in call.keywords {
            parts.append(k.name)
            for v in k.values {
                switch v {
                case .expr(let x): parts.append(render(x, parentPrecedence: 11))
                case .word(let w, _): parts.append(w)
                case .noiseKind(let kind, _): parts.append(kind.name)
                }
            }
        }
        text = parts.joined(separator: " ")
    }
    return p < parentPrecedence ? "(\(text))" : text
}
