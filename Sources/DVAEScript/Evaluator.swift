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
        case .variable(let name):
            if let v = env.lookup(name) { return v }
            throw unknownVariable(name, at: expr.location, in: env)
        case .list(let items):
            return .list(try items.map { try evaluate($0, in: env) })
        case .range(let lo, let hi):
            guard let lo, let hi else {
                throw LocatedError("a range needs both ends here", at: expr.location, suggestion: "write `0:10`")
            }
            return .range(try wholeNumber(lo, in: env, what: "a range end"), try wholeNumber(hi, in: env, what: "a range end"))
        case .unary(let op, let operand):
            let v = try evaluate(operand, in: env)
            switch op {
            case .not:
                guard case .bool(let b) = v else {
                    throw LocatedError("`not` needs true or false, got \(v.typeWithArticle)", at: expr.location)
                }
                return .bool(!b)
            case .negate:
                guard let x = v.numeric else {
                    throw LocatedError("cannot negate \(v.typeWithArticle)", at: expr.location)
                }
                return .number(-x)
            }
        case .binary(let op, let l, let r):
            let lv = try evaluate(l, in: env), rv = try evaluate(r, in: env)
            if op.isComparison {
                return .bool(try compare(op, lv, rv, at: expr.location))
            }
            return try arithmetic(op, lv, rv, at: expr.location, rightLocation: r.location)
        case .logical(let op, let l, let r):
            let lv = try evaluate(l, in: env)
            guard case .bool(let a) = lv else {
                throw LocatedError("`\(op.rawValue)` needs true or false on the left, got \(lv.typeWithArticle)", at: l.location)
            }
            switch op {
            case .and where !a: return .bool(false)
            case .or where a: return .bool(true)
            default: break
            }
            let rv = try evaluate(r, in: env)
            guard case .bool(let b) = rv else {
                throw LocatedError("`\(op.rawValue)` needs true or false on the right, got \(rv.typeWithArticle)", at: r.location)
            }
            return .bool(b)
        case .member(let object, let name):
            return try member(try evaluate(object, in: env), name, at: expr.location)
        case .index(let object, let index):
            return try self.index(try evaluate(object, in: env), index, in: env, at: expr.location)
        case .call(let name, let args):
            let values = try args.map { try evaluate($0, in: env) }
            let call = CallArguments(function: name, values: values, locations: args.map(\.location), location: expr.location)
            return try callBuiltin(call)
        case .method(let object, let name, let args):
            let target = try evaluate(object, in: env)
            let values = try args.map { try evaluate($0, in: env) }
            return try method(target, name, values, locations: args.map(\.location), at: expr.location)
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
            let equal = try valuesEqual(a, b, at: location)
            return op == .equal ? equal : !equal
        }
        throw LocatedError("cannot compare \(a.typeWithArticle) with \(b.typeWithArticle) using `\(op.symbol)`", at: location)
    }

    private func valuesEqual(_ a: Value, _ b: Value, at location: SourceLocation) throws -> Bool {
        switch (a, b) {
        case (.bool(let x), .bool(let y)): return x == y
        case (.nothing, .nothing): return true
        case (.range(let a1, let a2), .range(let b1, let b2)): return a1 == b1 && a2 == b2
        case (.list(let xs), .list(let ys)):
            guard xs.count == ys.count else { return false }
            for (x, y) in zip(xs, ys) where !(try compare(.equal, x, y, at: location)) { return false }
            return true
        case (.number, _), (.string, _), (.bool, _), (.list, _), (.range, _), (.bound, _), (.nothing, _):
            return false
        default:
            throw LocatedError("cannot compare \(a.typeWithArticle) with \(b.typeWithArticle)", at: location,
                               suggestion: "compare their members, e.g. `.count` or `.value`")
        }
    }

    /// `a op b` for `+ - * / % ^`.
    private func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value, at location: SourceLocation,
                            rightLocation: SourceLocation) throws -> Value {
        if op == .add {
            if case .string(let s) = a { return .string(s + b.text) }
            if case .string(let s) = b { return .string(a.text + s) }
            if case .list(let xs) = a, case .list(let ys) = b { return .list(xs + ys) }
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

    /// The members each type has, for `help` and suggestions.
    /// A matrix as a list of its rows.
    static func rows(of m: DenseMatrix) -> Value {
        .list((0..<m.rows).map { i in .list((0..<m.cols).map { j in .number(m[i, j]) }) })
    }

    static func memberNames(of v: Value) -> [String] {
        switch v {
        case .splits: return ["train", "valid", "test", "name"]
        case .dataset: return ["count", "dimension", "height", "width", "name", "kind", "mean"]
        case .model: return ["latent", "hidden", "input", "encoder", "decoder", "parameters", "epochs"]
        case .exactModel: return ["D", "L", "sigma", "s2", "W", "b", "A", "c", "V"]
        case .bound: return ["value", "se", "count", "kind"]
        case .table: return ["rows", "columns"]
        case .images: return ["count", "height", "width"]
        case .report: return ["curve", "epochs", "steps", "skipped", "interrupted", "seconds", "final", "valid"]
        case .curve: return ["epochs", "train", "valid"]
        case .range: return ["start", "end"]
        case .statistics: return StatisticsValue.memberNames
        case .experiment: return ExperimentValue.memberNames
        default: return []
        }
    }

    /// `value.name`.
    func member(_ v: Value, _ name: String, at location: SourceLocation) throws -> Value {
        if let result = memberValue(v, name) { return result }
        let names = Interpreter.memberNames(of: v)
        if names.isEmpty {
            throw LocatedError("\(v.typeWithArticle) has no members", at: location)
        }
        throw LocatedError("\(v.typeWithArticle) has no member `\(name)`", at: location,
                           suggestion: Suggestions.didYouMean(name, in: names)
                               ?? "its members are: \(names.joined(separator: ", "))")
    }

    private func memberValue(_ v: Value, _ name: String) -> Value? {
        func num(_ x: Int) -> Value { .number(Double(x)) }
        switch (v, name) {
        case (.splits(let s), "train"): return .dataset(s.train)
        case (.splits(let s), "valid"): return .dataset(s.valid)
        case (.splits(let s), "test"): return .dataset(s.test)
        case (.splits(let s), "name"): return .string(s.name)
        case (.dataset(let d), "count"): return num(d.count)
        case (.dataset(let d), "dimension"): return num(d.dimension)
        case (.dataset(let d), "height"): return num(d.height)
        case (.dataset(let d), "width"): return num(d.width)
        case (.dataset(let d), "name"): return .string(d.name)
        case (.dataset(let d), "kind"): return .string(d.kind.rawValue)
        case (.dataset(let d), "mean"): return .number(d.pixelMean)
        case (.model(let m), "latent"): return num(m.model.config.latent)
        case (.model(let m), "hidden"): return .list(m.model.config.encoderHidden.map { .number(Double($0)) })
        case (.model(let m), "input"): return num(m.model.config.inputSize)
        case (.model(let m), "encoder"): return .string(m.model.config.encoder.rawValue)
        case (.model(let m), "decoder"): return .string(m.model.config.decoder.rawValue)
        case (.model(let m), "parameters"): return num(m.model.parameterCount)
        case (.model(let m), "epochs"): return num(m.epochsTrained)
        case (.exactModel(let g), "D"): return num(g.D)
        case (.exactModel(let g), "L"): return num(g.L)
        case (.exactModel(let g), "sigma"): return .number(g.sigma)
        case (.exactModel(let g), "s2"): return .number(g.s2)
        // The parameters, as lists (matrices as lists of rows), so a notebook can print them or
        // compute e.g. the closed-form q̃(z|x) = N(Ax + c, V + σ²AAᵀ) itself.
        case (.exactModel(let g), "W"): return Interpreter.rows(of: g.W)
        case (.exactModel(let g), "A"): return Interpreter.rows(of: g.A)
        case (.exactModel(let g), "b"): return .list(g.b.map { .number($0) })
        case (.exactModel(let g), "c"): return .list(g.c.map { .number($0) })
        case (.exactModel(let g), "V"): return .list(g.Vdiag.map { .number($0) })
        case (.bound(let b), "value"): return .number(b.value)
        case (.bound(let b), "se"): return .number(b.se)
        case (.bound(let b), "count"): return num(b.count)
        case (.bound(let b), "kind"): return .string(b.label)
        case (.table(let t), "rows"): return num(t.rows.count)
        case (.table(let t), "columns"): return .list(t.columns.map { .string($0) })
        case (.images(let g), "count"): return num(g.images.count)
        case (.images(let g), "height"): return num(g.height)
        case (.images(let g), "width"): return num(g.width)
        case (.report(let r), "curve"): return .curve(r.curve)
        case (.report(let r), "epochs"): return num(r.epochs)
        case (.report(let r), "steps"): return num(r.steps)
        case (.report(let r), "skipped"): return num(r.skipped)
        case (.report(let r), "interrupted"): return .bool(r.interrupted)
        case (.report(let r), "seconds"): return .number(r.seconds)
        case (.report(let r), "final"): return r.curve.points.last.map { .number($0.train) } ?? .nothing
        case (.report(let r), "valid"): return r.curve.points.last?.valid.map { .number($0) } ?? .nothing
        case (.curve(let c), "epochs"): return .list(c.points.map { num($0.epoch) })
        case (.curve(let c), "train"): return .list(c.points.map { .number($0.train) })
        case (.curve(let c), "valid"): return .list(c.points.compactMap { $0.valid.map { .number($0) } })
        case (.range(let lo, _), "start"): return num(lo)
        case (.range(_, let hi), "end"): return num(hi)
        case (.statistics(let s), _): return s.member(name)
        case (.experiment(let e), _): return e.member(name)
        default: return nil
        }
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
