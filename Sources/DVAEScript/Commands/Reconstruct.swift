import DVAE
import DVAENotebook

/// `reconstruct`: inputs, corrupted inputs and reconstructions, row by row.
enum ReconstructCommand: Command {
    static let spec = CommandSpec(
        name: "reconstruct", positional: ["M", "DATA"],
        keywords: [
            Keyword(name: "noise", slots: [.noise], summary: "corrupt the inputs first (shows the corrupted row too)"),
            CommandSpec.lawKeyword,
            Keyword(name: "seed", slots: [.expr("S")], summary: "random seed (default: the global seed)"),
        ],
        returnsValue: true,
        summary: "inputs, corrupted inputs and reconstructions, row by row",
        usage: "reconstruct M DATA [noise KIND LEVEL] [law textbook|authors] [seed S]",
        example: "reconstruct m mnist.test[0:8] noise salt_pepper 0.1")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.reconstruct(a) }
}

extension Interpreter {
    /// Inputs, corrupted inputs (with `noise`) and reconstructions, one row each per group of 16.
    func reconstruct(_ a: CommandArguments) throws -> Value {
        let (handle, _) = try a.model(0)
        let (data, dataAt) = try a.dataset(1, "data to reconstruct, e.g. mnist.test[0:8]")
        try CommandArguments.checkShape(data, fits: handle.model, at: dataAt)
        guard data.count <= 256 else {
            throw LocatedError("reconstructing \(data.count) examples makes too large a picture (at most 256)", at: dataAt,
                               suggestion: "slice the data, e.g. DATA[0:16]")
        }
        let corruption = try a.noise() ?? Corruption.none
        var rng = RNG(seed: try a.seed())
        let input = corruption.isIdentity ? data.x : corruption.apply(data.x, rng: &rng)
        let output = handle.model.reconstruct(input, rng: &rng)
        warnIfNotFinite(output, pictures: "reconstructions", of: handle, at: a.call.location)
        let group = min(16, data.count)
        var images: [[Float]] = []
        var start = 0
        while start < data.count {
            let end = min(data.count, start + group)
            func row(_ t: Tensor) {
                for i in start..<end { images.append(t.row(i)) }
                for _ in end..<(start + group) { images.append([Float](repeating: 0, count: data.dimension)) }
            }
            row(data.x)
            if !corruption.isIdentity { row(input) }
            row(output)
            start = end
        }
        // The model in the caption: two reconstructions side by side must not read the same.
        let title = (corruption.isIdentity ? "inputs / reconstructions" : "inputs / corrupted (\(corruption)) / reconstructions")
            + " (model: \(handle.trainingCaption))"
        return .images(ImageGrid(images: images, height: data.height, width: data.width, columns: group, title: title))
    }
}
