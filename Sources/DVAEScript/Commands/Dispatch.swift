/// Routes a parsed command to its implementation (one file per command family).
extension Interpreter {
    /// Runs `call` and returns its value (`.nothing` for commands without one).
    func runCommand(_ call: CommandCall, in env: Environment) throws -> Value {
        guard let spec = CommandSpec.named(call.name) else {
            throw LocatedError("unknown command `\(call.name)`", at: call.location,
                               suggestion: Suggestions.didYouMean(call.name, in: CommandSpec.names))
        }
        let args = CommandArguments(call: call, spec: spec, interpreter: self, env: env)
        switch call.name {
        case "load": return try load(args)
        case "corrupt": return try corrupt(args)
        case "model": return try makeModel(args)
        case "train": return try train(args)
        case "bound": return try bound(args)
        case "experiment": return try experiment(args)
        case "marginal": return try marginal(args)
        case "sample": return try sample(args)
        case "reconstruct": return try reconstruct(args)
        case "save": return try save(args)
        case "open": return try open(args)
        case "table": return try table(args)
        case "seed": return try setSeed(args)
        case "run": return try runNotebook(args)
        case "vars": return listVariables(env)
        default:
            throw LocatedError("`\(call.name)` is not implemented", at: call.location)
        }
    }
}
