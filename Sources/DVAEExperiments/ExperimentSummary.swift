import DVAE
/// Mean ± standard deviation over seeds of one table cell (results differing only in their seed).
///
/// Bounds are higher-is-better nats; the paper's tables print the **negative** bound (lower is
/// better) — use `formatted(negated:digits:)` with `negated: true` (the default) for that.
public struct ExperimentSummary: Sendable {
    /// The cell's configuration with the seed set to 0 (`ExperimentConfig.ignoringSeed`).
    public var config: ExperimentConfig
    /// The seeds summarised, in the order of the results.
    public var seeds: [UInt64]
    /// Which bound `testMean` / `testStd` summarise.
    public var testKind: BoundKind
    /// Mean over seeds of the test bound (higher is better).
    public var testMean: Double
    /// Sample standard deviation over seeds of the test bound (n − 1 denominator; 0 for one seed).
    public var testStd: Double
    /// Mean over seeds of each result's own standard error (the Monte Carlo / test-set noise).
    public var meanStandardError: Double
    /// The extra IWAE-k bound's kind, when every result has one of the same kind.
    public var extraKind: BoundKind?
    /// Mean over seeds of the extra bound, when every result has one.
    public var extraMean: Double?
    /// Sample standard deviation over seeds of the extra bound, when every result has one.
    public var extraStd: Double?
    /// How many of the results came from the cache.
    public var cachedCount: Int
    /// Total wall-clock seconds of the results.
    public var wallSeconds: Double

    /// Number of seeds.
    public var count: Int { seeds.count }

    /// Summarises `results`, which must be non-empty, of one cell (equal `config.ignoringSeed`)
    /// and one test-bound kind; nil otherwise.
    public init?(_ results: [ExperimentResult]) {
        guard let first = results.first else { return nil }
        let cell = first.config.ignoringSeed
        guard results.allSatisfy({ $0.config.ignoringSeed == cell && $0.testBound.kind == first.testBound.kind }) else {
            return nil
        }
        config = cell
        seeds = results.map(\.config.seed)
        testKind = first.testBound.kind
        (testMean, testStd) = Self.meanAndStd(results.map(\.testBound.mean))
        meanStandardError = Self.meanAndStd(results.map(\.testBound.standardError)).mean
        let extras = results.compactMap(\.extraBound)
        if extras.count == results.count, let kind = extras.first?.kind, extras.allSatisfy({ $0.kind == kind }) {
            extraKind = kind
            let (m, s) = Self.meanAndStd(extras.map(\.mean))
            extraMean = m
            extraStd = s
        } else {
            extraKind = nil
            extraMean = nil
            extraStd = nil
        }
        cachedCount = results.filter(\.cached).count
        wallSeconds = results.reduce(0) { $0 + $1.wallSeconds }
    }

    /// One summary per cell (grouping by `config.ignoringSeed`), in order of first appearance.
    public static func group(_ results: [ExperimentResult]) -> [ExperimentSummary] {
        var order: [ExperimentConfig] = []
        var groups: [ExperimentConfig: [ExperimentResult]] = [:]
        for r in results {
            let cell = r.config.ignoringSeed
            if groups[cell] == nil { order.append(cell) }
            groups[cell, default: []].append(r)
        }
        return order.compactMap { ExperimentSummary(groups[$0]!) }
    }

    /// The test bound as `mean ± std`, e.g. `-86.21 ± 0.13`; `negated` (default) prints the
    /// negative bound as the paper's tables do (lower is better).
    public func formatted(negated: Bool = true, digits: Int = 2) -> String {
        Self.format(testMean, testStd, negated: negated, digits: digits)
    }

    /// The extra bound as `mean ± std` (see `formatted`), or nil when there is none.
    public func formattedExtra(negated: Bool = true, digits: Int = 2) -> String? {
        guard let m = extraMean, let s = extraStd else { return nil }
        return Self.format(m, s, negated: negated, digits: digits)
    }

    /// Mean and sample standard deviation (n − 1; 0 for fewer than two values).
    static func meanAndStd(_ v: [Double]) -> (mean: Double, std: Double) {
        guard !v.isEmpty else { return (.nan, .nan) }
        let m = v.reduce(0, +) / Double(v.count)
        guard v.count > 1 else { return (m, 0) }
        let ss = v.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (m, (ss / Double(v.count - 1)).squareRoot())
    }

    private static func format(_ mean: Double, _ std: Double, negated: Bool, digits: Int) -> String {
        "\(fixed(negated ? -mean : mean, digits)) ± \(fixed(std, digits))"
    }

    /// `x` with exactly `digits` decimals (no Foundation formatting: deterministic everywhere).
    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        var scale = 1.0
        for _ in 0..<max(0, digits) { scale *= 10 }
        let r = (abs(x) * scale).rounded()
        let whole = Int(r / scale)
        let frac = Int(r - Double(whole) * scale)
        let sign = x < 0 && r != 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let f = String(frac)
        return "\(sign)\(whole).\(String(repeating: "0", count: digits - f.count))\(f)"
    }
}
