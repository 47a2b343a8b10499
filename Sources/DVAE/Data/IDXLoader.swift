extension DataLoader {
    /// Loads an MNIST IDX image file (`train-images-idx3-ubyte`, `t10k-images-idx3-ubyte`).
    ///
    /// Format: magic `00 00 08 03` (unsigned bytes, 3 dimensions), then the big-endian 32-bit sizes
    /// count, rows, cols, then `count × rows × cols` pixel bytes, each image row-major. Pixels are
    /// divided by 255; with `binarize` a pixel becomes 1 when its intensity is > 0.5, else 0 (the
    /// kind is then `.binary`, otherwise `.continuous`). A gzip-compressed file (`….gz`, as the
    /// files are distributed) is decompressed first. Label files and sizes that disagree with the
    /// file length are reported as errors.
    /// The header's sizes are multiplied with overflow checks and compared with the file's length
    /// before anything is allocated; the tensor (4 bytes per pixel) is measured against `budget`.
    public static func idx(imagesPath: String, name: String, binarize: Bool = false,
                           budget: MemoryBudget = .default) throws -> Dataset {
        var bytes = try readFileBytes(imagesPath, budget: budget)
        if isGzip(bytes) { bytes = try gunzip(bytes, path: imagesPath, budget: budget) }
        return try parseIDX(bytes, path: imagesPath, name: name, binarize: binarize, budget: budget)
    }

    /// Parses IDX image bytes (see `idx(imagesPath:name:binarize:)`).
    static func parseIDX(_ b: [UInt8], path: String, name: String, binarize: Bool,
                         budget: MemoryBudget = .default) throws -> Dataset {
        if b.count >= 2 && b[0] == 0x1F && b[1] == 0x8B {
            throw DataError.unsupportedFormat(path: path, reason: "this is a gzip-compressed file; decompress it first (gunzip)")
        }
        guard b.count >= 4 else {
            throw DataError.malformed(path: path, line: nil, reason: "file of \(b.count) bytes is too short for an IDX header")
        }
        guard b[0] == 0, b[1] == 0 else {
            throw DataError.malformed(path: path, line: nil, reason: "bad IDX magic \(b[0..<4].map(hexDigits).joined(separator: " ")), expected 00 00 08 03")
        }
        guard b[2] == 0x08 else {
            throw DataError.unsupportedFormat(path: path, reason: "IDX element type 0x\(String(b[2], radix: 16)) is not supported; expected 0x08 (unsigned byte)")
        }
        guard b[3] == 3 else {
            let hint = b[3] == 1 ? " (this looks like a label file; pass the images file …-idx3-ubyte)" : ""
            throw DataError.malformed(path: path, line: nil, reason: "IDX file has \(b[3]) dimensions, expected 3 (images × rows × cols)\(hint)")
        }
        guard b.count >= 16 else {
            throw DataError.malformed(path: path, line: nil, reason: "file of \(b.count) bytes is too short for a 3-dimensional IDX header (16 bytes)")
        }
        func be32(_ o: Int) -> Int { Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]) }
        let count = be32(4), rows = be32(8), cols = be32(12)
        guard rows > 0, cols > 0 else {
            throw DataError.malformed(path: path, line: nil, reason: "IDX header says the images are \(rows)×\(cols) pixels; both must be positive")
        }
        // Checked: a header may claim 2³¹ × 2³¹ × 2³¹ pixels.
        guard let pixels = ByteCount.product(count, rows, cols), pixels <= Int.max - 16, b.count == 16 + pixels else {
            let claimed = ByteCount.product(count, rows, cols).map { "\($0 + 16) bytes in all" } ?? "more bytes than can be counted"
            throw DataError.malformed(path: path, line: nil,
                                      reason: "header says \(count) images of \(rows)×\(cols) (\(claimed)) but the file has \(b.count) bytes")
        }
        try budget.check(ByteCount.floats(pixels), for: "the images of \(path)")
        let x = Tensor(rows: count, cols: rows * cols)
        b.withUnsafeBufferPointer { src in
            let p = src.baseAddress! + 16
            if binarize {
                // intensity/255 > 0.5  ⇔  byte > 127.5  ⇔  byte ≥ 128
                for i in 0..<x.count { x.data[i] = p[i] >= 128 ? 1 : 0 }
            } else {
                for i in 0..<x.count { x.data[i] = Float(p[i]) / 255 }
            }
        }
        return Dataset(name: name, x: x, height: rows, width: cols, kind: binarize ? .binary : .continuous)
    }
}

