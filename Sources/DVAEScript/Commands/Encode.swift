import DVAE
import Foundation

/// `encode`: the encoder's answer q(z|x) = N(μ(x), diag σ²(x)) for each example, as values.
enum EncodeCommand: Command {
    static let spec = CommandSpec(
        name: "encode", positional: ["M", "DATA"],
        keywords: [
            Keyword(name: "noise", slots: [.noise], summary: "encode a corrupted x̃ instead (one corruption per example)"),
            CommandSpec.lawKeyword,
            Keyword(name: "seed", slots: [.expr("S")], summary: "random seed of the corruption (default: the global seed)"),
        ],
        returnsValue: true,
        summary: "the encoder's μ(x) and σ(x) for each example, as values",
        usage: "encode M DATA|X [noise KIND LEVEL] [law textbook|authors] [seed S]",
        details: ["DATA is a dataset; X one example as a list of numbers.",
                  "`.mu` and `.sigma`: one list of L numbers per example (for one example, that list);",
                  "`.count` and `.latent` give the sizes. See also `scatter` (a picture of the μ's)."],
        example: "let e = encode m d.test[0]\nprint e.mu, e.sigma")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.encode(a) }
}

/// The encoder's means and standard deviations for some examples.
struct EncodingValue: CustomStringConvertible {
    /// μ(x) per example, per latent unit.
    var mu: [[Double]]
    /// σ(x) per example, per latent unit.
    var sigma: [[Double]]
    /// What was encoded (data, noise, model).
    var title: String

    /// Most examples the description lists.
    static let shown = 8

    /// A header and one line per example (the first few).
    var description: String {
        func fmt(_ xs: [Double]) -> String { "[" + xs.map { formatFixed($0, 3) }.joined(separator: " ") + "]" }
        var lines = ["\(title): \(mu.count) example\(mu.count == 1 ? "" : "s"), latent \(mu.first?.count ?? 0)"]
        for i in 0..<min(mu.count, Self.shown) {
            lines.append("  \(i): μ \(fmt(mu[i]))  σ \(fmt(sigma[i]))")
        }
        if mu.count > Self.shown { lines.append("  … \(mu.count - Self.shown) more (`.mu`, `.sigma`)") }
        return lines.joined(separator: "\n")
    }

    /// Rows as values: a list per example, or the one list for a single example.
    static func rows(_ xs: [[Double]]) -> Value {
        let lists = xs.map { Value.list($0.map { .number($0) }) }
        return lists.count == 1 ? lists[0] : .list(lists)
    }
}

extension EncodingValue: HasMembers {
    /// `e.mu` …
    static let members: [Member<EncodingValue>] = [
        Member("mu", "μ(x): a list of L numbers per example (one example: that list)") { rows($0.mu) },
        Member("sigma", "σ(x): a list of L numbers per example (one example: that list)") { rows($0.sigma) },
        Member("count", "number of examples") { .number(Double($0.mu.count)) },
        Member("latent", "number of latent units L") { .number(Double($0.mu.first?.count ?? 0)) },
    ]
}

extension Interpreter {
    /// μ(x) and σ(x) = exp(½ log σ²(x)) of `M`'s encoder for each example of `DATA` (of a
    /// corrupted copy with `noise`).
    func encode(_ a: CommandArguments) throws -> Value {
        let (handle, _) = try a.model(0)
        let (value, dataAt) = try a.required(1, "the data to encode, e.g. d.test[0:8]")
        let data: Dataset
        if case .list = value {
            // One example written as numbers (as `marginal … at X` takes it), e.g. a flip pattern.
            let x = try CallArguments(function: "encode", values: [value], locations: [dataAt], location: dataAt).numbers(0)
            guard x.count == handle.model.config.inputSize else {
                throw LocatedError("shape mismatch: the example has \(x.count) values but the model takes \(handle.model.config.inputSize)",
                                   at: dataAt)
            }
            data = Dataset(name: "the example", x: Tensor(rows: 1, cols: x.count, values: x.map(Float.init)),
                           height: 1, width: x.count, kind: .continuous)
        } else {
            data = try CommandArguments.dataset(value, at: dataAt)
        }
        try CommandArguments.checkShape(data, fits: handle.model, at: dataAt)
        let corruption = try a.noise() ?? Corruption.none
        var rng = RNG(seed: try a.seed())
        let input = corruption.isIdentity ? data.x : corruption.apply(data.x, rng: &rng)
        let (mu, logVar) = handle.model.encode(input)
        let rows = (0..<mu.rows).map { mu.row($0).map(Double.init) }
        let sigmas = (0..<logVar.rows).map { logVar.row($0).map { exp(0.5 * Double($0)) } }
        let title = "q(z|x) of the model (\(handle.trainingCaption)) on \(data.name)" + (corruption.isIdentity ? "" : ", noise \(corruption)")
        return .encoding(EncodingValue(mu: rows, sigma: sigmas, title: title))
    }
}
