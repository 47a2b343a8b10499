import DVAE
import DVAENotebook

/// `sample M [N]` and `reconstruct M DATA [noise …]`.
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
            let c = handle.model.config
            return .images(ImageGrid(images: (0..<count).map { x.row($0) }, height: c.height, width: c.width,
                                     columns: columns, title: "\(count) samples from p(z)"))
        default:
            throw LocatedError("`sample` needs a model, got \(v.typeWithArticle)", at: at)
        }
    }

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
        let title = corruption.isIdentity ? "inputs / reconstructions" : "inputs / corrupted (\(corruption)) / reconstructions"
        return .images(ImageGrid(images: images, height: data.height, width: data.width, columns: group, title: title))
    }
}
