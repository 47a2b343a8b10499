import DVAE
import Foundation

/// `bound`: a bound on log p(x) in nats per example, with its standard error.
enum BoundCommand: Command {
    static let spec = CommandSpec(
        name: "bound", positional: ["M"],
        keywords: [
            Keyword(name: "on", slots: [.expr("DATA")], summary: "the data to score"),
            Keyword(name: "elbo", slots: [], summary: "the evidence lower bound (the default)"),
            Keyword(name: "analytic", slots: [], summary: "the ELBO with the KL term in closed form (same expectation, less variance)"),
            Keyword(name: "parts", slots: [], summary: "the ELBO's reconstruction and KL terms, per example and mean (`samples N` draws of z, default 10)"),
            Keyword(name: "iwae", slots: [.expr("K")], summary: "the importance-weighted bound with K samples"),
            Keyword(name: "noise", slots: [.noise], summary: "score with a corrupted encoder input (the DVAE bound)"),
            CommandSpec.lawKeyword,
            Keyword(name: "seed", slots: [.expr("S")], summary: "random seed (default: the global seed)"),
            Keyword(name: "exact", slots: [], summary: "linear-Gaussian: the closed form (the default)"),
            Keyword(name: "samples", slots: [.expr("N")], summary: "linear-Gaussian: a Monte Carlo estimate with N samples"),
        ] + LinearGaussianQuantity.allCases.filter { $0 != .elbo }.map {
            Keyword(name: $0.name, slots: [], summary: "linear-Gaussian: \($0.summary)")
        },
        returnsValue: true,
        summary: "a bound on log p(x) in nats per example, with its standard error",
        usage: "bound M on DATA [elbo [analytic] | iwae K | parts [samples N]] [noise KIND LEVEL] [law textbook|authors] [seed S]\n"
            + "bound G on DATA \(LinearGaussianQuantity.allCases.filter { $0 != .elbo }.map(\.name).joined(separator: "|")) [exact | samples N]",
        details: ["Comparisons and arithmetic use the value; `.value`, `.se`, `.count` give the parts."],
        example: "let b = bound m on mnist.test iwae 5000\nprint b.value, b.se")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.bound(a) }
}

/// `bound M on DATA [elbo | iwae K] [noise …]`, and the linear-Gaussian quantities.
extension Interpreter {
    /// A bound in nats per example with its standard error.
    func bound(_ a: CommandArguments) throws -> Value {
        let (v, at) = try a.required(0, "a model")
        if case .exactModel(let g) = v { return try exactBound(g, a) }
        guard case .model(let handle) = v else {
            throw LocatedError("`bound` needs a model, got \(v.typeWithArticle)", at: at)
        }
        try a.reject(LinearGaussianQuantity.allCases.filter { $0 != .elbo }.map(\.name) + ["exact"] + (a.has("parts") ? [] : ["samples"]),
                     because: "applies only to the linear-Gaussian model")
        guard let (data, dataAt) = try a.dataset(keyword: "on") else {
            throw LocatedError("`bound` needs data", at: a.call.location, suggestion: "write: bound M on DATA elbo")
        }
        try CommandArguments.checkShape(data, fits: handle.model, at: dataAt)
        if a.has("parts") { return try boundParts(handle, on: data, a) }
        if a.has("elbo") && a.has("iwae") {
            throw LocatedError("give one of `elbo` and `iwae K`, not both", at: a.location(of: "iwae"))
        }
        var kind = BoundKind.elbo
        if a.has("analytic") && a.has("iwae") {
            throw LocatedError("`analytic` applies to the ELBO, not to `iwae K`", at: a.location(of: "analytic"))
        }
        if a.has("analytic") { kind = .elboAnalytic }
        if a.has("iwae") {
            let k = try a.int("iwae", default: 1, minimum: 1)
            guard k <= 100_000 else { throw LocatedError("`iwae` \(k) samples is too many (at most 100000)", at: a.location(of: "iwae")) }
            kind = .iwae(k)
        }
        let corruption = try a.noise() ?? Corruption.none
        let seed = try a.seed()
        let label = Interpreter.boundLabel(kind) + (corruption.isIdentity ? "" : ", noise \(corruption)")
        // The engine's one evaluation path: live progress, and Ctrl-C stops between blocks.
        let clock = ContinuousClock()
        let began = clock.now
        var finished = 0
        defer { sink.progressDone() }
        let result = estimateBound(handle.model, on: data.x, kind: kind, seed: seed, corruption: corruption) { done, total in
            finished = done
            if interrupt.isSet { return .stop }
            if done < total {
                let eta = (clock.now - began).inSeconds / Double(done) * Double(total - done)
                sink.progress("bound \(label)  \(done)/\(total) examples  ETA \(Interpreter.clockTime(eta))")
            }
            return .proceed
        }
        guard let estimate = result else {
            interrupt.reset()
            throw LocatedError("bound interrupted after \(finished) of \(data.count) examples", at: a.call.location)
        }
        guard estimate.mean.isFinite else {
            throw LocatedError("the bound is not finite (\(formatNumber(estimate.mean)))", at: a.call.location,
                               suggestion: "the model may have diverged; train with a smaller `lr` or with `clip 5`")
        }
        return .bound(BoundValue(value: estimate.mean, se: estimate.standardError, count: estimate.count, label: label))
    }

    /// `bound G on DATA QUANTITY [exact | samples N] [noise gaussian σ]`, QUANTITY one of
    /// `LinearGaussianQuantity` (whose engine estimator does the work).
    private func exactBound(_ model: LinearGaussianModel, _ a: CommandArguments) throws -> Value {
        var g = model
        try a.reject(["iwae", "analytic"], because: "does not apply to the linear-Gaussian model; its log p(x) is exact (`logpx`)")
        let chosen = LinearGaussianQuantity.allCases.filter { a.has($0.name) }
        guard let quantity = chosen.first else {
            throw LocatedError("say which quantity of the linear-Gaussian model", at: a.call.location,
                               suggestion: "one of: \(LinearGaussianQuantity.allCases.map(\.name).joined(separator: ", "))")
        }
        if chosen.count > 1 {
            throw LocatedError("give one quantity, not both `\(chosen[0].name)` and `\(chosen[1].name)`",
                               at: a.location(of: chosen[1].name))
        }
        if a.has("exact") && a.has("samples") {
            throw LocatedError("give one of `exact` and `samples N`", at: a.location(of: "samples"))
        }
        guard let (data, dataAt) = try a.dataset(keyword: "on") else {
            throw LocatedError("`bound` needs data", at: a.call.location,
                               suggestion: "write: bound G on xs logpx, with xs = sample G 100")
        }
        guard data.dimension == g.D else {
            throw LocatedError("shape mismatch: the data has \(data.dimension) values per example but the model has D = \(g.D)",
                               at: dataAt, suggestion: "draw data from the model with `sample G N`")
        }
        if let c = try a.noise() {
            switch c {
            case .none: g = g.withSigma(0)
            case .gaussian:
                // The closed forms take σ in Double, as written: Corruption holds a Float
                // (σ 1.3 would become 1.29999995), so read the level again from the script.
                let s = try a.noiseLevel() ?? 0
                // Beyond this σ² swamps every other term and Cholesky factors lose positive definiteness.
                guard s <= Double(Interpreter.maximumExactSigma) else {
                    throw LocatedError("σ = \(formatNumber(s)) is too large for the exact model (at most 1e6)", at: a.location(of: "noise"))
                }
                g = g.withSigma(s)
            default:
                throw LocatedError("the linear-Gaussian model has Gaussian corruption only", at: a.location(of: "noise"),
                                   suggestion: "write: noise gaussian 0.5")
            }
        }
        let rows = DenseMatrix(data.x)
        var samples: Int?
        if a.has("samples") {
            let n = try a.int("samples", default: 2, minimum: 2)
            guard n <= 10_000_000 / max(1, rows.rows) else {
                throw LocatedError("`samples` \(n) is too many for \(rows.rows) examples", at: a.location(of: "samples"))
            }
            samples = n
        }
        var rng = RNG(seed: samples == nil ? 0 : try a.seed())
        let e = g.estimate(quantity, on: rows, samples: samples, rng: &rng)
        let label: String
        if let n = samples {
            // log p(x) by sampling is an importance-sampled (IWAE-n) estimate: biased low, with a
            // delta-method standard error. Say so in the label rather than call it "Monte Carlo".
            let what = quantity == .logMarginal ? "IWAE-\(n) estimate of log p(x) (biased low)" : "Monte Carlo \(quantity.symbol)"
            label = "\(what), \(n) samples, σ=\(formatNumber(g.sigma))"
        } else {
            label = "exact \(quantity.symbol), σ=\(formatNumber(g.sigma))"
        }
        return .bound(BoundValue(value: e.mean, se: e.standardError, count: rows.rows, label: label))
    }
}
