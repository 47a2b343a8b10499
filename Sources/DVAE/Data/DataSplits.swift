/// A dataset divided into training, validation and test sets.
public struct DataSplits: Sendable {
    /// The dataset's name, e.g. "binarized_mnist".
    public var name: String
    /// Training images.
    public var train: Dataset
    /// Validation images (early stopping, model selection).
    public var valid: Dataset
    /// Test images (reported bounds).
    public var test: Dataset

    /// The three split names, in order.
    public static let splitNames = ["train", "valid", "test"]

    /// Splits named `name` holding `train`, `valid` and `test`.
    public init(name: String, train: Dataset, valid: Dataset, test: Dataset) {
        self.name = name
        self.train = train
        self.valid = valid
        self.test = test
    }

    /// The split called "train", "valid" (or "validation") or "test"; throws `DataError.unknownSplit` otherwise.
    public func split(named splitName: String) throws -> Dataset {
        switch splitName.lowercased() {
        case "train", "training": return train
        case "valid", "validation", "val": return valid
        case "test": return test
        default: throw DataError.unknownSplit(name: splitName, known: Self.splitNames)
        }
    }
}
