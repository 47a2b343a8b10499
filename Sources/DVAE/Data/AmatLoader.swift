extension DataLoader {
    /// Loads an `.amat` text file: one image per line, `height * width` numbers separated by
    /// spaces or tabs (binarised MNIST: 784 values `0`/`1`, images 28 × 28, row-major).
    ///
    /// The file is scanned as bytes, with a fast path for the one-character tokens `0` and `1`;
    /// other numeric tokens (e.g. `0.25`) are accepted when they lie in [0, 1]. Blank lines are
    /// skipped. The kind is `.binary` when every value is 0 or 1, `.continuous` otherwise.
    /// A wrong number of values or a bad token raises `DataError.malformed` with `path:line`.
    ///
    /// Memory: the file's bytes and the tensor are measured against `budget` before allocation; the
    /// tensor is sized by the rows the file can hold (a row of D values takes at least 2D − 1
    /// bytes), not by its line count, so a file of newlines allocates nothing.
    public static func amat(path: String, name: String, height: Int = 28, width: Int = 28,
                            budget: MemoryBudget = .default) throws -> Dataset {
        let bytes = try readFileBytes(path, budget: budget)
        let (x, binary) = try bytes.withUnsafeBufferPointer {
            try parseAmat($0, path: path, columns: height * width, budget: budget)
        }
        return Dataset(name: name, x: x, height: height, width: width, kind: binary ? .binary : .continuous)
    }

    /// Parses `.amat` bytes into an `n × columns` tensor; also reports whether every value is 0 or 1.
    static func parseAmat(_ bytes: UnsafeBufferPointer<UInt8>, path: String, columns: Int,
                          budget: MemoryBudget = .default) throws -> (Tensor, Bool) {
        let n = bytes.count
        guard n > 0, let p = bytes.baseAddress else {
            throw DataError.malformed(path: path, line: nil, reason: "the file is empty; expected one image of \(columns) values per line")
        }
        precondition(columns > 0, "an image has at least one pixel")
        var newlines = 0
        for i in 0..<n where p[i] == 0x0A { newlines += 1 }
        // k rows of `columns` one-byte values and separators need at least 2·columns·k − 1 bytes.
        let capacity = min(newlines + 1, (n + 1) / (2 * columns) + 1)
        try budget.check(ByteCount.floats(ByteCount.product(capacity, columns)), for: "the images of \(path)")
        let t = Tensor(rows: capacity, cols: columns)
        let space: UInt8 = 0x20, tab: UInt8 = 0x09, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        let zero: UInt8 = 0x30, one: UInt8 = 0x31
        var allBinary = true
        var i = 0, line = 1, row = 0
        while i < n {
            var col = 0
            let out = t.data + row * columns
            while i < n {
                let b = p[i]
                if b == zero || b == one {
                    let next = i + 1 < n ? p[i + 1] : lf
                    if next == space || next == lf || next == tab || next == cr {
                        if col < columns, row < capacity { out[col] = b == one ? 1 : 0 }
                        col += 1
                        i += 1
                        continue
                    }
                }
                if b == space || b == tab || b == cr { i += 1; continue }
                if b == lf { break }
                // General token: up to the next separator.
                let start = i
                while i < n, p[i] != space, p[i] != tab, p[i] != cr, p[i] != lf { i += 1 }
                let token = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
                guard let v = Float(token), v.isFinite, v >= 0, v <= 1 else {
                    let shown = token.count > 20 ? String(token.prefix(20)) + "…" : token
                    throw DataError.malformed(path: path, line: line,
                                              reason: "value \(col + 1) is '\(shown)', expected a number in [0, 1]")
                }
                if v != 0 && v != 1 { allBinary = false }
                if col < columns, row < capacity { out[col] = v }
                col += 1
            }
            if col != 0 {
                guard row < capacity else {   // unreachable by the byte count above; never write past t
                    throw DataError.malformed(path: path, line: line, reason: "more rows than the file's size allows")
                }
                guard col == columns else {
                    throw DataError.malformed(path: path, line: line, reason: "expected \(columns) values, found \(col)")
                }
                row += 1
            }
            i += 1
            line += 1
        }
        guard row > 0 else {
            throw DataError.malformed(path: path, line: nil, reason: "no data lines; expected one image of \(columns) values per line")
        }
        return (row == capacity ? t : t.rows(0..<row), allBinary)
    }
}
