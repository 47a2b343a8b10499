import DVAE
/// One command of the language: its declaration and what it does.
///
/// Parsing is declarative: the parser reads a command's arguments by its `spec` (positional
/// arguments, keywords and their slots) into a `CommandCall`; `CommandArguments` gives `run`
/// typed, located access to them. Adding a command is one new file with one type conforming to
/// this protocol, and its line in `Commands.all`: the parser, `help`, completion and
/// did-you-mean all read that table.
protocol Command {
    /// The command's name, arguments and help.
    static var spec: CommandSpec { get }
    /// Checks the arguments and performs the command; returns `.nothing` for commands without a value.
    static func run(_ arguments: CommandArguments) throws -> Value
}

extension Command {
    /// Lets a command's `spec` write `Keyword(…)`.
    typealias Keyword = CommandSpec.Keyword
}

/// The registry: every command of the language, in the order `help commands` lists them.
enum Commands {
    /// Every command type.
    static let all: [any Command.Type] = [
        LoadCommand.self, CorruptCommand.self, ModelCommand.self, TrainCommand.self, ExperimentCommand.self,
        BoundCommand.self, SampleCommand.self, MarginalCommand.self, ReconstructCommand.self,
        SaveCommand.self, OpenCommand.self, TableCommand.self, PlotCommand.self, SeedCommand.self, RunCommand.self,
        VarsCommand.self, ExportCommand.self, EncodeCommand.self, ScatterCommand.self, InterpolateCommand.self,
    ]

    /// Every command's declaration, in the order of `all`.
    static let specs: [CommandSpec] = all.map { $0.spec }

    /// All command names, sorted.
    static let names: [String] = specs.map(\.name).sorted()

    private static let byName: [String: any Command.Type] = Dictionary(uniqueKeysWithValues: all.map { ($0.spec.name, $0) })

    /// The command named `name`.
    static func named(_ name: String) -> (any Command.Type)? { byName[name] }

    /// The declaration of the command named `name`.
    static func spec(named name: String) -> CommandSpec? { byName[name]?.spec }
}

extension Interpreter {
    /// Runs `call` and returns its value (`.nothing` for commands without one).
    func runCommand(_ call: CommandCall, in env: Environment) throws -> Value {
        guard let command = Commands.named(call.name) else {
            throw LocatedError("unknown command `\(call.name)`", at: call.location,
                               suggestion: Suggestions.didYouMean(call.name, in: Commands.names))
        }
        do {
            return try command.run(CommandArguments(call: call, spec: command.spec, interpreter: self, env: env))
        } catch let e as ResourceError {
            // Any allocation refused deeper down is located at the command that asked for it.
            throw Interpreter.locate(e, at: call.location)
        }
    }
}
