import DVAE
import Foundation

/// `corrupt`: a corrupted copy of a dataset.
enum CorruptCommand: Command {
    static let spec = CommandSpec(
        name: "corrupt", positional: ["DATA"],
        keywords: [
            Keyword(name: "salt_pepper", slots: [.expr("P")], summary: "replace each pixel by 0 or 1 with probability P"),
            Keyword(name: "salt_pepper_authors", slots: [.expr("P")],
                    summary: "the authors' law: replace each pixel with probability P by a bit that is 1 with probability P"),
            Keyword(name: "bitflip", slots: [.expr("P")], summary: "flip each binary pixel with probability P"),
            Keyword(name: "gaussian", slots: [.expr("SIGMA")], summary: "add N(0, SIGMA²) noise to each pixel"),
            Keyword(name: "seed", slots: [.expr("S")], summary: "random seed (default: the global seed)"),
        ],
        returnsValue: true,
        summary: "a corrupted copy of a dataset",
        usage: "corrupt DATA salt_pepper P | salt_pepper_authors P | bitflip P | gaussian SIGMA [seed S]",
        example: "let noisy = corrupt mnist.test salt_pepper 0.1\nshow noisy[0:16]")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.corrupt(a) }
}

extension Interpreter {
    /// `corrupt DATA salt_pepper P | salt_pepper_authors P | bitflip P | gaussian SIGMA [seed S]`.
    func corrupt(_ a: CommandArguments) throws -> Value {
        let kinds = ["salt_pepper", "salt_pepper_authors", "bitflip", "gaussian"].filter(a.has)
        guard let kind = kinds.first else {
            throw LocatedError("`corrupt` needs a noise: salt_pepper P, bitflip P or gaussian SIGMA", at: a.call.location,
                               suggestion: "for example: corrupt mnist.test salt_pepper 0.1")
        }
        if kinds.count > 1 {
            throw LocatedError("give one noise kind, not both `\(kinds[0])` and `\(kinds[1])`", at: a.location(of: kinds[1]))
        }
        let (levelValue, levelAt) = try a.value(kind)!
        let corruption = try CommandArguments.corruption(kind, at: a.location(of: kind), level: levelValue, levelAt: levelAt)
        var rng = RNG(seed: try a.seed())
        let (v, at) = try a.required(0, "a dataset")
        func apply(_ d: Dataset) -> Dataset {
            let out = d.count == 0 ? d.x : corruption.apply(d.x, rng: &rng)
            return Dataset(name: "\(d.name)+\(kind) \(formatNumber(Double(levelValue.numeric ?? 0)))", x: out,
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
