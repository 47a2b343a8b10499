import DVAE

/// The interpreter's side of the memory budget: every command that allocates in proportion to a
/// size from the script or a file measures the bytes first and refuses, at the argument that
/// asked for them, what exceeds `InterpreterOptions.budget`.
extension Interpreter {
    /// The budget commands allocate within.
    var budget: MemoryBudget { options.budget }

    /// Throws a located error when `bytes` (nil: beyond counting) exceeds the budget.
    /// `what` names the allocation ("this model's parameters, gradients and Adam state");
    /// `fix` says how to ask for less.
    func checkBudget(_ bytes: Int?, for what: String, at location: SourceLocation, fix: String) throws {
        do {
            try budget.check(bytes, for: what)
        } catch let e as ResourceError {
            throw Interpreter.locate(e, at: location, fix: fix)
        }
    }

    /// A `ResourceError` as a located error with a hint.
    static func locate(_ e: ResourceError, at location: SourceLocation, fix: String? = nil) -> LocatedError {
        LocatedError(e.description, at: location,
                     suggestion: (fix.map { $0 + ", or " } ?? "") + "raise the limit with `dvae --max-memory SIZE`")
    }
}
