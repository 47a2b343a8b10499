/// The four training objectives of the paper (DESIGN.md), all lower bounds of log p(x).
///
/// The single source of the objectives' names: the language's `objective …`, its help and its
/// suggestions read `allCases`. Adding an objective: a case here (with `summary` and the two
/// properties below) and its branch in `evaluateObjective`.
public enum ObjectiveKind: String, Codable, Sendable, CaseIterable {
    /// L_vae,K = 1/K Σ_k log p(x, z_k)/q(z_k|x). Ignores `M` and the corruption.
    case vae
    /// L_iwae,K = log 1/K Σ_k p(x, z_k)/q(z_k|x). Ignores `M` and the corruption.
    case iwae
    /// L_dvae = 1/(MK) Σ_m Σ_k log p(x, z_km)/q(z_km|x̃_m) (Eq. 4).
    case dvae
    /// L_diwae = 1/M Σ_m log 1/K Σ_k p(x, z_km)/q(z_km|x̃_m).
    case diwae

    /// True for the denoising objectives, whose encoder sees corrupted inputs x̃_m.
    public var usesCorruption: Bool { self == .dvae || self == .diwae }
    /// True for the importance-weighted objectives (log-mean-exp over the K samples).
    public var isImportanceWeighted: Bool { self == .iwae || self == .diwae }

    /// The names, in case order.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// The names as prose: "vae, iwae, dvae or diwae".
    public static var namesInProse: String { names.dropLast().joined(separator: ", ") + " or " + names.last! }

    /// The objective with corruption that matches this one (dvae for vae, diwae for iwae).
    public var denoising: ObjectiveKind {
        switch self {
        case .vae, .dvae: return .dvae
        case .iwae, .diwae: return .diwae
        }
    }
}

/// Which objective, with how many samples, and (for dvae / diwae) which corruption.
public struct ObjectiveConfig: Codable, Equatable, Sendable {
    /// The objective.
    public var kind: ObjectiveKind
    /// K, latent samples per (corrupted) input, ≥ 1.
    public var K: Int
    /// M, corruptions per example, ≥ 1 (dvae / diwae only).
    public var M: Int
    /// p(x̃|x) for dvae / diwae (ignored by vae / iwae).
    public var corruption: Corruption
    /// How the latent term is scored (`monteCarlo` unless asked; `analytic` for vae / dvae only,
    /// see `KLEstimator.problem(with:)`).
    public var kl: KLEstimator

    /// A configuration; defaults to the single-sample VAE with the Monte Carlo latent term.
    public init(kind: ObjectiveKind = .vae, K: Int = 1, M: Int = 1, corruption: Corruption = .none,
                kl: KLEstimator = .monteCarlo) {
        self.kind = kind
        self.K = K
        self.M = M
        self.corruption = corruption
        self.kl = kl
    }

    private enum CodingKeys: String, CodingKey { case kind, K, M, corruption, kl }

    /// Decodes a configuration; files written before `kl` existed read as `monteCarlo`.
    public init(from decoder: Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(ObjectiveKind.self, forKey: .kind)
        K = try c.decode(Int.self, forKey: .K)
        M = try c.decode(Int.self, forKey: .M)
        corruption = try c.decode(Corruption.self, forKey: .corruption)
        kl = try c.decodeIfPresent(KLEstimator.self, forKey: .kl) ?? .monteCarlo
    }

    /// Encodes the configuration; `kl` is written only when it is not the default, so files
    /// and metadata of Monte Carlo runs read exactly as before the field existed.
    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(K, forKey: .K)
        try c.encode(M, forKey: .M)
        try c.encode(corruption, forKey: .corruption)
        if kl != .monteCarlo { try c.encode(kl, forKey: .kl) }
    }

    /// The corruptions per example actually used (1 for vae / iwae).
    public var effectiveM: Int { kind.usesCorruption ? max(M, 1) : 1 }
    /// The corruption actually used (`.none` for vae / iwae).
    public var effectiveCorruption: Corruption { kind.usesCorruption ? corruption : .none }

    /// Most rows one training step may push through the networks (batch × M × K): past this the
    /// activations alone take gigabytes.
    public static let maximumSamplesPerStep = 2_000_000

    /// Rows of one training step on minibatches of `batch` examples: batch × M × K (saturating,
    /// so huge sizes cannot overflow).
    public func samplesPerStep(batch: Int) -> Int {
        let (bm, o1) = batch.multipliedReportingOverflow(by: effectiveM)
        let (bmk, o2) = bm.multipliedReportingOverflow(by: K)
        return o1 || o2 ? Int.max : bmk
    }

    /// Why one step on minibatches of `batch` is too large, or nil when it fits
    /// `maximumSamplesPerStep`. The one check of the sample budget (`train`, `experiment`).
    public func sampleBudgetProblem(batch: Int) -> String? {
        let n = samplesPerStep(batch: batch)
        guard n > ObjectiveConfig.maximumSamplesPerStep else { return nil }
        let shown = n == Int.max ? "more than \(Int.max)" : "\(n)"
        return "K × M × batch = \(shown) samples per step is too many"
    }
}
