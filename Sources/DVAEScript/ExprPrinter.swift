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

private func render(_ e: Expr, parentPrecedence: Int) -> String {
    let p = precedence(e)
    let text: String
    switch e.kind {
    case .number(let x): text = formatNumber(x)
    case .string(let s): text = "\"\(s)\""
    case .bool(let b): text = b ? "true" : "false"
    case .variable(let n): text = n
    case .list(let items): text = "[" + items.map { render($0, parentPrecedence: 0) }.joined(separator: " ") + "]"
    case .range(let lo, let hi):
        text = (lo.map { render($0, parentPrecedence: p + 1) } ?? "") + ":" + (hi.map { render($0, parentPrecedence: p + 1) } ?? "")
    case .unary(let op, let x): text = op.prefix + render(x, parentPrecedence: p)
    case .binary(let op, let l, let r):
        text = render(l, parentPrecedence: p) + (op == .power ? "^" : " \(op.symbol) ") + render(r, parentPrecedence: p + 1)
    case .logical(let op, let l, let r): text = render(l, parentPrecedence: p) + " \(op.rawValue) " + render(r, parentPrecedence: p + 1)
    case .member(let x, let n): text = render(x, parentPrecedence: 11) + "." + n
    case .index(let x, let i): text = render(x, parentPrecedence: 11) + "[" + render(i, parentPrecedence: 0) + "]"
    case .call(let f, let args): text = f + "(" + args.map { render($0, parentPrecedence: 0) }.joined(separator: ", ") + ")"
    case .method(let x, let f, let args):
        text = render(x, parentPrecedence: 11) + "." + f + "(" + args.map { render($0, parentPrecedence: 0) }.joined(separator: ", ") + ")"
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
                }
            }
        }
        text = parts.joined(separator: " ")
    }
    return p < parentPrecedence ? "(\(text))" : text
}
