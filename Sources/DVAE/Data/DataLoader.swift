/// Loads the datasets the project knows by name, or a data file by path.
///
/// Binarised MNIST (`binarized_mnist_{train,valid,test}.amat`) and Frey Face (`frey_rawface.mat`)
/// are found through a `DataLocator`; the synthetic shapes need no files.
public enum DataLoader {
    /// The names `load(name:locator:)` accepts (aliases included): `DatasetName.allNames`.
    public static var knownNames: [String] { DatasetName.allNames }

    /// The three binarised MNIST file names, in train / valid / test order.
    public static let binarizedMNISTFileNames = ["binarized_mnist_train.amat", "binarized_mnist_valid.amat",
                                                 "binarized_mnist_test.amat"]

    /// Binarised MNIST (Larochelle & Murray): 50 000 / 10 000 / 10 000 binary 28 × 28 images.
    public static func binarizedMNIST(locator: DataLocator, budget: MemoryBudget = .default) throws -> DataSplits {
        // Locate all three first so a missing file is reported before any slow parsing.
        let paths = try binarizedMNISTFileNames.map { try locator.locate($0) }
        let sets = try zip(paths, DataSplits.splitNames).map { path, split in
            try amat(path: path, name: "binarized_mnist.\(split)", budget: budget)
        }
        return DataSplits(name: "binarized_mnist", train: sets[0], valid: sets[1], test: sets[2])
    }

    /// Loads a dataset by name or by file path.
    ///
    /// - a `DatasetName` (any of its aliases, case-insensitive): "binarized_mnist" →
    ///   `binarizedMNIST(locator:)`, "frey" → `freyFace(locator:)`, "synthetic" → `synthetic(seed: 0)`.
    /// - a name ending in `.mat`: that Frey Face file, split as in `freyFace(locator:)`.
    /// - a name ending in `.amat`: when it is `…_train.amat`, `…_valid.amat` or `…_test.amat` and
    ///   all three siblings exist, the three files as splits; otherwise the file is the training
    ///   set and valid / test are empty.
    /// - a name ending in `-idx3-ubyte` (or `.idx3-ubyte`): that IDX file (pixels / 255, not
    ///   binarised) as the training set; valid / test are empty.
    ///
    /// Extensions are matched in any case (`X.AMAT` is an `.amat` file). Relative paths are
    /// resolved by `locator`. Unknown names raise `DataError.unknownDataset`; files are read within
    /// `budget`.
    public static func load(name: String, locator: DataLocator = DataLocator(),
                            budget: MemoryBudget = .default) throws -> DataSplits {
        let lower = name.lowercased()
        switch DatasetName(name: name) {
        case .binarizedMNIST: return try binarizedMNIST(locator: locator, budget: budget)
        case .mnistBinomial: return try mnistBinomial(locator: locator, budget: budget)
        case .frey: return try freyFace(locator: locator)
        case .synthetic: return synthetic(seed: 0)
        case nil: break
        }
        if lower.hasSuffix(".mat") {
            let path = try locator.locate(name)
            return try freyFace(locator: DataLocator(directories: [dirname(path)]), fileName: basename(path))
        }
        if lower.hasSuffix(".amat") {
            let path = try locator.locate(name)
            let base = basename(path)
            let ext = String(base.suffix(5))          // the file's own case: .amat or .AMAT
            for split in DataSplits.splitNames where base.lowercased().hasSuffix("_\(split).amat") {
                let stem = String(base.dropLast("_\(split).amat".count))
                let dir = DataLocator(directories: [dirname(path)])
                if let paths = try? DataSplits.splitNames.map({ try dir.locate("\(stem)_\($0)\(ext)") }) {
                    let sets = try zip(paths, DataSplits.splitNames).map { try amat(path: $0, name: "\(stem).\($1)", budget: budget) }
                    return DataSplits(name: stem, train: sets[0], valid: sets[1], test: sets[2])
                }
            }
            return single(try amat(path: path, name: stem(of: base), budget: budget))
        }
        if lower.hasSuffix("-idx3-ubyte") || lower.hasSuffix(".idx3-ubyte")
            || lower.hasSuffix("-idx3-ubyte.gz") || lower.hasSuffix(".idx3-ubyte.gz") {
            let path = try locator.locate(name)
            return single(try idx(imagesPath: path, name: stem(of: basename(path)), binarize: false, budget: budget))
        }
        if lower.hasSuffix("-idx1-ubyte") || lower.hasSuffix(".idx1-ubyte") {
            throw DataError.unsupportedFormat(path: name, reason: "this is an IDX label file; load the images file (…-idx3-ubyte) instead")
        }
        throw DataError.unknownDataset(name: name, known: knownNames)
    }

    /// Frey Face from `fileName` in `locator`'s directories, with the documented split.
    static func freyFace(locator: DataLocator, fileName: String) throws -> DataSplits {
        let all = try freyFace(path: locator.locate(fileName))
        return freySplits(all)
    }

    /// A single dataset as the training split, with empty validation and test splits.
    private static func single(_ d: Dataset) -> DataSplits {
        var train = d; train.name = "\(d.name).train"
        var valid = d.slice(0..<0); valid.name = "\(d.name).valid"
        var test = d.slice(0..<0); test.name = "\(d.name).test"
        return DataSplits(name: d.name, train: train, valid: valid, test: test)
    }

    private static func basename(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
    }

    private static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func stem(of base: String) -> String {
        for suffix in [".amat", ".mat", "-idx3-ubyte.gz", ".idx3-ubyte.gz", "-idx3-ubyte", ".idx3-ubyte"] where base.lowercased().hasSuffix(suffix) {
            return String(base.dropLast(suffix.count))
        }
        return base
    }
}
