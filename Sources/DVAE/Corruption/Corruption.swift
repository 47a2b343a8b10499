/// A per-pixel corruption distribution p(x̃ | x) applied to the encoder's input.
///
/// The four cases are the noise models of the paper (Im et al., AAAI 2017):
///
/// - `none`: x̃ = x.
/// - `saltPepper(p)`: with probability `p` a pixel is replaced by 0 or by 1, each with probability
///   ½; otherwise it is kept. On a binary pixel this flips it with probability p/2. (The textbook law.)
/// - `saltPepperAuthors(p)`: the law of the authors' code (`get_corrupted_input`, `ntype =
///   'salt_pepper'`, in their `utils.py`): keep mask a ~ Bernoulli(1 − p), replacement bit
///   b ~ Bernoulli(p), x̃ = a·x + (1 − a)·b. A pixel is replaced with probability p, but the
///   replacement is 1 only with probability p: at p = 0.05 a replaced pixel is 0 in 95 % of cases,
///   which is nearly zero-masking. On a binary pixel, 1 → 0 with probability p(1 − p) and
///   0 → 1 with probability p².
/// - `bitFlip(p)`: with probability `p` a pixel is flipped, x̃ = 1 − x (Example 1's Bernoulli noise).
///   On a non-binary pixel in [0, 1] the same map 1 − x is applied.
/// - `gaussian(σ)`: x̃ = x + σ ε with ε ~ N(0, 1) per pixel (Example 2, Frey Face). The result is
///   **not clipped** to [0, 1]: clipping would change the noise model and break the closed forms of
///   the linear-Gaussian model.
///
/// Levels are checked by `validate()`; `apply` assumes a valid level.
public enum Corruption: Hashable, Sendable {
    /// No corruption: x̃ = x.
    case none
    /// Salt-and-pepper noise with replacement probability `p` ∈ [0, 1] (replacement 0 or 1 with equal chance).
    case saltPepper(Float)
    /// The authors' salt-and-pepper law: replaced with probability `p`, by a bit that is 1 with probability `p`.
    case saltPepperAuthors(Float)
    /// Bit-flip (Bernoulli) noise with flip probability `p` ∈ [0, 1].
    case bitFlip(Float)
    /// Additive Gaussian noise with standard deviation `σ` ≥ 0 (no clipping).
    case gaussian(Float)

    /// The canonical, parse-friendly names, in case order: "none", "salt_pepper",
    /// "salt_pepper_authors", "bitflip", "gaussian".
    public static var names: [String] { NoiseKind.names }

    /// The kind of corruption.
    public var kind: NoiseKind {
        switch self {
        case .none: return .none
        case .saltPepper: return .saltPepper
        case .saltPepperAuthors: return .saltPepperAuthors
        case .bitFlip: return .bitFlip
        case .gaussian: return .gaussian
        }
    }

    /// The parse-friendly name of the kind of corruption: "none", "salt_pepper", "bitflip" or "gaussian".
    public var name: String { kind.name }

    /// The noise level: the probability `p` for salt-and-pepper and bit-flip, `σ` for Gaussian, 0 for none.
    public var level: Float {
        switch self {
        case .none: return 0
        case .saltPepper(let p), .saltPepperAuthors(let p), .bitFlip(let p): return p
        case .gaussian(let sigma): return sigma
        }
    }

    /// True when x̃ = x with certainty (`none`, or a level of exactly zero).
    public var isIdentity: Bool { level == 0 }

    /// True for the corruptions with a finite set of outcomes on binary data (none, salt-and-pepper, bit-flip).
    public var isDiscrete: Bool {
        if case .gaussian = self { return false }
        return true
    }

    /// Builds a corruption from a name and a level.
    ///
    /// Accepted names (case-insensitive) are `NoiseKind`'s names and aliases. The level is
    /// validated. "none" ignores the level.
    public init(name: String, level: Float) throws {
        guard let kind = NoiseKind(name: name) else { throw CorruptionError.unknownName(name) }
        self = kind.corruption(level: level)
        try validate()
    }

    /// Checks the level against `NoiseKind.accepts(level:)`: `p` ∈ [0, 1] for salt-and-pepper and
    /// bit-flip, finite `σ` ≥ 0 for Gaussian.
    public func validate() throws {
        guard kind.accepts(level: Double(level)) else {
            throw CorruptionError.invalidLevel(name: name, level: level, requirement: kind.levelRequirement)
        }
    }
}

extension Corruption: CustomStringConvertible {
    /// `"none"` or the name followed by the level, e.g. `"salt_pepper 0.1"`, `"gaussian 0.05"`
    /// (the same words the language uses, and accepted back by `init(name:level:)`).
    public var description: String {
        if case .none = self { return "none" }
        return "\(name) \(level)"
    }
}

extension Corruption: Codable {
    private enum CodingKeys: String, CodingKey { case kind, level }

    /// Encodes as `{"kind": "salt_pepper", "level": 0.1}` (`{"kind": "none"}` for none).
    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .kind)
        if case .none = self { return }
        try c.encode(level, forKey: .level)
    }

    /// Decodes the form written by `encode(to:)`; an unknown kind or invalid level is a data-corrupted error.
    public init(from decoder: Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        let level = try c.decodeIfPresent(Float.self, forKey: .level) ?? 0
        do {
            try self.init(name: kind, level: level)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "\(error)")
        }
    }
}
