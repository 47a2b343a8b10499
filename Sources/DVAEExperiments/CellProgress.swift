import DVAE

/// How far an unfinished cell has trained: its curve so far, readable (and committed) as JSON
/// while the run goes on, so a long run reports progress before it ends. Written beside every
/// partial checkpoint (`ResultCache.storeProgress`); the finished result replaces it.
public struct CellProgress: Codable, Equatable, Sendable {
    /// The cell's key (`ExperimentConfig.key`).
    public var key: String
    /// The cell.
    public var config: ExperimentConfig
    /// Epochs completed at the last partial checkpoint.
    public var epochsCompleted: Int
    /// Wall-clock seconds of training so far, across sessions.
    public var wallSeconds: Double
    /// The curve so far (the records `config.curveEvery` keeps).
    public var curve: [EpochRecord]

    /// The progress of `config` after `epochsCompleted` epochs.
    public init(config: ExperimentConfig, epochsCompleted: Int, wallSeconds: Double, curve: [EpochRecord]) {
        key = config.key
        self.config = config
        self.epochsCompleted = epochsCompleted
        self.wallSeconds = wallSeconds
        self.curve = curve
    }
}
