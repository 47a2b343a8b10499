extension DataLoader {
    /// The Frey Face file name looked up by `freyFace(locator:)`.
    public static let freyFaceFileName = "frey_rawface.mat"
    /// Frey Face image height (pixels).
    public static let freyHeight = 28
    /// Frey Face image width (pixels).
    public static let freyWidth = 20
    /// Number of Frey Face images.
    public static let freyCount = 1965

    /// Loads all 1965 Frey Face images from `frey_rawface.mat`.
    ///
    /// The file must be a MATLAB level-5, uncompressed MAT file holding a variable `ff` of class
    /// uint8 and size 560 × 1965. Column `j` (stored contiguously, MATLAB is column-major) is image
    /// `j`: 28 rows of 20 pixels, row-major. Pixels are divided by 255; the kind is `.continuous`.
    /// Any other name, class, shape or file variant is a `DataError` saying what was found.
    public static func freyFace(path: String) throws -> Dataset {
        let bytes = try readFileBytes(path)
        let mat = try MATFile(bytes: bytes, path: path)
        guard let ff = mat.variable(named: "ff") else {
            let found = mat.variables.map { "'\($0.name)'" }.joined(separator: ", ")
            throw DataError.malformed(path: path, line: nil,
                                      reason: "no variable 'ff'; found \(found.isEmpty ? "no variables" : found)")
        }
        let d = freyHeight * freyWidth
        guard ff.classID == 9, !ff.isComplex else {
            throw DataError.malformed(path: path, line: nil,
                                      reason: "variable 'ff' has class \(ff.isComplex ? "complex " : "")\(ff.className), expected uint8")
        }
        guard ff.dimensions == [d, freyCount] else {
            throw DataError.malformed(path: path, line: nil,
                                      reason: "variable 'ff' is \(ff.dimensions.map(String.init).joined(separator: " × ")), expected \(d) × \(freyCount) (one 28 × 20 image per column)")
        }
        guard ff.storageType == 2, ff.dataRange.count == d * freyCount else {
            throw DataError.malformed(path: path, line: nil,
                                      reason: "variable 'ff' stores \(ff.dataRange.count) bytes as \(MATFile.typeName(ff.storageType ?? 0)), expected \(d * freyCount) bytes as miUINT8")
        }
        let x = Tensor(rows: freyCount, cols: d)
        bytes.withUnsafeBufferPointer { src in
            let p = src.baseAddress! + ff.dataRange.lowerBound
            for i in 0..<x.count { x.data[i] = Float(p[i]) / 255 }
        }
        return Dataset(name: "frey", x: x, height: freyHeight, width: freyWidth, kind: .continuous)
    }

    /// Frey Face found through `locator`, split into train / valid / test.
    ///
    /// The paper does not say how it split Frey Face. We use a deterministic contiguous split in
    /// file order: images 0..<1565 for training, 1565..<1765 for validation, 1765..<1965 for test
    /// (about 80 / 10 / 10 %). The images are consecutive frames of one video, so neighbouring
    /// frames are near-duplicates: contiguous blocks keep such near-duplicates out of the held-out
    /// sets (a random split would leak them), and the split needs no seed.
    public static func freyFace(locator: DataLocator) throws -> DataSplits {
        freySplits(try freyFace(path: locator.locate(freyFaceFileName)))
    }

    /// The name of the splits made by `freyAuthorsSplits` (distinct from "frey", so result caches
    /// keyed by the dataset name never mix the two splits).
    public static let freyAuthorsSplitName = "frey_authors_split"

    /// The split of the authors' Frey Face script (`main_freyface.py`): all 1965 images in a random
    /// order (here a fixed permutation from `seed`; theirs was unseeded), then train = the first
    /// 1572, valid = the first 295 and test = the first 200 **of the same order** — every
    /// validation and test face is also a training face. `splits` is the standard split (its three
    /// parts, concatenated, are the file in order).
    public static func freyAuthorsSplits(_ splits: DataSplits, seed: UInt64 = 1234) -> DataSplits {
        let (all, order) = shuffledFrey(splits, seed: seed)
        let n = order.count
        func first(_ k: Int, _ s: String) -> Dataset {
            Dataset(name: "\(freyAuthorsSplitName).\(s)", x: all.gather(rows: order[0..<min(k, n)]),
                    height: splits.train.height, width: splits.train.width, kind: splits.train.kind)
        }
        return DataSplits(name: freyAuthorsSplitName, train: first(1572, "train"), valid: first(295, "valid"),
                          test: first(200, "test"))
    }

    /// The name of the splits made by `freyRandomSplits`.
    public static let freyRandomSplitName = "frey_random_split"

    /// The control for the authors' split: the **same** random order of all 1965 images
    /// (`freyAuthorsSplits`' permutation from `seed`), cut disjointly — train = the first 1565,
    /// valid = the next 200, test = the last 200. Train is nearly the authors' training set, and
    /// the test faces are random frames never trained on, whose neighbouring frames in the video
    /// (near-duplicates) mostly are. Against the authors' split it isolates "the test faces are
    /// training faces"; against the contiguous split, "the test faces come from another part of
    /// the video".
    public static func freyRandomSplits(_ splits: DataSplits, seed: UInt64 = 1234) -> DataSplits {
        let (all, order) = shuffledFrey(splits, seed: seed)
        let n = order.count
        let heldOut = min(200, n / 3)
        func part(_ r: Range<Int>, _ s: String) -> Dataset {
            Dataset(name: "\(freyRandomSplitName).\(s)", x: all.gather(rows: order[r]),
                    height: splits.train.height, width: splits.train.width, kind: splits.train.kind)
        }
        return DataSplits(name: freyRandomSplitName, train: part(0 ..< n - 2 * heldOut, "train"),
                          valid: part(n - 2 * heldOut ..< n - heldOut, "valid"), test: part(n - heldOut ..< n, "test"))
    }

    /// All images of `splits` (its three parts, concatenated: the file in order) and the random
    /// order from `seed` that both shuffled splits cut.
    private static func shuffledFrey(_ splits: DataSplits, seed: UInt64) -> (all: Tensor, order: [Int]) {
        let parts = [splits.train, splits.valid, splits.test]
        let n = parts.reduce(0) { $0 + $1.count }, d = splits.train.dimension
        let all = Tensor(rows: n, cols: d)
        var row = 0
        for p in parts {
            (all.data + row * d).update(from: p.x.data, count: p.count * d)
            row += p.count
        }
        var order = Array(0..<n)
        var rng = RNG(seed: seed)
        rng.shuffle(&order)
        return (all, order)
    }

    /// The documented contiguous 1565 / 200 / 200 split of all Frey Face images.
    static func freySplits(_ all: Dataset) -> DataSplits {
        func part(_ r: Range<Int>, _ s: String) -> Dataset {
            var d = all.slice(r); d.name = "frey.\(s)"; return d
        }
        return DataSplits(name: "frey", train: part(0..<1565, "train"), valid: part(1565..<1765, "valid"),
                          test: part(1765..<1965, "test"))
    }
}
