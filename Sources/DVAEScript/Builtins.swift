import DVAEExperiments
import Foundation

/// The built-in functions, called as `name(a, b)`.
///
/// Each has a usage line for `help functions`. Errors point at the offending argument.
enum Builtins {
    /// One function's usage and one-line description.
    struct Entry {
        /// How to call it.
        var usage: String
        /// What it does.
        var summary: String
    }

    /// Every built-in, in the order `help functions` lists them.
    static let entries: [(String, Entry)] = [
        ("abs", Entry(usage: "abs(x)", summary: "absolute value")),
        ("sqrt", Entry(usage: "sqrt(x)", summary: "square root (x ≥ 0)")),
        ("log", Entry(usage: "log(x)", summary: "natural logarithm (x > 0)")),
        ("exp", Entry(usage: "exp(x)", summary: "e to the power x")),
        ("floor", Entry(usage: "floor(x)", summary: "round down")),
        ("ceil", Entry(usage: "ceil(x)", summary: "round up")),
        ("round", Entry(usage: "round(x [, digits])", summary: "round to a whole number or to `digits` decimals")),
        ("min", Entry(usage: "min(a, b, …) or min(list)", summary: "smallest value")),
        ("max", Entry(usage: "max(a, b, …) or max(list)", summary: "largest value")),
        ("sum", Entry(usage: "sum(list)", summary: "sum of the numbers")),
        ("mean", Entry(usage: "mean(list)", summary: "average of the numbers")),
        ("std", Entry(usage: "std(list)", summary: "sample standard deviation")),
        ("len", Entry(usage: "len(x)", summary: "length of a list, range, string, dataset, table or image grid")),
        ("list", Entry(usage: "list(range)", summary: "the numbers of a range as a list")),
        ("append", Entry(usage: "append(list, x)", summary: "a new list with x at the end")),
        ("str", Entry(usage: "str(x)", summary: "x as a string")),
        ("fmt", Entry(usage: "fmt(x, digits)", summary: "a number as a string with `digits` decimals")),
        ("verdict", Entry(usage: "verdict(condition)", summary: "\"holds\" when the condition is true, else \"fails\"")),
        ("paired", Entry(usage: "paired(a, b)",
                         summary: "a − b over seeds (lists in the same seed order): mean ± standard error of the paired differences, "
                             + "decided (higher / lower) only with ≥ 3 seeds and more than 2 standard errors from 0")),
    ]

    /// The names, for the parser and suggestions.
    static let names: [String] = entries.map(\.0)

    private static let table: [String: Entry] = Dictionary(uniqueKeysWithValues: entries)

    /// The entry for `name`.
    static func entry(_ name: String) -> Entry? { table[name] }
}

/// The arguments of one built-in call, with their locations, and typed accessors that raise
/// located errors.
struct CallArguments {
    /// The function name (for messages).
    var function: String
    /// Evaluated arguments.
    var values: [Value]
    /// Where each argument is.
    var locations: [SourceLocation]
    /// Where the call is.
    var location: SourceLocation

    /// Number of arguments.
    var count: Int { values.count }

    /// Requires between `min` and `max` arguments.
    func expect(_ min: Int, _ max: Int? = nil) throws {
        let max = max ?? min
        guard values.count >= min, values.count <= max else {
            let usage = Builtins.entry(function)?.usage ?? function
            let want = min == max ? "\(min) argument\(min == 1 ? "" : "s")" : "\(min) to \(max) arguments"
            throw LocatedError("`\(function)` takes \(want), got \(values.count)", at: location, suggestion: "usage: \(usage)")
        }
    }

    /// Argument `i` as a number (a bound gives its value).
    func number(_ i: Int) throws -> Double {
        guard let x = values[i].numeric else {
            throw LocatedError("`\(function)` needs a number, got \(values[i].typeWithArticle)", at: locations[i])
        }
        return x
    }

    /// Argument `i` as a whole number.
    func int(_ i: Int) throws -> Int {
        let x = try number(i)
        guard x == x.rounded(), abs(x) < 1e15 else {
            throw LocatedError("`\(function)` needs a whole number, got \(formatNumber(x))", at: locations[i])
        }
        return Int(x)
    }

    /// Argument `i` as a list of numbers (a list or a range).
    func numbers(_ i: Int) throws -> [Double] {
        switch values[i] {
        case .list(let items):
            return try items.map { item in
                guard let x = item.numeric else {
                    throw LocatedError("`\(function)` needs a list of numbers, found \(item.typeWithArticle) in it",
                                       at: locations[i])
                }
                return x
            }
        case .range(let lo, let hi):
            guard hi - lo <= Interpreter.maximumRangeLength else {
                throw LocatedError("the range \(lo):\(hi) is too long (at most \(Interpreter.maximumRangeLength))", at: locations[i])
            }
            return (lo..<max(lo, hi)).map(Double.init)
        default:
            throw LocatedError("`\(function)` needs a list of numbers, got \(values[i].typeWithArticle)", at: locations[i])
        }
    }

    /// The numbers to reduce: one list argument, or several number arguments.
    func numberList() throws -> [Double] {
        if values.count == 1, values[0].numeric == nil { return try numbers(0) }
        return try values.indices.map { try number($0) }
    }

    /// Argument `i` as a boolean.
    func bool(_ i: Int) throws -> Bool {
        guard case .bool(let b) = values[i] else {
            throw LocatedError("`\(function)` needs true or false, got \(values[i].typeWithArticle)", at: locations[i])
        }
        return b
    }

    /// Argument `i` as a string.
    func string(_ i: Int) throws -> String {
        guard case .string(let s) = values[i] else {
            throw LocatedError("`\(function)` needs a string, got \(values[i].typeWithArticle)", at: locations[i])
        }
        return s
    }
}

extension Builtins {
    /// Calls a pure built-in (everything except the model helpers, which the interpreter handles),
    /// by its family: arithmetic, statistics, collections, text.
    static func callPure(_ a: CallArguments) throws -> Value {
        switch a.function {
        case "abs", "sqrt", "log", "exp", "floor", "ceil", "round": return try callArithmetic(a)
        case "min", "max", "sum", "mean", "std", "paired": return try callStatistic(a)
        case "len", "list", "append": return try callCollection(a)
        case "str", "fmt", "verdict": return try callText(a)
        default: throw unknownFunction(a)
        }
    }

    /// The error for a name no built-in has.
    private static func unknownFunction(_ a: CallArguments) -> LocatedError {
        LocatedError("unknown function `\(a.function)`", at: a.location)
    }

    /// `abs`, `sqrt`, `log`, `exp`, `floor`, `ceil`, `round`: one number to one number.
    private static func callArithmetic(_ a: CallArguments) throws -> Value {
        switch a.function {
        case "abs": try a.expect(1); return .number(abs(try a.number(0)))
        case "sqrt":
            try a.expect(1)
            let x = try a.number(0)
            guard x >= 0 else { throw LocatedError("`sqrt` of a negative number (\(formatNumber(x)))", at: a.locations[0]) }
            return .number(x.squareRoot())
        case "log":
            try a.expect(1)
            let x = try a.number(0)
            guard x > 0 else { throw LocatedError("`log` of a number that is not positive (\(formatNumber(x)))", at: a.locations[0]) }
            return .number(Foundation.log(x))
        case "exp": try a.expect(1); return .number(Foundation.exp(try a.number(0)))
        case "floor": try a.expect(1); return .number((try a.number(0)).rounded(.down))
        case "ceil": try a.expect(1); return .number((try a.number(0)).rounded(.up))
        case "round":
            try a.expect(1, 2)
            let x = try a.number(0)
            if a.count == 1 { return .number(x.rounded()) }
            // Doubles carry about 16 significant digits: more decimals change nothing, and
            // 10^digits would overflow to ∞ (giving nan) long before `digits` is absurd.
            let digits = min(try a.int(1), 15)
            let scale = pow(10, Double(digits))
            return .number((x * scale).rounded() / scale)
        default: throw unknownFunction(a)
        }
    }

    /// `min`, `max`, `sum`, `mean`, `std` of numbers; `paired` of two lists.
    private static func callStatistic(_ a: CallArguments) throws -> Value {
        switch a.function {
        case "min", "max":
            guard a.count >= 1 else { try a.expect(1, 99); return .nothing }
            let xs = try a.numberList()
            guard !xs.isEmpty else { throw LocatedError("`\(a.function)` of an empty list", at: a.locations[0]) }
            return .number(a.function == "min" ? xs.min()! : xs.max()!)
        case "sum":
            try a.expect(1)
            return .number(try a.numbers(0).reduce(0, +))
        case "mean":
            try a.expect(1)
            let xs = try a.numbers(0)
            guard !xs.isEmpty else { throw LocatedError("`mean` of an empty list", at: a.locations[0]) }
            return .number(xs.reduce(0, +) / Double(xs.count))
        case "std":
            try a.expect(1)
            let xs = try a.numbers(0)
            guard xs.count >= 2 else {
                throw LocatedError("`std` needs at least 2 numbers, got \(xs.count)", at: a.locations[0])
            }
            let m = xs.reduce(0, +) / Double(xs.count)
            return .number((xs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(xs.count - 1)).squareRoot())
        case "paired":
            try a.expect(2)
            let (x, y) = (try a.numbers(0), try a.numbers(1))
            guard x.count == y.count else {
                throw LocatedError("`paired` needs two lists of the same length (one value per seed), got \(x.count) and \(y.count)",
                                   at: a.locations[1])
            }
            return .paired(PairedDifference(x, y))
        default: throw unknownFunction(a)
        }
    }

    /// `len`, `list`, `append`: lists and the sizes of things.
    private static func callCollection(_ a: CallArguments) throws -> Value {
        switch a.function {
        case "len":
            try a.expect(1)
            switch a.values[0] {
            case .list(let items): return .number(Double(items.count))
            case .range(let lo, let hi): return .number(Double(max(0, hi - lo)))
            case .string(let s): return .number(Double(s.count))
            case .dataset(let d): return .number(Double(d.count))
            case .table(let t): return .number(Double(t.rows.count))
            case .images(let g): return .number(Double(g.images.count))
            case .curve(let c): return .number(Double(c.points.count))
            default:
                throw LocatedError("`len` needs a list, range, string, dataset, table or images, got \(a.values[0].typeWithArticle)",
                                   at: a.locations[0])
            }
        case "list":
            try a.expect(1)
            if case .list = a.values[0] { return a.values[0] }
            return .list(try a.numbers(0).map { .number($0) })
        case "append":
            try a.expect(2)
            guard case .list(let items) = a.values[0] else {
                throw LocatedError("`append` needs a list first, got \(a.values[0].typeWithArticle)", at: a.locations[0])
            }
            return .list(items + [a.values[1]])
        default: throw unknownFunction(a)
        }
    }

    /// `str`, `fmt`, `verdict`: values as text.
    private static func callText(_ a: CallArguments) throws -> Value {
        switch a.function {
        case "str": try a.expect(1); return .string(a.values[0].text)
        case "fmt":
            try a.expect(2)
            let digits = try a.int(1)
            guard (0...12).contains(digits) else {
                throw LocatedError("`fmt` digits must be between 0 and 12, got \(digits)", at: a.locations[1])
            }
            if case .bound(let b) = a.values[0] {
                return .string("\(formatFixed(b.value, digits)) ± \(formatFixed(b.se, digits))")
            }
            return .string(formatFixed(try a.number(0), digits))
        case "verdict":
            try a.expect(1)
            return .string(try a.bool(0) ? "holds" : "fails")
        default: throw unknownFunction(a)
        }
    }
}
