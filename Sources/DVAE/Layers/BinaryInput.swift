import CKernels

/// The products of a network's first layer when its input batch holds only 0 and 1 and few ones
/// (binarised digits, with or without salt-and-pepper or bit-flip noise): x Wᵀ is then a sum of
/// the rows of Wᵀ at the ones, and dyᵀx a sum of the rows of dy (`BinaryInputLoops.c`).
///
/// On MNIST (about 16 % ones after 5 % noise) that is a sixth of the dense product's additions
/// and no multiplications. Grey-level, Gaussian-corrupted or dense batches keep the dense product:
/// `index` says which, per batch. The sums run in a fixed order, so a batch gives the same bits
/// on every vector level and for every split into shards; against the dense product the results
/// differ only by float32 rounding.
final class BinaryInput {
    /// Batches with a larger fraction of ones use the dense product, where sgemm is as fast. A
    /// switch for tests and measurements (0 turns the sparse path off); not for concurrent change.
    nonisolated(unsafe) static var densityLimit = 0.25

    /// Whether the last `index` call indexed its batch (the sparse products apply to it).
    private(set) var isActive = false
    private var rows = 0, cols = 0
    // The ones by row (columns, offsets) and by column (rowsOf, columnOffsets), and Wᵀ; kept in
    // buffers of stable address, so that several workers' indexes can be handed to one C call.
    private let columns = GrowableBuffer<Int32>(), offsets = GrowableBuffer<Int32>()
    private let rowsOf = GrowableBuffer<Int32>(), columnOffsets = GrowableBuffer<Int32>()
    private let transposedWeight = GrowableBuffer<Float>()

    /// Indexes the ones of `x` (n × cols) when it is 0/1 with at most `densityLimit` ones; returns
    /// whether it did (false: use the dense product).
    func index(_ x: Tensor) -> Bool {
        isActive = false
        let limit = Int(Double(x.count) * Self.densityLimit)
        guard limit > 0 else { return false }
        let ones = dvae_binary_index(x.data, x.rows, x.cols, limit, columns.reserve(limit + x.cols),
                                     offsets.reserve(x.rows + 1))
        guard ones >= 0 else { return false }
        dvae_binary_index_by_column(columns.pointer, offsets.pointer, x.rows, x.cols, rowsOf.reserve(max(ones, 1)),
                                    columnOffsets.reserve(x.cols + 1))
        rows = x.rows
        cols = x.cols
        isActive = true
        return true
    }

    /// y = x Wᵀ + b for the indexed batch: `weight` is out × cols, `bias` 1 × out, `y` n × out.
    func forward(weight: Tensor, bias: Tensor, into y: Tensor) {
        precondition(isActive && weight.cols == cols && y.rows == rows && y.cols == weight.rows)
        let out = weight.rows
        let wt = transposedWeight.reserve(cols * out)
        dvae_transpose(weight.data, out, cols, cols, wt, out)                                 // out × in → in × out
        dvae_rows_sum_forward(columns.pointer, offsets.pointer, rows, wt, out, bias.data, y.data)
    }

    /// Rows `outputs` of dW = Σ_s dy_sᵀ x_s over `sources` (each an indexed input with its dL/dy,
    /// in shard order): written into `dW` (|outputs| × in, rows `cols` apart) or, with `add`, added
    /// to it. Summed from zero over the sources' examples in order, so the bits do not depend on
    /// how the batch was split. Reads the sources only: workers may call it at once.
    static func weightGradient(of sources: [(input: BinaryInput, dy: Tensor)], outputs: Range<Int>,
                               into dW: UnsafeMutablePointer<Float>, add: Bool) {
        guard let first = sources.first?.input else { return }
        precondition(sources.allSatisfy { $0.input.isActive && $0.input.cols == first.cols && $0.dy.rows == $0.input.rows
                                          && $0.dy.cols == sources[0].dy.cols && outputs.upperBound <= $0.dy.cols })
        let rowsOf = sources.map { UnsafePointer<Int32>?($0.input.rowsOf.pointer) }
        let columnOffsets = sources.map { UnsafePointer<Int32>?($0.input.columnOffsets.pointer) }
        let dy = sources.map { UnsafePointer<Float>?($0.dy.data + outputs.lowerBound) }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 16 * max(outputs.count, 1))
        defer { scratch.deallocate() }
        dvae_binary_weight_gradient(sources.count, rowsOf, columnOffsets, dy, sources[0].dy.cols, first.cols,
                                    outputs.count, dW, first.cols, add ? 1 : 0, scratch)
    }
}

/// A heap buffer of stable address that only grows (contents unspecified after growing).
final class GrowableBuffer<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private var capacity = 1

    init() { pointer = .allocate(capacity: 1) }
    deinit { pointer.deallocate() }

    /// Room for at least `count` elements; returns the (possibly new) address.
    func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
        if count > capacity {
            pointer.deallocate()
            pointer = .allocate(capacity: count)
            capacity = count
        }
        return pointer
    }
}
