/// The kinds of corruption p(x̃|x), with their names, aliases, help and level rules: the single
/// source the language (`noise KIND LEVEL`, `corrupt DATA KIND LEVEL`), help, completion and
/// suggestions read. `Corruption` is a kind with its level.
///
/// Adding a kind: a case here (with its name, summary and level rule), the matching `Corruption`
/// case, and the cases of `Corruption`'s exhaustive switches (sampling, probabilities) that the
/// compiler then points at. Nothing in the language needs to change.
public enum NoiseKind: String, CaseIterable, Codable, Sendable {
    /// x̃ = x.
    case none
    /// Each pixel replaced by 0 or 1 (equal chance) with probability p.
    case saltPepper = "salt_pepper"
    /// The authors' law: each pixel replaced with probability p by a bit that is 1 with probability p.
    case saltPepperAuthors = "salt_pepper_authors"
    /// Each pixel flipped, x̃ = 1 − x, with probability p.
    case bitFlip = "bitflip"
    /// x̃ = x + σε, not clipped.
    case gaussian

    /// The canonical name (`salt_pepper`), as the language and `Codable` write it.
    public var name: String { rawValue }

    /// Other spellings `init(name:)` accepts.
    public var aliases: [String] {
        switch self {
        case .none: return ["clean"]
        case .saltPepper: return ["saltpepper", "salt-pepper", "sp"]
        case .saltPepperAuthors: return ["salt-pepper-authors"]
        case .bitFlip: return ["bit_flip", "bit-flip", "flip", "bernoulli"]
        case .gaussian: return ["normal"]
        }
    }

    /// The kind called `name` (case-insensitive; canonical names and aliases), or nil.
    public init?(name: String) {
        let n = name.lowercased()
        guard let kind = NoiseKind.allCases.first(where: { $0.rawValue == n || $0.aliases.contains(n) }) else { return nil }
        self = kind
    }

    /// The canonical names, in case order.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// The kinds a script names (`noise KIND LEVEL`, `corrupt DATA KIND LEVEL`): all but
    /// `saltPepperAuthors`, which scripts write as a law of salt-and-pepper
    /// (`salt_pepper P law authors`) so each law has one spelling. Its name stays the engine's
    /// encoding (result files, cache keys, checkpoints).
    public static var scriptKinds: [NoiseKind] { allCases.filter { $0 != .saltPepperAuthors } }

    /// The names of `scriptKinds`, in case order.
    public static var scriptNames: [String] { scriptKinds.map(\.rawValue) }

    /// How a script writes this kind at `level` (e.g. "salt_pepper P law authors"), for messages.
    public func scriptSpelling(level: String) -> String {
        switch self {
        case .none: return "none"
        case .saltPepperAuthors: return "\(NoiseKind.saltPepper.name) \(level) law authors"
        default: return "\(name) \(level)"
        }
    }

    /// The kinds that take a level (all but `none`).
    public static var leveled: [NoiseKind] { allCases.filter(\.takesLevel) }

    /// False for `none`, whose level is ignored.
    public var takesLevel: Bool { self != .none }

    /// True when the level is a probability (p ∈ [0, 1]); false for a standard deviation.
    public var levelIsProbability: Bool {
        switch self {
        case .saltPepper, .saltPepperAuthors, .bitFlip: return true
        case .none, .gaussian: return false
        }
    }

    /// Every kind as usage writes it: "salt_pepper P, …, gaussian SIGMA, none".
    public static var usage: String {
        (leveled.map { "\($0.name) \($0.levelPlaceholder)" } + [NoiseKind.none.name]).joined(separator: ", ")
    }

    /// The level's placeholder in usage lines: `P` or `SIGMA`.
    public var levelPlaceholder: String { levelIsProbability ? "P" : "SIGMA" }

    /// One line for help, with the level's placeholder.
    public var summary: String {
        switch self {
        case .none: return "no corruption"
        case .saltPepper: return "replace each pixel by 0 or 1 with probability P"
        case .saltPepperAuthors: return "the authors' law: replace each pixel with probability P by a bit that is 1 with probability P"
        case .bitFlip: return "flip each binary pixel with probability P"
        case .gaussian: return "add N(0, SIGMA²) noise to each pixel"
        }
    }

    /// What a valid level is, for messages: "a probability in [0, 1]".
    public var levelRequirement: String {
        switch self {
        case .none: return "anything (it is ignored)"
        case .saltPepper, .saltPepperAuthors, .bitFlip: return "a probability in [0, 1]"
        case .gaussian: return "a finite standard deviation ≥ 0"
        }
    }

    /// True when `level` is valid for this kind.
    public func accepts(level: Double) -> Bool {
        switch self {
        case .none: return true
        case .saltPepper, .saltPepperAuthors, .bitFlip: return level.isFinite && level >= 0 && level <= 1
        case .gaussian: return level.isFinite && level >= 0
        }
    }

    /// The corruption of this kind at `level` (not validated: see `Corruption.validate`).
    public func corruption(level: Float) -> Corruption {
        switch self {
        case .none: return .none
        case .saltPepper: return .saltPepper(level)
        case .saltPepperAuthors: return .saltPepperAuthors(level)
        case .bitFlip: return .bitFlip(level)
        case .gaussian: return .gaussian(level)
        }
    }
}
