import DVAE
import DVAENotebook
import Foundation

/// `marginal`: statistics of the marginal encoder q̃(z|x) = ∫ q(z|x̃) p(x̃|x) dx̃.
enum MarginalCommand: Command {
    static let spec = CommandSpec(
        name: "marginal", positional: ["ENC"],
        keywords: [
            Keyword(name: "at", slots: [.expr("X")], summary: "the clean input x: a list of numbers or a one-example dataset"),
            Keyword(name: "noise", slots: [.noise], summary: "the corruption p(x̃|x)"),
            CommandSpec.lawKeyword,
            Keyword(name: "samples", slots: [.expr("N")], summary: "draws of z ~ q̃(z|x) (default 5000)"),
            Keyword(name: "enumerate", slots: [], summary: "Example 1: enumerate every x̃ (binary x, D ≤ 16) into an exact mixture"),
            Keyword(name: "seed", slots: [.expr("S")], summary: "random seed (default: the global seed)"),
        ],
        returnsValue: true,
        summary: "statistics of the marginal encoder q̃(z|x) = ∫ q(z|x̃) p(x̃|x) dx̃",
        usage: "marginal ENC at X noise KIND LEVEL [law textbook|authors] [samples N] [enumerate] [seed S]",
        details: [
            "ENC is a model (its encoder), a linear-Gaussian model, or `example2`: the scalar",
            "non-linear encoder μ = tanh(2x̃), σ² = 0.1 + x̃²: our instance of the paper's",
            "Example 2, which names no particular function.",
            "The result has .mean .variance .skewness .kurtosis (lists, one entry per latent unit),",
            ".jb_p (Jarque–Bera p-values), .mardia_skew_p, .mardia_kurt_p, .normal_p (the smallest",
            "p-value: small means \"not Gaussian\"), .count, and .components with `enumerate`.",
        ],
        example: "let q = marginal example2 at [0.3] noise gaussian 0.5 samples 20000\nprint verdict(q.normal_p < 0.01), q")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.marginal(a) }
}

/// Moment and normality statistics of samples of the marginal encoder q̃(z|x).
struct StatisticsValue: CustomStringConvertible {
    /// The engine's statistics of the draws.
    var moments: MomentStatistics
    /// Mixture components when q̃ was enumerated exactly (Example 1), else nil.
    var components: Int?
    /// What was sampled, for the description.
    var title: String
    /// The draws of the first latent unit, kept for `show` (a histogram).
    var firstUnit: [Double] = []

    /// The smallest normality p-value (per-dimension Jarque–Bera and Mardia's two tests).
    var normalP: Double {
        (moments.jarqueBeraPValue + [moments.mardiaSkewnessPValue, moments.mardiaKurtosisPValue]).filter { !$0.isNaN }.min() ?? .nan
    }

    /// A few lines: sizes, moments per latent unit, the tests.
    var description: String {
        func fmt(_ xs: [Double]) -> String { "[" + xs.map { formatFixed($0, 3) }.joined(separator: " ") + "]" }
        var lines = ["\(title): \(moments.count) draws" + (components.map { ", mixture of \($0) Gaussians" } ?? "")]
        lines.append("  mean \(fmt(moments.mean))  variance \(fmt(moments.covariance.diagonalValues))")
        lines.append("  skewness \(fmt(moments.skewness))  excess kurtosis \(fmt(moments.excessKurtosis))")
        lines.append("  normality p-values: Jarque–Bera \(fmt(moments.jarqueBeraPValue)), Mardia skew "
                     + "\(formatFixed(moments.mardiaSkewnessPValue, 3)), kurtosis \(formatFixed(moments.mardiaKurtosisPValue, 3))")
        return lines.joined(separator: "\n")
    }
}

extension StatisticsValue {
    /// A histogram of the first latent unit's draws (as a density), beside the Gaussian with the
    /// same mean and variance: where q̃ is Gaussian the two lines lie on each other; a mixture or
    /// a skewed marginal shows at a glance.
    var histogram: LinePlot {
        let xs = firstUnit.filter(\.isFinite)
        let n = Double(xs.count)
        let mean = xs.reduce(0, +) / max(n, 1)
        let sd = (xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(n - 1, 1)).squareRoot()
        let lo = max(xs.min() ?? -1, mean - 5 * sd), hi = min(xs.max() ?? 1, mean + 5 * sd)
        let bins = 40, width = max(hi - lo, 1e-12) / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        for x in xs where x >= lo && x <= hi { counts[min(bins - 1, Int((x - lo) / width))] += 1 }
        let centres = (0..<bins).map { lo + (Double($0) + 0.5) * width }
        let density = counts.map { $0 / (max(n, 1) * width) }
        let gauss = centres.map { c in exp(-0.5 * (c - mean) * (c - mean) / max(sd * sd, 1e-300)) / (max(sd, 1e-150) * (2 * Double.pi).squareRoot()) }
        return LinePlot(title: "z₁ of " + (title.components(separatedBy: ", ").first ?? title), xLabel: "z₁", yLabel: "density",
                        series: [LinePlot.Series(name: "sampled q̃(z|x)", x: centres, y: density),
                                 LinePlot.Series(name: "Gaussian, same mean and variance", x: centres, y: gauss)])
    }
}

extension Interpreter {
    /// An encoder as `marginal` uses it: (μ, log σ²) for each of a batch of corrupted inputs.
    typealias MarginalEncoder = ([[Double]]) -> [(mu: [Double], logVar: [Double])]

    /// `marginal ENC at X noise KIND LEVEL [samples N] [enumerate] [seed S]`.
    func marginal(_ a: CommandArguments) throws -> Value {
        guard let first = a.call.positional.first else {
            throw LocatedError("`marginal` needs an encoder: a model, a linear-Gaussian model or `example2`", at: a.call.location,
                               suggestion: "usage: \(a.spec.usage)")
        }
        let (x, xAt) = try marginalInput(a)
        guard let corruption = try a.noise() else {
            throw LocatedError("`marginal` needs a `noise`", at: a.call.location, suggestion: "for example: noise gaussian 0.5")
        }
        let count = try a.int("samples", default: 5000, minimum: 10)
        guard count <= 1_000_000 else { throw LocatedError("`samples` is at most 1000000", at: a.location(of: "samples")) }
        var rng = RNG(seed: try a.seed())
        let (encode, name) = try marginalEncoder(first, x: x, xAt: xAt, a)
        if a.has("enumerate") {
            return try enumeratedMarginal(x, xAt: xAt, corruption: corruption, encode: encode, name: name, count: count, rng: &rng, a)
        }
        return sampledMarginal(x, corruption: corruption, encode: encode, name: name, count: count, rng: &rng)
    }

    /// `at X`: the clean input, a list of numbers or a one-example dataset.
    private func marginalInput(_ a: CommandArguments) throws -> ([Double], SourceLocation) {
        guard let (xValue, xAt) = try a.value("at") else {
            throw LocatedError("`marginal` needs the clean input", at: a.call.location, suggestion: "write: at [0.3] or at data[0]")
        }
        var x: [Double]
        switch xValue {
        case .list:
            x = try CallArguments(function: "at", values: [xValue], locations: [xAt], location: xAt).numbers(0)
        case .dataset(let d):
            guard d.count == 1 else {
                throw LocatedError("`at` needs one example, got a dataset of \(d.count)", at: xAt, suggestion: "pick one: DATA[0]")
            }
            x = d.x.row(0).map(Double.init)
        default:
            throw LocatedError("`at` needs a list of numbers or a one-example dataset, got \(xValue.typeWithArticle)", at: xAt)
        }
        guard !x.isEmpty else { throw LocatedError("`at` needs at least one number", at: xAt) }
        return (x, xAt)
    }

    /// The encoder named by `first` — Example 2's scalar one, a linear-Gaussian model's or a
    /// model's — checked against the input's size, with its title.
    private func marginalEncoder(_ first: Expr, x: [Double], xAt: SourceLocation,
                                 _ a: CommandArguments) throws -> (MarginalEncoder, String) {
        if case .variable("example2") = first.kind, a.env.lookup("example2") == nil {
            guard x.count == 1 else {
                throw LocatedError("`example2` is a scalar encoder: `at` needs one number, got \(x.count)", at: xAt)
            }
            return ({ $0.map { xt in ([tanh(2 * xt[0])], [log(0.1 + xt[0] * xt[0])]) } }, "q̃(z|x) of Example 2's non-linear encoder")
        }
        let v = try evaluate(first, in: a.env)
        switch v {
        case .exactModel(let g):
            guard x.count == g.D else {
                throw LocatedError("shape mismatch: `at` has \(x.count) values but the model has D = \(g.D)", at: xAt)
            }
            let logV = g.Vdiag.map { log($0) }
            return ({ $0.map { xt in (g.encoderMean(xt), logV) } }, "q̃(z|x) of the linear-Gaussian encoder")
        case .model(let handle):
            guard x.count == handle.model.config.inputSize else {
                throw LocatedError("shape mismatch: `at` has \(x.count) values but the model expects \(handle.model.config.inputSize)",
                                   at: xAt)
            }
            let model = handle.model
            let encode: MarginalEncoder = { rows in
                let t = Tensor(rows: rows.count, cols: x.count, values: rows.flatMap { $0.map(Float.init) })
                let (mu, lv) = model.encode(t)
                return (0..<rows.count).map { i in (mu.row(i).map(Double.init), lv.row(i).map(Double.init)) }
            }
            return (encode, "q̃(z|x) of the model's encoder")
        default:
            throw LocatedError("`marginal` needs an encoder (a model, a linear-Gaussian model or `example2`), got \(v.typeWithArticle)",
                               at: first.location)
        }
    }

    /// `enumerate`: the exact mixture over every corrupted input of a binary `x` (a discrete
    /// corruption), sampled `count` times.
    private func enumeratedMarginal(_ x: [Double], xAt: SourceLocation, corruption: Corruption, encode: MarginalEncoder,
                                    name: String, count: Int, rng: inout RNG, _ a: CommandArguments) throws -> Value {
        guard corruption.isDiscrete else {
            throw LocatedError("`enumerate` needs a discrete corruption (bitflip or salt_pepper); Gaussian noise has infinitely many outcomes",
                               at: a.location(of: "enumerate"))
        }
        guard x.allSatisfy({ $0 == 0 || $0 == 1 }) else {
            throw LocatedError("`enumerate` needs a binary input (every value 0 or 1)", at: xAt)
        }
        guard x.count <= Corruption.maximumEnumerationDimension else {
            throw LocatedError("`enumerate` lists 2^D corrupted inputs: D = \(x.count) is too large (at most \(Corruption.maximumEnumerationDimension))",
                               at: xAt)
        }
        let outcomes: [(xTilde: [Float], probability: Double)]
        do {
            outcomes = try corruption.enumerateCorruptions(of: x.map(Float.init))
        } catch {
            throw LocatedError("cannot enumerate: \(error)", at: a.location(of: "enumerate"))
        }
        let encoded = encode(outcomes.map { $0.xTilde.map(Double.init) })
        let mixture = GaussianMixture(weights: outcomes.map(\.probability), means: encoded.map(\.mu),
                                      logVariances: encoded.map(\.logVar))
        let draws = mixture.sample(count: count, rng: &rng)
        return .statistics(StatisticsValue(moments: MomentStatistics(samples: draws), components: mixture.weights.count,
                                           title: name + ", noise \(corruption), enumerated", firstUnit: (0..<draws.rows).map { draws[$0, 0] }))
    }

    /// Monte Carlo: x̃ ~ p(x̃|x), then z ~ q(z|x̃), `count` draws in batches of 1000.
    private func sampledMarginal(_ x: [Double], corruption: Corruption, encode: MarginalEncoder, name: String,
                                 count: Int, rng: inout RNG) -> Value {
        var draws = DenseMatrix(rows: count, cols: 0)
        var filled = 0
        let xTensor = Tensor(rows: 1, cols: x.count, values: x.map(Float.init))
        while filled < count {
            let n = min(1000, count - filled)
            var rows: [[Double]] = []
            rows.reserveCapacity(n)
            for _ in 0..<n { rows.append(corruption.apply(xTensor, rng: &rng).row(0).map(Double.init)) }
            let encoded = encode(rows)
            if draws.cols == 0 { draws = DenseMatrix(rows: count, cols: encoded[0].mu.count) }
            for (i, e) in encoded.enumerated() {
                for j in 0..<e.mu.count {
                    draws[filled + i, j] = e.mu[j] + exp(0.5 * e.logVar[j]) * ExactGaussian.standardNormal(&rng)
                }
            }
            filled += n
        }
        return .statistics(StatisticsValue(moments: MomentStatistics(samples: draws), components: nil,
                                           title: name + ", noise \(corruption)", firstUnit: (0..<draws.rows).map { draws[$0, 0] }))
    }
}

extension StatisticsValue: HasMembers {
    /// `q.mean` …: lists have one entry per latent unit.
    static let members: [Member<StatisticsValue>] = [
        Member("count", "number of draws") { .number(Double($0.moments.count)) },
        Member("mean", "mean per latent unit") { .list($0.moments.mean.map { .number($0) }) },
        Member("variance", "variance per latent unit") { .list($0.moments.covariance.diagonalValues.map { .number($0) }) },
        Member("skewness", "skewness per latent unit") { .list($0.moments.skewness.map { .number($0) }) },
        Member("kurtosis", "excess kurtosis per latent unit") { .list($0.moments.excessKurtosis.map { .number($0) }) },
        Member("jb_p", "Jarque–Bera p-value per latent unit") { .list($0.moments.jarqueBeraPValue.map { .number($0) }) },
        Member("mardia_skew_p", "Mardia's skewness test p-value") { .number($0.moments.mardiaSkewnessPValue) },
        Member("mardia_kurt_p", "Mardia's kurtosis test p-value") { .number($0.moments.mardiaKurtosisPValue) },
        Member("normal_p", "the smallest p-value (small: not Gaussian)") { .number($0.normalP) },
        Member("components", "mixture components with `enumerate`") { $0.components.map { .number(Double($0)) } ?? .nothing },
    ]
}
