/// A binary operator: arithmetic or a comparison. (`and` and `or` short-circuit: `LogicalOperator`.)
enum BinaryOperator: String, CaseIterable {
    /// `+`: numbers add; strings and lists join.
    case add = "+"
    /// `-`.
    case subtract = "-"
    /// `*`.
    case multiply = "*"
    /// `/` (division by zero is an error).
    case divide = "/"
    /// `%`, the truncating remainder (by zero is an error).
    case remainder = "%"
    /// `^`, right-associative.
    case power = "^"
    /// `<`.
    case less = "<"
    /// `<=`.
    case lessOrEqual = "<="
    /// `>`.
    case greater = ">"
    /// `>=`.
    case greaterOrEqual = ">="
    /// `==`, on any two values of one type.
    case equal = "=="
    /// `!=`.
    case notEqual = "!="

    /// The operator spelled `symbol`, if any.
    init?(symbol: String) { self.init(rawValue: symbol) }

    /// The source spelling.
    var symbol: String { rawValue }

    /// True for `<`, `<=`, `>`, `>=`, `==`, `!=` (which give true/false and cannot be chained).
    var isComparison: Bool {
        switch self {
        case .less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .notEqual: return true
        case .add, .subtract, .multiply, .divide, .remainder, .power: return false
        }
    }

    /// Binding strength, as in the grammar (higher binds tighter; ranges are 6, unary minus 9).
    var precedence: Int {
        switch self {
        case .less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .notEqual: return 5
        case .add, .subtract: return 7
        case .multiply, .divide, .remainder: return 8
        case .power: return 10
        }
    }
}

/// A prefix operator.
enum UnaryOperator: String, CaseIterable {
    /// `-x` on a number.
    case negate = "-"
    /// `not b` on true/false.
    case not = "not"

    /// Binding strength (see `BinaryOperator.precedence`).
    var precedence: Int {
        switch self {
        case .not: return 4
        case .negate: return 9
        }
    }

    /// The source spelling in front of its operand (`not ` with its space).
    var prefix: String {
        switch self {
        case .not: return "not "
        case .negate: return "-"
        }
    }
}

/// `and` / `or`: both sides true/false, the right one evaluated only when needed.
enum LogicalOperator: String, CaseIterable {
    /// `a and b`.
    case and
    /// `a or b`.
    case or

    /// Binding strength (see `BinaryOperator.precedence`).
    var precedence: Int {
        switch self {
        case .or: return 2
        case .and: return 3
        }
    }
}
