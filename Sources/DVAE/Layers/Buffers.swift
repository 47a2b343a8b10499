/// Returns `buffer` when it already has shape `rows × cols`, otherwise a fresh zeroed tensor of that
/// shape stored back into `buffer`. Layers call this on every forward pass: after the first step
/// with a given batch size it allocates nothing.
@inline(__always)
func reuse(_ buffer: inout Tensor?, rows: Int, cols: Int) -> Tensor {
    if let b = buffer, b.rows == rows, b.cols == cols { return b }
    let t = Tensor(rows: rows, cols: cols)
    buffer = t
    return t
}

/// `[Double]` counterpart of `reuse(_:rows:cols:)`: resizes `buffer` to `count` (contents unspecified).
@inline(__always)
func reuse(_ buffer: inout [Double], count: Int) {
    if buffer.count != count { buffer = [Double](repeating: 0, count: count) }
}
