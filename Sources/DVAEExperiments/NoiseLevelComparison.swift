import DVAE
/// One table row across noise levels: which level is best, and whether some noise beats none —
/// the poster's claim that a moderate noise level beats no noise in every row.
///
/// Bounds are higher-is-better (nats); the tables print the negative bound, lower is better, so
/// "best" here is the highest mean bound, i.e. the lowest printed number.
public struct NoiseLevelComparison: Sendable {
    /// One cell of the row.
    public struct Cell: Sendable {
        /// The training corruption level (p or σ; 0 for no noise).
        public var level: Float
        /// The cell's summary over seeds.
        public var summary: ExperimentSummary

        /// A cell with its level and summary.
        public init(level: Float, summary: ExperimentSummary) {
            self.level = level
            self.summary = summary
        }
    }

    /// The row's cells, sorted by level.
    public var cells: [Cell]
    /// The cell with the highest mean test bound (ties: the lower level).
    public var best: Cell
    /// The no-noise cell (level 0), when the row has one.
    public var clean: Cell?
    /// The noisy cell (level > 0) with the highest mean test bound, when the row has one.
    public var bestNoisy: Cell?

    /// Compares `summaries` (the noise levels of one row; the level is each summary's
    /// `config.corruption.level`). Nil when empty.
    public init?(_ summaries: [ExperimentSummary]) {
        self.init(cells: summaries.map { Cell(level: $0.config.corruption.level, summary: $0) })
    }

    /// Compares explicit cells. Nil when empty.
    public init?(cells: [Cell]) {
        guard !cells.isEmpty else { return nil }
        self.cells = cells.sorted { $0.level < $1.level }
        func better(_ a: Cell, _ b: Cell) -> Bool { a.summary.testMean > b.summary.testMean }
        best = self.cells.dropFirst().reduce(self.cells[0]) { better($1, $0) ? $1 : $0 }
        clean = self.cells.first { $0.level == 0 }
        let noisy = self.cells.filter { $0.level > 0 }
        bestNoisy = noisy.isEmpty ? nil : noisy.dropFirst().reduce(noisy[0]) { better($1, $0) ? $1 : $0 }
    }

    /// The best level of the row.
    public var bestLevel: Float { best.level }

    /// True when the best noisy mean bound is higher than the no-noise mean (the claim holds for
    /// this row); nil when the row lacks a clean or a noisy cell.
    public var someNoiseBeatsNoNoise: Bool? {
        guard let c = clean, let n = bestNoisy else { return nil }
        return n.summary.testMean > c.summary.testMean
    }

    /// Best noisy mean minus clean mean, in nats (positive: noise helps); nil as above.
    public var improvement: Double? {
        guard let c = clean, let n = bestNoisy else { return nil }
        return n.summary.testMean - c.summary.testMean
    }

    /// True when the improvement exceeds the larger of the two cells' standard deviations over
    /// seeds (a rough "beyond seed noise" check; false with a single seed, whose std is 0, only
    /// when the improvement is not positive). Nil as above.
    public var improvementExceedsSeedSpread: Bool? {
        guard let c = clean, let n = bestNoisy, let d = improvement else { return nil }
        return d > max(c.summary.testStd, n.summary.testStd)
    }
}
