import DVAE
import DVAENotebook

/// `sample`: N pictures decoded from z ~ p(z) (default 64); for a linear-Gaussian model, N data points.
enum SampleCommand: Command {
    static let spec = CommandSpec(
        name: "sample", positional: ["M", "N"],
        keywords: [
            Keyword(name: "seed", slots: [.expr("S")], summary: "random seed (default: the global seed)"),
            Keyword(name: "columns", slots: [.expr("C")], summary: "pictures per row (default 8)"),
        ],
        returnsValue: true,
        summary: "N pictures decoded from z ~ p(z) (default 64); for a linear-Gaussian model, N data points",
        usage: "sample M [N] [seed S] [columns C]",
        details: ["`sample G N` with a linear-Gaussian model G gives a dataset of N points x ~ p(x) (one row each)."],
        example: "show sample m 64\nlet xs = sample g 100")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.sample(a) }
}

extension Interpreter {
    /// Pictures decoded from the prior (or data points from the linear-Gaussian model).
    func sample(_ a: CommandArguments) throws -> Value {
        let (v, at) = try a.required(0, "a model")
        var count = 64
        if let (n, nAt) = try a.positional(1) {
            count = try CommandArguments.int(n, at: nAt, name: "the number of samples", minimum: 1)
            guard count <= 10_000 else {
                throw LocatedError("\(count) samples is too many (at most 10000)", at: nAt)
            }
        }
        var rng = RNG(seed: try a.seed())
        switch v {
        case .exactModel(let g):
            try a.reject(["columns"], because: "applies only to pictures")
            let points = g.sampleData(count: count, rng: &rng)
            let x = Tensor(rows: count, cols: g.D, values: points.values.map(Float.init))
            return .dataset(Dataset(name: "linear_gaussian.samples", x: x, height: 1, width: g.D, kind: .continuous))
        case .model(let handle):
            let columns = try a.int("columns", default: min(8, count), minimum: 1)
            let x = handle.model.sample(count: count, rng: &rng)
            warnIfNotFinite(x, pictures: "samples", of: handle, at: a.call.location)
            let c = handle.model.config
            return .images(ImageGrid(images: (0..<count).map { x.row($0) }, height: c.height, width: c.width,
                                     columns: columns, title: "\(count) samples from p(z) (model: \(handle.trainingCaption))"))
        default:
            throw LocatedError("`sample` needs a model, got \(v.typeWithArticle)", at: at)
        }
    }
}
