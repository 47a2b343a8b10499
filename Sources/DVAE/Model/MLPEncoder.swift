/// The MLP inference network: an `MLPBody` (softplus hidden layers and affine heads) and an
/// `EncoderHead` that reads the heads as q(z|x)'s (μ, logVar).
///
/// Parameters, in order, with the default `LogVarianceHead` (`h` = last hidden width, or D when
/// `hidden` is empty): `encoder.layer<i>.weight` (hidden[i] × previous), `encoder.layer<i>.bias`
/// (1 × hidden[i]), `encoder.mu.weight` (L × h), `encoder.mu.bias` (1 × L),
/// `encoder.logvar.weight` (L × h), `encoder.logvar.bias` (1 × L).
/// With `hidden == []` both heads are affine in x (the linear-Gaussian model's encoder).
public final class MLPEncoder: EncoderNetwork {
    /// The hidden stack and the affine heads.
    public let body: MLPBody
    /// What the heads mean.
    public let head: any EncoderHead

    /// An encoder D → hidden… → (L, L), initialised from `seed`. With the default head,
    /// `shrinkVarianceHead` (the default) scales the logVar head's initial weights by 0.1; false
    /// keeps plain Glorot-uniform.
    public init(inputSize: Int, hidden: [Int], latent: Int, seed: UInt64, shrinkVarianceHead: Bool = true,
                head: (any EncoderHead)? = nil) {
        var rng = RNG(seed: seed)
        let head = head ?? LogVarianceHead(shrinkVarianceHead: shrinkVarianceHead)
        self.head = head
        body = MLPBody(prefix: "encoder", inputSize: inputSize, hidden: hidden, heads: head.heads(latent: latent),
                       inputGradient: false, rng: &rng)
    }

    /// The hidden stack (possibly empty).
    public var trunk: MLP { body.trunk }

    /// Trunk parameters, then the heads' (μ, then logVar for the default head).
    public var parameters: [Parameter] { body.parameters }

    /// x: n × D → (μ, logVar) n × L each (buffers owned by the encoder).
    public func forward(_ x: Tensor) -> (mu: Tensor, logVar: Tensor) {
        head.forward(body.forward(x))
    }

    /// Accumulates gradients from dL/dμ, dL/dlogVar (n × L).
    public func backward(dMu: Tensor, dLogVar: Tensor) {
        body.backward(head.backward(dMu: dMu, dLogVar: dLogVar))
    }
}
