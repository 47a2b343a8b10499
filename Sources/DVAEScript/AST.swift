import DVAE

/// The syntax tree of a dvae script: statements made of expressions; commands are expressions.

/// An expression with the location of its first (or operator) token.
struct Expr {
    /// What the expression is.
    indirect enum Kind {
        /// A number literal.
        case number(Double)
        /// A string literal.
        case string(String)
        /// `true` or `false`.
        case bool(Bool)
        /// `nothing`: the value of a member with nothing to give (`r.checkpoint` of a cell whose
        /// model is not kept) and of statements such as `print`, so a script can test for it.
        case nothing
        /// A variable reference.
        case variable(String)
        /// `[a b c]` or `[a, b, c]`.
        case list([Expr])
        /// `lo:hi`, half-open; either end may be missing inside `[…]` indexing.
        case range(Expr?, Expr?)
        /// `-x` or `not x`.
        case unary(UnaryOperator, Expr)
        /// `a op b` for arithmetic and comparison operators.
        case binary(BinaryOperator, Expr, Expr)
        /// `a and b`, `a or b` (short-circuit).
        case logical(LogicalOperator, Expr, Expr)
        /// `x.name`.
        case member(Expr, String)
        /// `x[i]` or `x[lo:hi]`.
        case index(Expr, Expr)
        /// `f(a, b)` — a built-in function.
        case call(String, [Expr])
        /// `x.f(a, b)` — a method (such as `t.add(…)` on a table).
        case method(Expr, String, [Expr])
        /// `if c then a else b`.
        case conditional(Expr, Expr, Expr)
        /// A command used for its value, such as `bound m on data elbo`.
        case command(CommandCall)
    }
    /// The node.
    var kind: Kind
    /// Where it is (for binary operators: the operator).
    var location: SourceLocation
}

extension Expr {
    /// For `x.a[0].f(…)`: the innermost object `x` and the member, index and method links above
    /// it, outermost first — collected by a loop, so a chain of any length costs no recursion.
    var postfixChain: (base: Expr, links: [Expr]) {
        var links: [Expr] = []
        var e = self
        while true {
            switch e.kind {
            case .member(let o, _), .index(let o, _), .method(let o, _, _):
                links.append(e)
                e = o
            default:
                return (e, links)
            }
        }
    }
}

/// One value given to a command argument: an expression, or a bare word from a fixed set.
enum ArgumentValue {
    /// An expression such as `5`, `mnist.train` or `[200 200]`.
    case expr(Expr)
    /// A bare word such as `bernoulli` or `salt_pepper`.
    case word(String, SourceLocation)
    /// The kind after `noise`, resolved once by the parser from its word (`salt_pepper`).
    case noiseKind(NoiseKind, SourceLocation)

    /// Where the value is.
    var location: SourceLocation {
        switch self {
        case .expr(let e): return e.location
        case .word(_, let l), .noiseKind(_, let l): return l
        }
    }
}

/// A keyword argument of a command: `epochs 5`, `noise salt_pepper 0.05`, `elbo`.
struct KeywordArgument {
    /// The keyword.
    var name: String
    /// Where the keyword is.
    var location: SourceLocation
    /// Its values, as declared by the command's `KeywordSpec`.
    var values: [ArgumentValue]
}

/// A parsed command: `train m on mnist.train epochs 5`.
struct CommandCall {
    /// The command name.
    var name: String
    /// Where the command name is.
    var location: SourceLocation
    /// Arguments that are not introduced by a keyword, in order.
    var positional: [Expr]
    /// Keyword arguments, in source order.
    var keywords: [KeywordArgument]
}

/// A statement with the location of its first token.
struct Stmt {
    /// What the statement is.
    indirect enum Kind {
        /// `let name = expr` — binds (or re-binds) in the current scope.
        case `let`(String, SourceLocation, Expr)
        /// `set name = expr` — updates an existing binding in the nearest scope that has it.
        case set(String, SourceLocation, Expr)
        /// An expression or command on its own; a value other than nothing is displayed.
        case expression(Expr)
        /// `print a, b, …`.
        case print([Expr])
        /// `show a, b, …` — pictures for images, plots for reports and curves.
        case show([Expr])
        /// `assert cond [, message]`.
        case assert(Expr, Expr?)
        /// `for x in xs { … }`.
        case `for`(String, SourceLocation, Expr, [Stmt])
        /// `if c { … } else { … }`.
        case `if`(Expr, [Stmt], [Stmt]?)
        /// `help` or `help topic` (also written `?topic`).
        case help(String?, SourceLocation?)
        /// `time STATEMENT`: run the statement, then print its wall time.
        case time(Stmt)
        /// `exit` or `quit`: end the session (or the script or notebook) here, without error.
        case exit
    }
    /// The node.
    var kind: Kind
    /// Where it starts.
    var location: SourceLocation
}
