extension DataLoader {
    /// Side length of the synthetic images (12 × 12 = 144 pixels).
    public static let syntheticSide = 12
    /// Probability that a synthetic pixel is flipped after drawing the shape.
    public static let syntheticPixelNoise: Float = 0.02
    /// The synthetic shape families, in label order.
    public static let syntheticFamilies = ["horizontal bar", "vertical bar", "cross", "box", "diagonal", "anti-diagonal"]

    /// The built-in binary dataset: 12 × 12 images of simple shapes, generated in code (no files).
    ///
    /// Each image draws one family uniformly from `syntheticFamilies` — a horizontal or vertical
    /// bar (1–2 pixels thick, length 5–12), a plus-shaped cross (arms 2–4), a box outline (side
    /// 4–8), or a diagonal / anti-diagonal stroke (length 5–10) — at a random position, then flips
    /// each pixel with probability 0.02. The images have clear low-dimensional structure (family,
    /// position, size) for a VAE to learn. Train / valid / test hold 2000 / 500 / 500 images by
    /// default, generated in that order from one stream seeded with `seed`: the same seed gives the
    /// same data. Generating the default set takes a few milliseconds.
    public static func synthetic(seed: UInt64 = 0, trainCount: Int = 2000, validCount: Int = 500,
                                 testCount: Int = 500) -> DataSplits {
        var rng = RNG(seed: seed)
        func make(_ n: Int, _ split: String) -> Dataset {
            let x = Tensor(rows: n, cols: syntheticSide * syntheticSide)
            let labels = (0..<n).map { i in drawShape(into: x.data + i * x.cols, rng: &rng) }
            var d = Dataset(name: "synthetic.\(split)", x: x, height: syntheticSide, width: syntheticSide, kind: .binary)
            d.labels = labels
            d.labelNames = syntheticFamilies
            return d
        }
        let train = make(trainCount, "train")
        let valid = make(validCount, "valid")
        let test = make(testCount, "test")
        return DataSplits(name: "synthetic", train: train, valid: valid, test: test)
    }

    /// Draws one random shape with pixel noise into a zeroed 12 × 12 image at `image`; returns
    /// its family (an index into `syntheticFamilies`).
    @discardableResult
    private static func drawShape(into image: UnsafeMutablePointer<Float>, rng: inout RNG) -> Int {
        let s = syntheticSide
        func set(_ r: Int, _ c: Int) { if r >= 0 && r < s && c >= 0 && c < s { image[r * s + c] = 1 } }
        func between(_ lo: Int, _ hi: Int) -> Int { lo + rng.int(below: hi - lo + 1) }  // inclusive
        let family = rng.int(below: syntheticFamilies.count)
        switch family {
        case 0:  // horizontal bar
            let length = between(5, s), thick = between(1, 2)
            let r = between(0, s - thick), c = between(0, s - length)
            for dr in 0..<thick { for dc in 0..<length { set(r + dr, c + dc) } }
        case 1:  // vertical bar
            let length = between(5, s), thick = between(1, 2)
            let r = between(0, s - length), c = between(0, s - thick)
            for dc in 0..<thick { for dr in 0..<length { set(r + dr, c + dc) } }
        case 2:  // cross
            let arm = between(2, 4)
            let r = between(arm, s - 1 - arm), c = between(arm, s - 1 - arm)
            for d in -arm...arm { set(r + d, c); set(r, c + d) }
        case 3:  // box outline
            let side = between(4, 8)
            let r = between(0, s - side), c = between(0, s - side)
            for d in 0..<side { set(r, c + d); set(r + side - 1, c + d); set(r + d, c); set(r + d, c + side - 1) }
        case 4:  // diagonal stroke, top-left to bottom-right
            let length = between(5, 10)
            let r = between(0, s - length), c = between(0, s - length)
            for d in 0..<length { set(r + d, c + d) }
        default:  // anti-diagonal stroke, top-right to bottom-left
            let length = between(5, 10)
            let r = between(0, s - length), c = between(length - 1, s - 1)
            for d in 0..<length { set(r + d, c - d) }
        }
        for i in 0..<(s * s) where rng.uniform() < syntheticPixelNoise { image[i] = 1 - image[i] }
        return family
    }
}
