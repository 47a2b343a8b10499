import CBLAS

/// A dense, row-major Float32 matrix with reference semantics.
///
/// Reference semantics are deliberate: layers keep their activation buffers between steps and
/// write into them in place, so the training hot path allocates nothing once warmed up.
/// Shape is `rows × cols`; element `(r, c)` lives at `data[r * cols + c]`.
public final class Tensor: @unchecked Sendable {
    /// Number of rows (usually the batch dimension).
    public let rows: Int
    /// Number of columns (usually the feature dimension).
    public let cols: Int
    /// Contiguous storage of `rows * cols` floats, owned by this tensor.
    public let data: UnsafeMutablePointer<Float>

    /// Total number of elements.
    @inlinable public var count: Int { rows * cols }

    /// A zero-filled `rows × cols` tensor.
    public init(rows: Int, cols: Int) {
        precondition(rows >= 0 && cols >= 0, "negative tensor shape \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        data = .allocate(capacity: max(rows * cols, 1))
        data.initialize(repeating: 0, count: max(rows * cols, 1))
    }

    /// A `rows × cols` tensor holding `values` in row-major order.
    public convenience init(rows: Int, cols: Int, values: [Float]) {
        precondition(values.count == rows * cols, "expected \(rows * cols) values, got \(values.count)")
        self.init(rows: rows, cols: cols)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { data.update(from: base, count: values.count) }
        }
    }

    /// A `rows × cols` tensor filled with `value`.
    public convenience init(rows: Int, cols: Int, repeating value: Float) {
        self.init(rows: rows, cols: cols)
        fill(value)
    }

    deinit { data.deallocate() }

    /// Element at row `r`, column `c`.
    @inlinable public subscript(r: Int, c: Int) -> Float {
        get { data[r * cols + c] }
        set { data[r * cols + c] = newValue }
    }

    /// Element at flat (row-major) index `i`.
    @inlinable public subscript(i: Int) -> Float {
        get { data[i] }
        set { data[i] = newValue }
    }

    /// The elements in row-major order.
    public var array: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// Row `r` as an array.
    public func row(_ r: Int) -> [Float] { Array(UnsafeBufferPointer(start: data + r * cols, count: cols)) }

    /// A deep copy.
    public func copy() -> Tensor {
        let t = Tensor(rows: rows, cols: cols)
        t.data.update(from: data, count: count)
        return t
    }

    /// Copies all elements of `other`, which must have the same number of elements.
    public func copy(from other: Tensor) {
        precondition(other.count == count, "copy: shape \(other.rows)×\(other.cols) into \(rows)×\(cols)")
        data.update(from: other.data, count: count)
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) {
        data.update(repeating: value, count: count)
    }

    /// Sets every element to zero.
    public func zero() { fill(0) }

    /// A new tensor holding rows `range` of this one.
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "row range \(range) out of 0..<\(rows)")
        let t = Tensor(rows: range.count, cols: cols)
        t.data.update(from: data + range.lowerBound * cols, count: range.count * cols)
        return t
    }

    /// A new tensor holding the given rows, in order (for minibatches of a shuffled dataset).
    public func gather(rows indices: ArraySlice<Int>) -> Tensor {
        let t = Tensor(rows: indices.count, cols: cols)
        gather(rows: indices, into: t)
        return t
    }

    /// Writes the given rows into `out` (shape `indices.count × cols`), reusing its storage.
    public func gather(rows indices: ArraySlice<Int>, into out: Tensor) {
        precondition(out.rows == indices.count && out.cols == cols, "gather: bad output shape")
        var dst = out.data
        for i in indices {
            dst.update(from: data + i * cols, count: cols)
            dst += cols
        }
    }

    /// Sum of all elements, accumulated in Double.
    public func sum() -> Double {
        var s = 0.0
        for i in 0..<count { s += Double(data[i]) }
        return s
    }

    /// Sum of squares of all elements, accumulated in Double.
    public func sumOfSquares() -> Double {
        var s = 0.0
        for i in 0..<count { let v = Double(data[i]); s += v * v }
        return s
    }

    /// True when every element is finite.
    public var allFinite: Bool {
        for i in 0..<count where !data[i].isFinite { return false }
        return true
    }
}

extension Tensor: CustomStringConvertible {
    /// A short description with the shape and the first few values.
    public var description: String {
        let shown = (0..<min(count, 6)).map { String(data[$0]) }.joined(separator: ", ")
        return "Tensor(\(rows)×\(cols): [\(shown)\(count > 6 ? ", …" : "")])"
    }
}

/// `c = alpha * op(a) · op(b) + beta * c` through OpenBLAS `cblas_sgemm`.
///
/// `op(x)` is `xᵀ` when the matching `trans` flag is set. Shapes are checked.
public func gemm(_ a: Tensor, transA: Bool = false, _ b: Tensor, transB: Bool = false,
                 into c: Tensor, alpha: Float = 1, beta: Float = 0) {
    let m = transA ? a.cols : a.rows
    let k = transA ? a.rows : a.cols
    let kb = transB ? b.cols : b.rows
    let n = transB ? b.rows : b.cols
    precondition(k == kb, "gemm: inner dimensions \(k) and \(kb) differ")
    precondition(c.rows == m && c.cols == n, "gemm: output is \(c.rows)×\(c.cols), expected \(m)×\(n)")
    if m == 0 || n == 0 { return }
    if k == 0 {
        if beta == 0 { c.zero() } else { for i in 0..<c.count { c.data[i] *= beta } }
        return
    }
    cblas_sgemm(CblasRowMajor,
                transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k),
                alpha, a.data, Int32(a.cols),
                b.data, Int32(b.cols),
                beta, c.data, Int32(c.cols))
}

/// Returns `op(a) · op(b)` as a new tensor.
public func matmul(_ a: Tensor, transA: Bool = false, _ b: Tensor, transB: Bool = false) -> Tensor {
    let c = Tensor(rows: transA ? a.cols : a.rows, cols: transB ? b.rows : b.cols)
    gemm(a, transA: transA, b, transB: transB, into: c)
    return c
}
