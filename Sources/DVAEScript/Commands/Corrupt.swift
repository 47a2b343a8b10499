import DVAE
import Foundation

/// `corrupt`: a corrupted copy of a dataset.
enum CorruptCommand: Command {
    static let spec = CommandSpec(
        name: "corrupt", positional: ["DATA"],
        // One keyword per noise kind a script names that takes a level (`NoiseKind`), then `law` and `seed`.
        keywords: CorruptCommand.kinds.map { Keyword(name: $0.name, slots: [.expr($0.levelPlaceholder)], summary: $0.summary) }
            + [CommandSpec.lawKeyword, Keyword(name: "seed", slots: [.expr("S")], summary: "random seed (default: the global seed)")],
        returnsValue: true,
        summary: "a corrupted copy of a dataset",
        usage: "corrupt DATA " + CorruptCommand.kinds.map { "\($0.name) \($0.levelPlaceholder)" }.joined(separator: " | ") + " [law textbook|authors] [seed S]",
        example: "let noisy = corrupt mnist.test salt_pepper 0.1\nshow noisy[0:16]")

    /// The kinds `corrupt` names: those a script writes that take a level.
    static var kinds: [NoiseKind] { NoiseKind.scriptKinds.filter(\.takesLevel) }

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.corrupt(a) }
}

extension Interpreter {
    /// `corrupt DATA KIND LEVEL [law textbook|authors] [seed S]`, KIND one of `CorruptCommand.kinds`.
    func corrupt(_ a: CommandArguments) throws -> Value {
        let kinds = CorruptCommand.kinds.filter { a.has($0.name) }
        guard let kind = kinds.first else {
            let choices = CorruptCommand.kinds.map { "\($0.name) \($0.levelPlaceholder)" }
            throw LocatedError("`corrupt` needs a noise: \(choices.dropLast().joined(separator: ", ")) or \(choices.last!)",
                               at: a.call.location, suggestion: "for example: corrupt mnist.test salt_pepper 0.1")
        }
        if kinds.count > 1 {
            throw LocatedError("give one noise kind, not both `\(kinds[0].name)` and `\(kinds[1].name)`", at: a.location(of: kinds[1].name))
        }
        let (levelValue, levelAt) = try a.value(kind.name)!
        let corruption = try a.corruption(kind, level: levelValue, levelAt: levelAt, suggestion: "salt_pepper")
        var rng = RNG(seed: try a.seed())
        let (v, at) = try a.required(0, "a dataset")
        func apply(_ d: Dataset) -> Dataset {
            let out = d.count == 0 ? d.x : corruption.apply(d.x, rng: &rng)
            return Dataset(name: "\(d.name)+\(corruption.name) \(formatNumber(Double(levelValue.numeric ?? 0)))", x: out,
                           height: d.height, width: d.width, kind: d.kind)
        }
        switch v {
        case .splits(let s):
            return .splits(DataSplits(name: s.name, train: apply(s.train), valid: apply(s.valid), test: apply(s.test)))
        default:
            return .dataset(apply(try CommandArguments.dataset(v, at: at)))
        }
    }
}
