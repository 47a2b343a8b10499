import DVAE
import Foundation

/// The outcome of one finished table cell, as stored in `<key>.json` by `ResultCache`.
///
/// Bounds are log-likelihood-like, in nats per example, **higher is better**; the paper's tables
/// print their negation (lower is better). Only finished runs are results: an interrupted run
/// raises `ExperimentError.interrupted` and is never stored.
public struct ExperimentResult: Codable, Sendable {
    /// The version of the result-file layout written by this build. Files with another version are
    /// not reused (the cell is recomputed).
    public static let currentFormatVersion = 1

    /// The result-file layout version (`currentFormatVersion` when written by this build).
    public var formatVersion: Int
    /// The checkpoint format of the saved model (`Checkpoint.formatVersion` of the writer).
    public var checkpointFormatVersion: String
    /// `config.key` when the result was computed (checked against the configuration on lookup).
    public var key: String
    /// The cell's configuration.
    public var config: ExperimentConfig
    /// The bound of the trained objective on the clean test data (`config.testBoundKind`).
    public var testBound: BoundEstimate
    /// The extra IWAE-k bound on the clean test data, when `config.extraIWAE` is set.
    public var extraBound: BoundEstimate?
    /// The learning curve, one record per epoch.
    public var curve: [EpochRecord]
    /// Training steps skipped because the objective or a gradient was not finite.
    public var skippedSteps: Int
    /// The trained model's checkpoint file name (`<key>.safetensors`), relative to the directory
    /// of the result file; nil when the run was not cached.
    public var checkpointFile: String?
    /// Wall-clock seconds of training and evaluation (summed over resumed parts).
    public var wallSeconds: Double
    /// The machine the result was computed on (the last part's, for a resumed run).
    public var machine: MachineDescription
    /// When the result was finished (whole seconds).
    public var date: Date
    /// True when this value was read from the cache rather than computed now. Not stored: it is
    /// set by `ResultCache` when a file is read.
    public var cached: Bool = false
    /// The checkpoint's path (the cache directory joined with `checkpointFile`), filled in by
    /// `ResultCache` when the file exists (nil otherwise). Not stored.
    public var checkpointPath: String? = nil

    /// The training seed (`config.seed`).
    public var seed: UInt64 { config.seed }

    /// A freshly computed (not cached) result.
    public init(config: ExperimentConfig, testBound: BoundEstimate, extraBound: BoundEstimate?,
                curve: [EpochRecord], skippedSteps: Int, checkpointFile: String?, wallSeconds: Double,
                machine: MachineDescription = .current, date: Date = Date()) {
        self.formatVersion = Self.currentFormatVersion
        self.checkpointFormatVersion = Checkpoint.formatVersion
        self.key = config.key
        self.config = config
        self.testBound = testBound
        self.extraBound = extraBound
        self.curve = curve
        self.skippedSteps = skippedSteps
        self.checkpointFile = checkpointFile
        self.wallSeconds = wallSeconds
        self.machine = machine
        self.date = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    private enum CodingKeys: String, CodingKey {
        case formatVersion, checkpointFormatVersion, key, config, seed, testBound, extraBound, curve,
             skippedSteps, checkpointFile, wallSeconds, machine, date
    }

    /// Encodes every stored field (plus `seed`, for readers of the file); not `cached` nor `checkpointPath`.
    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(checkpointFormatVersion, forKey: .checkpointFormatVersion)
        try c.encode(key, forKey: .key)
        try c.encode(config, forKey: .config)
        try c.encode(config.seed, forKey: .seed)
        try c.encode(testBound, forKey: .testBound)
        try c.encodeIfPresent(extraBound, forKey: .extraBound)
        try c.encode(curve, forKey: .curve)
        try c.encode(skippedSteps, forKey: .skippedSteps)
        try c.encodeIfPresent(checkpointFile, forKey: .checkpointFile)
        try c.encode(wallSeconds, forKey: .wallSeconds)
        try c.encode(machine, forKey: .machine)
        try c.encode(date, forKey: .date)
    }

    /// Decodes the stored fields; `cached` is false and `checkpointPath` nil until `ResultCache` sets them.
    public init(from decoder: Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        checkpointFormatVersion = try c.decode(String.self, forKey: .checkpointFormatVersion)
        key = try c.decode(String.self, forKey: .key)
        config = try c.decode(ExperimentConfig.self, forKey: .config)
        testBound = try c.decode(BoundEstimate.self, forKey: .testBound)
        extraBound = try c.decodeIfPresent(BoundEstimate.self, forKey: .extraBound)
        curve = try c.decode([EpochRecord].self, forKey: .curve)
        skippedSteps = try c.decode(Int.self, forKey: .skippedSteps)
        checkpointFile = try c.decodeIfPresent(String.self, forKey: .checkpointFile)
        wallSeconds = try c.decode(Double.self, forKey: .wallSeconds)
        machine = try c.decode(MachineDescription.self, forKey: .machine)
        date = try c.decode(Date.self, forKey: .date)
    }
}

extension ExperimentResult: CustomStringConvertible {
    /// One line: the configuration, the bounds (higher is better) and whether it was cached, e.g.
    /// `synthetic dvae K1 M1 salt_pepper 0.1 mlp[16]-4 1ep seed 1: elbo -52.31 ± 0.84 (cached)`.
    public var description: String {
        func b(_ e: BoundEstimate) -> String {
            "\(e.kind) \(ExperimentSummary.fixed(e.mean, 2)) ± \(ExperimentSummary.fixed(e.standardError, 2))"
        }
        var s = "\(config): \(b(testBound))"
        if let x = extraBound { s += ", \(b(x))" }
        return s + (cached ? " (cached)" : "")
    }
}
