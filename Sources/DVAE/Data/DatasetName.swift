/// The datasets the project knows by name, with their aliases: the single list `DataLoader`,
/// the language's `load`, its help and its suggestions read.
public enum DatasetName: String, CaseIterable, Sendable {
    /// Binarised MNIST (Larochelle & Murray): three `.amat` files.
    case binarizedMNIST = "binarized_mnist"
    /// Grey-level MNIST (the IDX files) binarised once by a seeded Bernoulli draw, split
    /// 50 000 / 10 000 / 10 000 as `mnist.pkl.gz`: the default data of the authors' script.
    case mnistBinomial = "mnist_binomial"
    /// Frey Face: `frey_rawface.mat`.
    case frey
    /// The built-in 12 × 12 binary shapes (no files).
    case synthetic

    /// The canonical name.
    public var name: String { rawValue }

    /// Other spellings `init(name:)` accepts.
    public var aliases: [String] {
        switch self {
        case .binarizedMNIST: return ["mnist", "binarised_mnist"]
        case .mnistBinomial: return ["binomial_mnist", "mnist_binomial_once"]
        case .frey: return ["freyface", "frey_face"]
        case .synthetic: return ["builtin", "shapes"]
        }
    }

    /// The dataset called `name` (case-insensitive; canonical names and aliases), or nil.
    public init?(name: String) {
        let n = name.lowercased()
        guard let d = DatasetName.allCases.first(where: { $0.rawValue == n || $0.aliases.contains(n) }) else { return nil }
        self = d
    }

    /// Every accepted name: each canonical name followed by its aliases.
    public static var allNames: [String] { allCases.flatMap { [$0.rawValue] + $0.aliases } }
}
