extension DataLoader {
    /// The seed of the one Bernoulli draw that binarises grey-level MNIST for `mnist_binomial`.
    /// Fixed, so the dataset (and every cache key made on it) is the same on every machine; the
    /// authors' script draws once from numpy's unseeded generator, so no seed reproduces theirs.
    public static let binomialMNISTSeed: UInt64 = 0x4D4E_4953_5442_494E   // "MNISTBIN"

    /// The grey-level IDX image files, training then test; each may be gzip-compressed
    /// (`….gz`, as distributed) or not.
    public static let greyMNISTFileNames = ["train-images-idx3-ubyte", "t10k-images-idx3-ubyte"]

    /// Grey-level MNIST binarised once, as the authors' script does by default
    /// (`data_type='mnist'`: `np.random.binomial(1, x)` on `mnist.pkl.gz`, once, before training).
    ///
    /// Splits as `mnist.pkl.gz`: train = the first 50 000 images of the IDX training file,
    /// valid = its last 10 000, test = the 10 000 of `t10k`. Each pixel becomes 1 with
    /// probability intensity/255, drawn from `RNG(seed: binomialMNISTSeed, stream: split)`
    /// (0 = train, 1 = valid, 2 = test) in row-major order: one fixed binarisation.
    public static func mnistBinomial(locator: DataLocator, budget: MemoryBudget = .default) throws -> DataSplits {
        func locate(_ name: String) throws -> String {
            if let gz = try? locator.locate(name + ".gz") { return gz }
            return try locator.locate(name)
        }
        let paths = try greyMNISTFileNames.map(locate)
        let train = try idx(imagesPath: paths[0], name: "mnist_binomial.train", binarize: false, budget: budget)
        let test = try idx(imagesPath: paths[1], name: "mnist_binomial.test", binarize: false, budget: budget)
        guard train.count == 60_000, test.count == 10_000 else {
            throw DataError.malformed(path: train.count == 60_000 ? paths[1] : paths[0], line: nil,
                                      reason: "expected 60000 training and 10000 test images, found \(train.count) and \(test.count)")
        }
        func binarised(_ d: Dataset, _ name: String, stream: UInt64) -> Dataset {
            var rng = RNG(seed: binomialMNISTSeed, stream: stream)
            let x = Tensor(rows: d.count, cols: d.dimension)
            for i in 0..<x.count { x.data[i] = rng.uniform() < d.x.data[i] ? 1 : 0 }
            return Dataset(name: name, x: x, height: d.height, width: d.width, kind: .binary)
        }
        return DataSplits(name: DatasetName.mnistBinomial.name,
                          train: binarised(train.slice(0..<50_000), "mnist_binomial.train", stream: 0),
                          valid: binarised(train.slice(50_000..<60_000), "mnist_binomial.valid", stream: 1),
                          test: binarised(test, "mnist_binomial.test", stream: 2))
    }
}
