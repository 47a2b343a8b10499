import CBLAS
import CKernels

/// A fully connected layer **y = x · Wᵀ + b** (the PyTorch layout).
///
/// Shapes: input `x` is `n × inputSize`; `weight` is `outputSize × inputSize` (row `o` holds the
/// weights into output unit `o`); `bias` is `1 × outputSize`; output `y` is `n × outputSize`.
/// Parameter names are `"<name>.weight"` and `"<name>.bias"`.
///
/// The layer keeps a reference to its last input and owns its output and input-gradient buffers,
/// which are reused while the batch size is unchanged. The input must not be modified between
/// `forward` and `backward`.
public final class Affine {
    /// `outputSize × inputSize` weights, named `"<name>.weight"`.
    public let weight: Parameter
    /// `1 × outputSize` bias, named `"<name>.bias"`.
    public let bias: Parameter
    /// Width of the input rows.
    public let inputSize: Int
    /// Width of the output rows.
    public let outputSize: Int
    /// When false, `backward` skips dL/dx (the first layer of a network, whose input is data).
    public var computesInputGradient: Bool

    /// When true (inside the fused training step), `backward` computes only dL/dx and keeps dL/dy;
    /// the parameter gradients are then written by `writeParameterGradients(rows:from:)`, each
    /// worker a range of output rows from every worker's (dL/dy, x).
    var defersParameterGradients = false {
        didSet { if defersParameterGradients { deferredOutputGradient = nil } }
    }
    private var input: Tensor?
    private var deferredOutputGradient: Tensor?
    private var outputBuffer: Tensor?
    private var inputGradientBuffer: Tensor?
    /// The products on a 0/1 batch, for a first layer (one whose input is data); made by its first
    /// forward pass.
    private var binaryInput: BinaryInput?
    /// Whether the last forward pass took the 0/1-input products (`BinaryInput`); its backward
    /// pass's dW then does too.
    private(set) var usesBinaryInput = false

    /// A layer with Glorot-uniform weights (limit √(6 / (in + out))) and zero bias.
    public init(name: String, inputSize: Int, outputSize: Int, rng: inout RNG,
                computesInputGradient: Bool = true) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.computesInputGradient = computesInputGradient
        let w = Tensor(rows: outputSize, cols: inputSize)
        let limit = (6.0 / Float(inputSize + outputSize)).squareRoot()
        for i in 0..<w.count { w.data[i] = (2 * rng.uniform() - 1) * limit }
        weight = Parameter(name: name + ".weight", value: w)
        bias = Parameter(name: name + ".bias", value: Tensor(rows: 1, cols: outputSize))
    }

    /// The weight and bias parameters, in that order.
    public var parameters: [Parameter] { [weight, bias] }

    /// y = x Wᵀ + b. `x`: n × inputSize → returns the layer's own n × outputSize buffer.
    @discardableResult
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.cols == inputSize, "Affine \(weight.name): input has \(x.cols) columns, expected \(inputSize)")
        input = x
        let y = reuse(&outputBuffer, rows: x.rows, cols: outputSize)
        // The input is data (nothing below asks for dL/dx): a 0/1 batch takes the sparse products.
        usesBinaryInput = false
        if !computesInputGradient {
            let binary = binaryInput ?? BinaryInput()
            binaryInput = binary
            usesBinaryInput = binary.index(x)
            if usesBinaryInput {
                binary.forward(weight: weight.value, bias: bias.value, into: y)
                return y
            }
        }
        // Broadcast the bias into y, then accumulate the product on top of it (beta = 1).
        let b = bias.value.data
        for r in 0..<x.rows { (y.data + r * outputSize).update(from: b, count: outputSize) }
        gemm(x, weight.value, transB: true, into: y, alpha: 1, beta: 1)
        return y
    }

    /// Given dL/dy (n × outputSize) accumulates dL/dW += dyᵀ x and dL/db += Σ_rows dy, and returns
    /// dL/dx = dy W (n × inputSize, the layer's own buffer) or nil when `computesInputGradient` is false.
    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor? {
        guard let x = input else { preconditionFailure("Affine.backward before forward") }
        precondition(dy.rows == x.rows && dy.cols == outputSize, "Affine \(weight.name): bad output gradient shape")
        if defersParameterGradients {
            deferredOutputGradient = dy
            return inputGradient(dy, x)
        }
        if usesBinaryInput, let binary = binaryInput {
            BinaryInput.weightGradient(of: [(binary, dy)], outputs: 0..<outputSize, into: weight.grad.data, add: true)
        } else {
            gemm(dy, transA: true, x, into: weight.grad, alpha: 1, beta: 1)    // out×n · n×in
        }
        let db = bias.grad.data
        for r in 0..<dy.rows {
            let row = dy.data + r * outputSize
            for o in 0..<outputSize { db[o] += row[o] }
        }
        return inputGradient(dy, x)
    }

    /// dL/dx = dy W (n × inputSize, the layer's own buffer), or nil when not computed.
    private func inputGradient(_ dy: Tensor, _ x: Tensor) -> Tensor? {
        guard computesInputGradient else { return nil }
        let dx = reuse(&inputGradientBuffer, rows: x.rows, cols: inputSize)
        gemm(dy, weight.value, into: dx)                                         // n×out · out×in
        return dx
    }

    /// Writes (does not add) rows `rows` of dL/dW and dL/db: Σ_s dy_sᵀ x_s over the layers
    /// `sources` (this layer's counterparts in each worker, in worker order) that ran `backward`
    /// with `defersParameterGradients` since it was set (a layer the backward pass did not reach
    /// adds nothing). dW[rows] (|rows| × in) is one gemm per source on dy_s's columns `rows` or, when
    /// every source's input was a 0/1 batch, sums of dy's rows over all sources' examples in order
    /// (`BinaryInput`); the sums run in source order, each source's bias sum formed from 0 first,
    /// as adding per-worker gradients would.
    func writeParameterGradients(rows: Range<Int>, from sources: [Affine]) {
        guard !rows.isEmpty else { return }
        let dW = weight.grad.data + rows.lowerBound * inputSize, db = bias.grad.data
        let reached = sources.filter { $0.deferredOutputGradient != nil && $0.input != nil }
        // Sums of rows when every shard was a 0/1 batch: over the shards' examples in order, so
        // the same bits for any split.
        let sparse = !reached.isEmpty && reached.allSatisfy(\.usesBinaryInput)
        if sparse {
            let shards = reached.compactMap { source in
                source.binaryInput.flatMap { input in source.deferredOutputGradient.map { (input: input, dy: $0) } }
            }
            BinaryInput.weightGradient(of: shards, outputs: rows, into: dW, add: false)
        }
        var first = true
        for source in sources {
            guard let dy = source.deferredOutputGradient, let x = source.input else { continue }
            // dW[rows] (+)= dy[:, rows]ᵀ x      (|rows| × n · n × in)
            if !sparse {
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(rows.count), Int32(inputSize), Int32(dy.rows),
                            1, dy.data + rows.lowerBound, Int32(outputSize), x.data, Int32(inputSize),
                            first ? 0 : 1, dW, Int32(inputSize))
            }
            // db[o] (+)= Σ_r dy[r, o]
            withUnsafeTemporaryAllocation(of: Float.self, capacity: rows.count) { sum in
                sum.initialize(repeating: 0)
                for r in 0..<dy.rows {
                    let row = dy.data + r * outputSize + rows.lowerBound
                    for i in 0..<rows.count { sum[i] += row[i] }
                }
                for i in 0..<rows.count { db[rows.lowerBound + i] = first ? sum[i] : db[rows.lowerBound + i] + sum[i] }
            }
            first = false
        }
        if first {
            (weight.grad.data + rows.lowerBound * inputSize).update(repeating: 0, count: rows.count * inputSize)
            (db + rows.lowerBound).update(repeating: 0, count: rows.count)
        }
    }
}
