/// A set of images, one per row of `x`.
///
/// A value type whose pixel tensor is shared (`Tensor` is a class): never mutate `x` in place —
/// slices and subsets copy the rows they keep.
public struct Dataset: Sendable {
    /// A short name, e.g. "binarized_mnist.train".
    public var name: String
    /// The images, `count × dimension`, one image per row, each row the image in row-major order;
    /// values in [0, 1].
    public var x: Tensor { didSet { digestCache = DigestCache() } }
    /// Image height in pixels.
    public var height: Int { didSet { digestCache = DigestCache() } }
    /// Image width in pixels (`height * width == dimension`).
    public var width: Int { didSet { digestCache = DigestCache() } }
    /// Binary or continuous pixels (chooses the decoder likelihood).
    public var kind: DataKind { didSet { digestCache = DigestCache() } }
    /// A class label per example when the data has them (the synthetic shapes' family), else
    /// nil; slices and samples keep the labels of the rows they keep. Not part of the digest.
    public var labels: [Int]? = nil
    /// Names of the label values (index = label), when known.
    public var labelNames: [String]? = nil
    /// `contentDigest`, computed at most once per pixel tensor and shared by every copy of this
    /// value (reset when `x`, the shape or `kind` is replaced).
    var digestCache = DigestCache()

    /// A dataset of the images in `x` (`height * width` must equal `x.cols`).
    public init(name: String, x: Tensor, height: Int, width: Int, kind: DataKind) {
        precondition(height * width == x.cols,
                     "Dataset \(name): image shape \(height)×\(width) does not match \(x.cols) columns")
        self.name = name
        self.x = x
        self.height = height
        self.width = width
        self.kind = kind
    }

    /// Number of images.
    public var count: Int { x.rows }

    /// Number of pixels per image.
    public var dimension: Int { x.cols }

    /// The images with indices in `r` (a copy), named `name[lower:upper]`.
    public func slice(_ r: Range<Int>) -> Dataset {
        precondition(r.lowerBound >= 0 && r.upperBound <= count, "slice \(r) out of 0..<\(count) in \(name)")
        var d = Dataset(name: "\(name)[\(r.lowerBound):\(r.upperBound)]", x: x.rows(r),
                        height: height, width: width, kind: kind)
        d.labels = labels.map { Array($0[r]) }
        d.labelNames = labelNames
        return d
    }

    /// The images with indices in `r` (same as `slice(_:)`).
    public subscript(r: Range<Int>) -> Dataset { slice(r) }

    /// The first `min(n, count)` images.
    public func subset(first n: Int) -> Dataset {
        precondition(n >= 0, "subset(first: \(n)) needs n ≥ 0")
        return slice(0..<min(n, count))
    }

    /// `min(n, count)` images drawn without replacement by a seeded shuffle, in shuffled order.
    ///
    /// Prefer this to `subset(first:)` for experiments: some public files are sorted (the
    /// binarised MNIST test split runs 0s, then 1s, …), so "the first 1000" is a single class.
    /// Asking for the whole split (or more) still shuffles it: `sample(count)` is a permutation,
    /// so its first rows are as mixed as those of any smaller sample.
    public func sample(_ n: Int, seed: UInt64 = 0) -> Dataset {
        precondition(n >= 0, "sample(\(n)) needs n ≥ 0")
        let n = Swift.min(n, count)
        var order = Array(0..<count)
        var rng = RNG(seed: seed ^ 0x5EED_DA7A)
        rng.shuffle(&order)
        var d = Dataset(name: name, x: x.gather(rows: order[0..<n]), height: height, width: width, kind: kind)
        d.labels = labels.map { l in order[0..<n].map { l[$0] } }
        d.labelNames = labelNames
        return d
    }

    /// Image `i` as a row-major array of `dimension` pixels.
    public func image(_ i: Int) -> [Float] { x.row(i) }

    /// The mean of all pixels (accumulated in Double).
    public var pixelMean: Double { count == 0 ? 0 : x.sum() / Double(x.count) }
}

extension Dataset: CustomStringConvertible {
    /// E.g. `binarized_mnist.train: 50000 binary images 28×28`.
    public var description: String {
        "\(name): \(count) \(kind.rawValue) images \(height)×\(width)"
    }
}
