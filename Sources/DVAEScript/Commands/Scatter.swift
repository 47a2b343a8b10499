import DVAE
import DVAENotebook
import Foundation

/// `scatter`: the encoder means μ(x) of some examples as points, one colour and marker per label.
enum ScatterCommand: Command {
    static let spec = CommandSpec(
        name: "scatter", positional: ["M", "DATA"],
        keywords: [
            Keyword(name: "labels", slots: [.expr("LIST")], summary: "a label per example (default: the dataset's own, if it has them)"),
            Keyword(name: "noise", slots: [.noise], summary: "encode corrupted inputs x̃ instead"),
            CommandSpec.lawKeyword,
            Keyword(name: "seed", slots: [.expr("S")], summary: "random seed of the corruption (default: the global seed)"),
            Keyword(name: "title", slots: [.expr("TEXT")], summary: "the plot's title"),
        ],
        returnsValue: true,
        summary: "the latent means μ(x) as points coloured by label (a projection when L > 2)",
        usage: "scatter M DATA [labels LIST] [noise KIND LEVEL] [law textbook|authors] [seed S] [title TEXT]",
        details: ["With 2 latent units the axes are z₁ and z₂; with more, the two principal components of",
                  "the μ's (PCA; the axis labels say how much of their variance each keeps); with 1, z₁",
                  "against the label. The synthetic shapes carry their family as label (`d.test.labels`)."],
        example: "show scatter m d.test[0:300]")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.scatter(a) }
}

/// Principal components of a set of points, for a 2-D view of a latent space.
struct PrincipalComponents {
    /// The mean point.
    var mean: [Double]
    /// The first two principal directions (unit vectors).
    var directions: [[Double]]
    /// The share of the total variance along each direction.
    var shares: [Double]

    /// The components of `points` (n × d, d ≥ 2) by power iteration with deflation on the
    /// covariance (d is small: the latent size).
    init(_ points: [[Double]]) {
        let n = points.count, d = points.first?.count ?? 0
        mean = (0..<d).map { j in points.reduce(0) { $0 + $1[j] } / Double(max(n, 1)) }
        var cov = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for p in points {
            for a in 0..<d { for b in 0..<d { cov[a][b] += (p[a] - mean[a]) * (p[b] - mean[b]) / Double(max(n - 1, 1)) } }
        }
        let total = (0..<d).reduce(0) { $0 + cov[$1][$1] }
        directions = []
        shares = []
        for component in 0..<2 {
            // Start from a fixed vector not orthogonal to most directions; 200 steps converge for
            // any gap the plot could show.
            var v = (0..<d).map { 1 + Double(($0 + component) % 3) }
            var eigenvalue = 0.0
            for _ in 0..<200 {
                var w = (0..<d).map { a in (0..<d).reduce(0) { $0 + cov[a][$1] * v[$1] } }
                let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0 else { break }
                w = w.map { $0 / norm }
                eigenvalue = norm
                v = w
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            v = v.map { $0 / max(norm, 1e-300) }
            directions.append(v)
            shares.append(total > 0 ? eigenvalue / total : 0)
            // Deflate: remove this component from the covariance.
            for a in 0..<d { for b in 0..<d { cov[a][b] -= eigenvalue * v[a] * v[b] } }
        }
    }

    /// The coordinates of `p` along the two directions.
    func project(_ p: [Double]) -> (Double, Double) {
        let c = zip(p, mean).map { $0 - $1 }
        return (zip(c, directions[0]).reduce(0) { $0 + $1.0 * $1.1 }, zip(c, directions[1]).reduce(0) { $0 + $1.0 * $1.1 })
    }
}

extension Interpreter {
    /// The μ(x) of `DATA` under `M`'s encoder as a scatter plot, one series per label.
    func scatter(_ a: CommandArguments) throws -> Value {
        let (handle, _) = try a.model(0)
        let (data, dataAt) = try a.dataset(1, "the data to encode, e.g. d.test[0:300]")
        try CommandArguments.checkShape(data, fits: handle.model, at: dataAt)
        guard data.count <= 20_000 else {
            throw LocatedError("a scatter of \(data.count) points is too many to read (at most 20000)", at: dataAt,
                               suggestion: "slice the data, e.g. DATA[0:1000]")
        }
        var labels: [String]? = data.labels.map { $0.map { data.labelNames?[safe: $0] ?? String($0) } }
        if let (v, at) = try a.value("labels") {
            guard case .list(let items) = v, items.count == data.count else {
                var got = v.typeWithArticle
                if case .list(let items) = v { got = "a list of \(items.count)" }
                throw LocatedError("`labels` needs a list of \(data.count) labels, one per example, got \(got)", at: at)
            }
            labels = items.map { item in
                if case .number(let x) = item { return formatNumber(x) }
                if case .string(let s) = item { return s }
                return item.description
            }
        }
        let corruption = try a.noise() ?? Corruption.none
        var rng = RNG(seed: try a.seed())
        let input = corruption.isIdentity ? data.x : corruption.apply(data.x, rng: &rng)
        let (mu, _) = handle.model.encode(input)
        let points = (0..<mu.rows).map { mu.row($0).map(Double.init) }
        let latent = handle.model.config.latent
        var xs: [Double], ys: [Double], xLabel: String, yLabel: String
        let projection: String
        switch latent {
        case 1:
            xs = points.map { $0[0] }
            ys = (labels ?? []).isEmpty ? points.indices.map(Double.init) : []
            xLabel = "z₁ = μ₁(x)"
            yLabel = labels == nil ? "example" : "label"
            projection = "z₁"
        case 2:
            xs = points.map { $0[0] }
            ys = points.map { $0[1] }
            xLabel = "z₁ = μ₁(x)"
            yLabel = "z₂ = μ₂(x)"
            projection = "z₁, z₂"
        default:
            let pca = PrincipalComponents(points)
            let projected = points.map(pca.project)
            xs = projected.map(\.0)
            ys = projected.map(\.1)
            xLabel = "PC1 of μ(x): " + String(format: "%.0f", 100 * pca.shares[0]) + " % of the variance"
            yLabel = "PC2: " + String(format: "%.0f", 100 * pca.shares[1]) + " %"
            projection = "PCA of the \(latent) latent means"
        }
        // One series per label, in order of first appearance (points only, no lines).
        var order: [String] = []
        var groups: [String: [Int]] = [:]
        for i in 0..<points.count {
            let key = labels?[i] ?? "examples"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(i)
        }
        let labelValues = order.enumerated().reduce(into: [String: Double]()) { $0[$1.element] = Double($1.offset) }
        let series = order.map { key -> LinePlot.Series in
            let idx = groups[key]!
            let y = latent == 1 && labels != nil ? idx.map { _ in labelValues[key]! } : idx.map { ys[$0] }
            return LinePlot.Series(name: key, x: idx.map { xs[$0] }, y: y, pointsOnly: true)
        }
        let title: String
        if let (v, at) = try a.value("title") {
            guard case .string(let s) = v else { throw LocatedError("`title` needs a string, got \(v.typeWithArticle)", at: at) }
            title = s
        } else {
            title = "μ(x) of \(data.name)\(corruption.isIdentity ? "" : " (noise \(corruption))") — \(projection) (model: \(handle.trainingCaption))"
        }
        return .plot(LinePlot(title: title, xLabel: xLabel, yLabel: yLabel, series: series))
    }
}

extension Array {
    /// The element at `i`, or nil when out of range.
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
