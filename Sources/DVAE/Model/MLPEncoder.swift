/// The MLP inference network: softplus hidden layers, then two affine heads for μ and logVar.
///
/// Parameters, in order (`h` = last hidden width, or D when `hidden` is empty):
/// `encoder.layer<i>.weight` (hidden[i] × previous), `encoder.layer<i>.bias` (1 × hidden[i]),
/// `encoder.mu.weight` (L × h), `encoder.mu.bias` (1 × L),
/// `encoder.logvar.weight` (L × h), `encoder.logvar.bias` (1 × L).
/// With `hidden == []` both heads are affine in x (the linear-Gaussian model's encoder).
public final class MLPEncoder: EncoderNetwork {
    /// The hidden stack (possibly empty).
    public let trunk: MLP
    /// The μ head.
    public let muHead: Affine
    /// The logVar head.
    public let logVarHead: Affine
    private var trunkGradient: Tensor?

    /// An encoder D → hidden… → (L, L), initialised from `seed`. `shrinkVarianceHead` (the default)
    /// scales the logVar head's initial weights by 0.1; false keeps plain Glorot-uniform.
    public init(inputSize: Int, hidden: [Int], latent: Int, seed: UInt64, shrinkVarianceHead: Bool = true) {
        var rng = RNG(seed: seed)
        trunk = MLP(prefix: "encoder", inputSize: inputSize, hidden: hidden, rng: &rng, inputGradient: false)
        let headInputGradient = !hidden.isEmpty
        muHead = Affine(name: "encoder.mu", inputSize: trunk.outputSize, outputSize: latent, rng: &rng,
                        computesInputGradient: headInputGradient)
        logVarHead = Affine(name: "encoder.logvar", inputSize: trunk.outputSize, outputSize: latent, rng: &rng,
                            computesInputGradient: headInputGradient)
        // Shrink the logVar head's initial weights so the initial logVar ≈ 0 (σ ≈ 1) for every
        // input: large random initial variances make the first steps needlessly noisy.
        if shrinkVarianceHead {
            for i in 0..<logVarHead.weight.value.count { logVarHead.weight.value.data[i] *= 0.1 }
        }
    }

    /// Trunk parameters, then μ head, then logVar head.
    public var parameters: [Parameter] { trunk.parameters + muHead.parameters + logVarHead.parameters }

    /// x: n × D → (μ, logVar) n × L each (the heads' buffers).
    public func forward(_ x: Tensor) -> (mu: Tensor, logVar: Tensor) {
        let h = trunk.forward(x)
        return (muHead.forward(h), logVarHead.forward(h))
    }

    /// Accumulates gradients from dL/dμ, dL/dlogVar (n × L).
    public func backward(dMu: Tensor, dLogVar: Tensor) {
        let gMu = muHead.backward(dMu)
        let gLv = logVarHead.backward(dLogVar)
        guard let a = gMu, let b = gLv else { return }      // no hidden layers: nothing below
        let g = reuse(&trunkGradient, rows: a.rows, cols: a.cols)
        let n = a.count
        let ap = a.data, bp = b.data, gp = g.data
        for i in 0..<n { gp[i] = ap[i] + bp[i] }
        _ = trunk.backward(g)
    }
}
