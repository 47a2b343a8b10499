import DVAE
import DVAENotebook

/// `interpolate`: decoded points on the straight line between two examples' latent means.
enum InterpolateCommand: Command {
    static let spec = CommandSpec(
        name: "interpolate", positional: ["M", "A", "B"],
        keywords: [
            Keyword(name: "steps", slots: [.expr("N")], summary: "decoded points between A and B, ends included (default 8)"),
        ],
        returnsValue: true,
        summary: "a row of pictures: A, the decoded means along μ(A) → μ(B), then B",
        usage: "interpolate M A B [steps N]",
        details: ["A and B are one example each (e.g. d.test[0], d.test[7]). Point t of N is the decoder mean",
                  "E[x|z] at z = (1 − t) μ(A) + t μ(B), t = 0, 1/(N−1), …, 1; the inputs frame the row."],
        example: "show interpolate m d.test[0] d.test[7] steps 10")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.interpolate(a) }
}

extension Interpreter {
    /// The row of pictures of `interpolate`.
    func interpolate(_ a: CommandArguments) throws -> Value {
        let (handle, _) = try a.model(0)
        let (first, firstAt) = try a.dataset(1, "the first example, e.g. d.test[0]")
        let (second, secondAt) = try a.dataset(2, "the second example, e.g. d.test[7]")
        for (d, at) in [(first, firstAt), (second, secondAt)] {
            try CommandArguments.checkShape(d, fits: handle.model, at: at)
            guard d.count == 1 else {
                throw LocatedError("`interpolate` needs one example at each end, got \(d.count)", at: at,
                                   suggestion: "index one example, e.g. d.test[0]")
            }
        }
        let steps = try a.int("steps", default: 8, minimum: 2, maximum: 64)
        let model = handle.model
        let (muA, _) = model.encode(first.x)
        let (muB, _) = model.encode(second.x)
        let latent = model.config.latent
        let z = Tensor(rows: steps, cols: latent)
        for s in 0..<steps {
            let t = Float(s) / Float(steps - 1)
            for j in 0..<latent { z.data[s * latent + j] = (1 - t) * muA.data[j] + t * muB.data[j] }
        }
        let decoded = model.decodeMean(z)
        warnIfNotFinite(decoded, pictures: "decoded points", of: handle, at: a.call.location)
        var images = [first.image(0)]
        images += (0..<steps).map { decoded.row($0) }
        images.append(second.image(0))
        let title = "\(first.name) → \(second.name): the inputs, and \(steps) decoded means along μ(A) → μ(B) "
            + "(model: \(handle.trainingCaption))"
        return .images(ImageGrid(images: images, height: first.height, width: first.width, columns: images.count, title: title))
    }
}
