import DVAE
import DVAENotebook
import Foundation

/// Expression evaluation: literals, variables, operators, member access, indexing, calls.
extension Interpreter {
    /// The value of `expr` in `env`.
    func evaluate(_ expr: Expr, in env: Environment) throws -> Value {
        switch expr.kind {
        case .number(let x): return .number(x)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .nothing: return .nothing
        case .variable(let name):
            if let v = env.lookup(name) { return v }
            throw unknownVariable(name, at: expr.location, in: env)
        case .list(let items):
            try checkListSize(items.count, for: "this list of \(items.count) items", at: expr.location,
                              fix: "build a shorter list")
            return .list(try items.map { item in
                let v = try evaluate(item, in: env)
                try checkNesting(of: v, at: item.location)
                return v
            })
        case .range(let lo, let hi):
            guard let lo, let hi else {
                throw LocatedError("a range needs both ends here", at: expr.location, suggestion: "write `0:10`")
            }
            return .range(try wholeNumber(lo, in: env, what: "a range end"), try wholeNumber(hi, in: env, what: "a range end"))
        case .unary, .binary, .logical, .member, .index, .method:
            return try evaluateChain(expr, in: env)
        case .call(let name, let args):
            let values = try args.map { try evaluate($0, in: env) }
            let call = CallArguments(function: name, values: values, locations: args.map(\.location), location: expr.location)
            return try callBuiltin(call)
        case .conditional(let c, let a, let b):
            let cv = try evaluate(c, in: env)
            guard case .bool(let flag) = cv else {
                throw LocatedError("`if` needs a true/false condition, got \(cv.typeWithArticle)", at: c.location)
            }
            return try evaluate(flag ? a : b, in: env)
        case .command(let call):
            guard Commands.spec(named: call.name)?.returnsValue ?? false else {
                throw LocatedError("`\(call.name)` gives no value", at: call.location,
                                   suggestion: "put `\(call.name)` on its own line")
            }
            return try runCommand(call, in: env)
        }
    }

    // MARK: - Chains

    /// Operators and postfix operations, evaluated without one level of recursion per link:
    /// `1 + 1 + … + 1`, `not not … x`, `a or b or …`, `2 ^ 2 ^ …` and `xs[0][0]…` walk their
    /// spine with a loop, so a long flat chain cannot overflow the stack (only brackets nest,
    /// and the parser limits their depth).
    private func evaluateChain(_ expr: Expr, in env: Environment) throws -> Value {
        switch expr.kind {
        case .unary:
            var ops: [(UnaryOperator, SourceLocation)] = []
            var e = expr
            while case .unary(let op, let operand) = e.kind { ops.append((op, e.location)); e = operand }
            var v = try evaluate(e, in: env)
            for (op, location) in ops.reversed() { v = try unary(op, v, at: location) }
            return v
        case .binary(.power, _, _):
            // Right-associative: a ^ (b ^ (c ^ d)); the spine runs down the right.
            var bases: [(Expr, SourceLocation, SourceLocation)] = []     // base, operator, exponent
            var e = expr
            while case .binary(.power, let base, let exponent) = e.kind {
                bases.append((base, e.location, exponent.location))
                e = exponent
            }
            var values: [Value] = try bases.map { try evaluate($0.0, in: env) }
            var v = try evaluate(e, in: env)
            while let (_, at, exponentAt) = bases.popLast() {
                v = try arithmetic(.power, values.removeLast(), v, at: at, rightLocation: exponentAt)
            }
            return v
        case .binary:
            // Left-associative: ((a + b) + c) + d; the spine runs down the left.
            var links: [(BinaryOperator, Expr, SourceLocation)] = []
            var e = expr
            while case .binary(let op, let l, let r) = e.kind, op != .power { links.append((op, r, e.location)); e = l }
            var v = try evaluate(e, in: env)
            for (op, r, at) in links.reversed() {
                let rv = try evaluate(r, in: env)
                v = op.isComparison ? .bool(try compare(op, v, rv, at: at))
                                    : try arithmetic(op, v, rv, at: at, rightLocation: r.location)
            }
            return v
        case .logical:
            var links: [(LogicalOperator, Expr, Expr)] = []     // operator, left, right
            var e = expr
            while case .logical(let op, let l, let r) = e.kind { links.append((op, l, r)); e = l }
            var v = try evaluate(e, in: env)
            for (op, l, r) in links.reversed() {
                guard case .bool(let a) = v else {
                    throw LocatedError("`\(op.rawValue)` needs true or false on the left, got \(v.typeWithArticle)", at: l.location)
                }
                switch op {
                case .and where !a: v = .bool(false); continue
                case .or where a: v = .bool(true); continue
                default: break
                }
                let rv = try evaluate(r, in: env)
                guard case .bool = rv else {
                    throw LocatedError("`\(op.rawValue)` needs true or false on the right, got \(rv.typeWithArticle)", at: r.location)
                }
                v = rv
            }
            return v
        default:
            // Postfix: x.a[0].f(…) — member, index and method links on one object.
            let (base, links) = expr.postfixChain
            var v = try evaluate(base, in: env)
            for link in links.reversed() {
                switch link.kind {
                case .member(_, let name):
                    v = try member(v, name, at: link.location)
                case .index(_, let index):
                    v = try self.index(v, index, in: env, at: link.location)
                case .method(_, let name, let args):
                    let values = try args.map { try evaluate($0, in: env) }
                    v = try method(v, name, values, locations: args.map(\.location), at: link.location)
                default:
                    preconditionFailure("not a postfix link")
                }
            }
            return v
        }
    }

    /// `-x` or `not b`.
    private func unary(_ op: UnaryOperator, _ v: Value, at location: SourceLocation) throws -> Value {
        switch op {
        case .not:
            guard case .bool(let b) = v else {
                throw LocatedError("`not` needs true or false, got \(v.typeWithArticle)", at: location)
            }
            return .bool(!b)
        case .negate:
            guard let x = v.numeric else {
                throw LocatedError("cannot negate \(v.typeWithArticle)", at: location)
            }
            return .number(-x)
        }
    }

    /// The error for an unbound name, with the closest suggestion.
    func unknownVariable(_ name: String, at location: SourceLocation, in env: Environment) -> LocatedError {
        if Builtins.entry(name) != nil {
            return LocatedError("`\(name)` is a function", at: location, suggestion: "call it: \(Builtins.entry(name)!.usage)")
        }
        let keywords = ["on", "epochs", "noise", "hidden", "latent", "elbo", "iwae"]
        if keywords.contains(name) {
            return LocatedError("unknown variable `\(name)`", at: location,
                                suggestion: "`\(name)` is an argument name; it belongs right after a command")
        }
        return LocatedError("unknown variable `\(name)`", at: location,
                            suggestion: Suggestions.didYouMean(name, in: env.visibleNames + Commands.names)
                                ?? "bind it first with `let \(name) = …`; `vars` lists the variables")
    }

    /// Evaluates `expr` and requires a whole number.
    func wholeNumber(_ expr: Expr, in env: Environment, what: String) throws -> Int {
        let v = try evaluate(expr, in: env)
        guard let x = v.numeric else {
            throw LocatedError("\(what) must be a number, got \(v.typeWithArticle)", at: expr.location)
        }
        guard x == x.rounded(), abs(x) < 1e15 else {
            throw LocatedError("\(what) must be a whole number, got \(formatNumber(x))", at: expr.location)
        }
        return Int(x)
    }

    // MARK: - Operators

    /// `a op b` for comparison operators. Numbers and bounds compare by value.
    func compare(_ op: BinaryOperator, _ a: Value, _ b: Value, at location: SourceLocation) throws -> Bool {
        /// The comparison `op` on two values of one ordered type.
        func ordered<T: Comparable>(_ x: T, _ y: T) -> Bool {
            switch op {
            case .less: return x < y
            case .lessOrEqual: return x <= y
            case .greater: return x > y
            case .greaterOrEqual: return x >= y
            case .equal: return x == y
            case .notEqual: return x != y
            case .add, .subtract, .multiply, .divide, .remainder, .power:
                preconditionFailure("compare called with the arithmetic operator \(op.symbol)")
            }
        }
        if let x = a.numeric, let y = b.numeric { return ordered(x, y) }
        if case .string(let x) = a, case .string(let y) = b { return ordered(x, y) }
        if op == .equal || op == .notEqual {
            // Item by item, bounded in time however the lists share storage (ValueEquality.swift).
            var equality = ValueEquality(at: location)
            let equal = try equality.equal(a, b)
            return op == .equal ? equal : !equal
        }
        throw LocatedError("cannot compare \(a.typeWithArticle) with \(b.typeWithArticle) using `\(op.symbol)`", at: location)
    }

    /// `a op b` for `+ - * / % ^`.
    private func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value, at location: SourceLocation,
                            rightLocation: SourceLocation) throws -> Value {
        if op == .add {
            // Joining doubles in a loop reaches gigabytes in 30 steps: measure the result (×4 for
            // the operands and the copies printing makes) against the budget first.
            if case .string(let s) = a {
                let t = b.text
                try checkBudget(ByteCount.product(s.utf8.count + t.utf8.count, 4), for: "joining these strings",
                                at: location, fix: "build shorter strings")
                return .string(s + t)
            }
            if case .string(let t) = b {
                let s = a.text
                try checkBudget(ByteCount.product(s.utf8.count + t.utf8.count, 4), for: "joining these strings",
                                at: location, fix: "build shorter strings")
                return .string(s + t)
            }
            if case .list(let xs) = a, case .list(let ys) = b {
                try checkBudget(ByteCount.product(xs.count + ys.count, MemoryLayout<Value>.stride, 4), for: "joining these lists",
                                at: location, fix: "build shorter lists")
                return .list(xs + ys)
            }
        }
        guard let x = a.numeric, let y = b.numeric else {
            let bad = a.numeric == nil ? a : b
            throw LocatedError("`\(op.symbol)` needs numbers, got \(bad.typeWithArticle)", at: location,
                               suggestion: op == .add ? "`+` also joins strings and lists" : nil)
        }
        switch op {
        case .add: return .number(x + y)
        case .subtract: return .number(x - y)
        case .multiply: return .number(x * y)
        case .divide:
            guard y != 0 else { throw LocatedError("division by zero", at: rightLocation) }
            return .number(x / y)
        case .remainder:
            guard y != 0 else { throw LocatedError("division by zero (remainder of \(formatNumber(x)) by 0)", at: rightLocation) }
            return .number(x.truncatingRemainder(dividingBy: y))
        case .power: return .number(pow(x, y))
        case .less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .notEqual:
            preconditionFailure("arithmetic called with the comparison \(op.symbol)")
        }
    }

    // MARK: - Members

    /// A matrix as a list of its rows.
    static func rows(of m: DenseMatrix) -> Value {
        .list((0..<m.rows).map { i in .list((0..<m.cols).map { j in .number(m[i, j]) }) })
    }

    /// The members `v`'s type has, for suggestions and completion (its `HasMembers` table).
    static func memberNames(of v: Value) -> [String] { v.members?.names ?? [] }

    /// `value.name`.
    func member(_ v: Value, _ name: String, at location: SourceLocation) throws -> Value {
        if case .dataset(let d) = v, name == "values", d.count * d.dimension > Dataset.maximumListedValues {
            throw LocatedError("`.values` would list \(d.count * d.dimension) numbers (at most \(Dataset.maximumListedValues))",
                               at: location, suggestion: "slice the dataset first, e.g. data[0].values")
        }
        if let result = v.members?.read(name) { return result }
        let names = Interpreter.memberNames(of: v)
        if names.isEmpty {
            throw LocatedError("\(v.typeWithArticle) has no members", at: location)
        }
        throw LocatedError("\(v.typeWithArticle) has no member `\(name)`", at: location,
                           suggestion: Suggestions.didYouMean(name, in: names)
                               ?? "its members are: \(names.joined(separator: ", "))")
    }

    // MARK: - Indexing

    private func index(_ v: Value, _ indexExpr: Expr, in env: Environment, at location: SourceLocation) throws -> Value {
        let count: Int
        switch v {
        case .list(let xs): count = xs.count
        case .dataset(let d): count = d.count
        case .range(let lo, let hi): count = max(0, hi - lo)
        case .images(let g): count = g.images.count
        case .string(let s): count = s.count
        case .splits:
            throw LocatedError("dataset splits cannot be indexed", at: location, suggestion: "pick a split first, e.g. `mnist.test[0:16]`")
        default:
            throw LocatedError("\(v.typeWithArticle) cannot be indexed", at: location)
        }
        if case .range(let loExpr, let hiExpr) = indexExpr.kind {
            let lo = try loExpr.map { try wholeNumber($0, in: env, what: "a slice start") } ?? 0
            let hi = try hiExpr.map { try wholeNumber($0, in: env, what: "a slice end") } ?? count
            let l = lo < 0 ? lo + count : lo, h = hi < 0 ? hi + count : hi
            guard l >= 0, h <= count, l <= h else {
                throw LocatedError("slice \(lo):\(hi) is out of range for \(v.typeWithArticle) of \(count)", at: indexExpr.location,
                                   suggestion: "valid slices lie within 0:\(count)")
            }
            switch v {
            case .list(let xs): return .list(Array(xs[l..<h]))
            case .dataset(let d): return .dataset(d.slice(l..<h))
            case .range(let a, _): return .range(a + l, a + h)
            case .images(var g): g.images = Array(g.images[l..<h]); return .images(g)
            case .string(let s): return .string(String(Array(s)[l..<h]))
            default: break
            }
        }
        let i = try wholeNumber(indexExpr, in: env, what: "an index")
        let j = i < 0 ? i + count : i
        guard j >= 0, j < count else {
            throw LocatedError("index \(i) is out of range for \(v.typeWithArticle) of \(count)", at: indexExpr.location,
                               suggestion: count == 0 ? "it is empty" : "valid indices are 0 to \(count - 1)")
        }
        switch v {
        case .list(let xs): return xs[j]
        case .dataset(let d): return .dataset(d.slice(j..<(j + 1)))
        case .range(let a, _): return .number(Double(a + j))
        case .images(var g): g.images = [g.images[j]]; return .images(g)
        case .string(let s): return .string(String(Array(s)[j]))
        default: throw LocatedError("\(v.typeWithArticle) cannot be indexed", at: location)
        }
    }

    // MARK: - Methods

    private func method(_ target: Value, _ name: String, _ args: [Value], locations: [SourceLocation],
                        at location: SourceLocation) throws -> Value {
        switch (target, name) {
        case (.table(let t), "add"):
            guard args.count == t.columns.count else {
                throw LocatedError("the table has \(t.columns.count) column\(t.columns.count == 1 ? "" : "s") "
                                   + "(\(t.columns.joined(separator: ", "))) but `add` got \(args.count) value\(args.count == 1 ? "" : "s")",
                                   at: location)
            }
            for (v, at) in zip(args, locations) {
                if v.shape().containsTable {
                    throw LocatedError("a table cell cannot hold a table", at: at, suggestion: "add the table's numbers instead")
                }
                try checkNesting(of: v, at: at)
            }
            t.add(args)
            return .nothing
        case (.table, _):
            throw LocatedError("a table has no method `\(name)`", at: location, suggestion: "tables have `add(…)`")
        default:
            throw LocatedError("\(target.typeWithArticle) has no method `\(name)`", at: location,
                               suggestion: Interpreter.memberNames(of: target).contains(name) ? "`\(name)` is a member: drop the parentheses" : nil)
        }
    }
}
