import Foundation
import DVAE

/// `seed`: set the global seed used when a command has no `seed`.
enum SeedCommand: Command {
    static let spec = CommandSpec(
        name: "seed", positional: ["N"], keywords: [], returnsValue: false,
        summary: "set the global seed used when a command has no `seed`",
        usage: "seed N",
        example: "seed 7")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.setSeed(a) }
}

extension Interpreter {
    /// `seed N`: resets the global seed.
    func setSeed(_ a: CommandArguments) throws -> Value {
        let (v, at) = try a.required(0, "a seed")
        globalSeed = UInt64(try CommandArguments.int(v, at: at, name: "the seed", minimum: 0, maximum: CommandArguments.maximumSeed))
        seedCounter = 0
        return .nothing
    }
}
