/// One affine head of an `MLPBody`: its name (under the body's prefix) and its width.
public struct HeadSpec: Equatable, Sendable {
    /// The head's name: parameters `"<prefix>.<name>.weight"` and `"<prefix>.<name>.bias"`.
    public var name: String
    /// Output width of the head.
    public var size: Int
    /// Factor applied to the initial weights (0.1 for an encoder's log-variance head, so the
    /// initial variance is ≈ 1 for every input).
    public var initialWeightScale: Float

    /// A head `name` of `size` outputs with initial weights scaled by `initialWeightScale`.
    public init(name: String, size: Int, initialWeightScale: Float = 1) {
        self.name = name
        self.size = size
        self.initialWeightScale = initialWeightScale
    }
}

/// The network shared by the MLP encoder and the MLP decoders: a hidden stack (`MLP`, possibly
/// empty) and one or more affine heads reading its output. What the heads' outputs *mean* — a
/// Gaussian q(z|x), Bernoulli logits, Gaussian means — is the part that varies and lives in an
/// `EncoderHead` or a `DecoderLikelihood`.
///
/// Shapes: input n × inputSize → trunk n × h (h = last hidden size, or inputSize when empty) →
/// head i: n × heads[i].size. Parameters, in order: the trunk's `"<prefix>.layer<i>.…"`, then
/// each head's `"<prefix>.<name>.weight"` (size × h) and `.bias` (1 × size). Weights are drawn
/// from one RNG in that order, so a seed gives the same network as before the body existed.
public final class MLPBody {
    /// The hidden stack (possibly empty).
    public let trunk: MLP
    /// The affine heads, in the order of their specs.
    public let heads: [Affine]
    private var trunkGradient: Tensor?

    /// A body `inputSize → hidden… → heads`. When `inputGradient` is false the input is data and
    /// `backward` returns nil (no dL/dx is computed anywhere).
    public init(prefix: String, inputSize: Int, hidden: [Int], heads specs: [HeadSpec],
                inputGradient: Bool, rng: inout RNG) {
        precondition(!specs.isEmpty, "MLPBody needs at least one head")
        trunk = MLP(prefix: prefix, inputSize: inputSize, hidden: hidden, rng: &rng, inputGradient: inputGradient)
        // A head needs dL/d(its input) when something below it learns or asks for it.
        let headInputGradient = inputGradient || !hidden.isEmpty
        var heads: [Affine] = []
        for spec in specs {
            let head = Affine(name: "\(prefix).\(spec.name)", inputSize: trunk.outputSize, outputSize: spec.size,
                              rng: &rng, computesInputGradient: headInputGradient)
            if spec.initialWeightScale != 1 {
                for i in 0..<head.weight.value.count { head.weight.value.data[i] *= spec.initialWeightScale }
            }
            heads.append(head)
        }
        self.heads = heads
    }

    /// Trunk parameters, then each head's weight and bias.
    public var parameters: [Parameter] { trunk.parameters + heads.flatMap(\.parameters) }

    /// x: n × inputSize → one n × size output per head (the heads' own buffers).
    public func forward(_ x: Tensor) -> [Tensor] {
        let h = trunk.forward(x)
        return heads.map { $0.forward(h) }
    }

    /// Given dL/d(output) of every head (same order and shapes as `forward`'s result), accumulates
    /// parameter gradients and returns dL/dx (n × inputSize), or nil when the input is data.
    @discardableResult
    public func backward(_ dOutputs: [Tensor]) -> Tensor? {
        precondition(dOutputs.count == heads.count, "MLPBody.backward: \(dOutputs.count) gradients for \(heads.count) heads")
        var gradients: [Tensor] = []
        for (head, dy) in zip(heads, dOutputs) {
            if let g = head.backward(dy) { gradients.append(g) }
        }
        guard let first = gradients.first else { return nil }      // no hidden layers and the input is data
        guard gradients.count > 1 else { return trunk.backward(first) }
        // Several heads read the trunk: dL/dh is the sum of their input gradients (heads' buffers
        // are theirs, so the sum goes into the body's own buffer).
        let dh = reuse(&trunkGradient, rows: first.rows, cols: first.cols)
        let dp = dh.data, ap = first.data, bp = gradients[1].data
        for i in 0..<dh.count { dp[i] = ap[i] + bp[i] }
        for g in gradients.dropFirst(2) {
            let gp = g.data
            for i in 0..<dh.count { dp[i] += gp[i] }
        }
        return trunk.backward(dh)
    }
}
