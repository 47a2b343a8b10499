/// p(x|z) = Π_d N(x_d; μ_d(z), e^{λ_d}) with an MLP producing the mean and a learned per-pixel
/// log-variance λ.
///
/// The mean is the **identity** of the output layer (no sigmoid): with `hidden == []` this is
/// exactly the linear-Gaussian model's p(x|z) = N(Wz + b, diag e^λ), so the exact closed forms and
/// the engine agree; for pixels in [0, 1] the network learns to stay in range.
///
/// Parameters, in order: `decoder.layer<i>.weight` / `.bias` (softplus hidden layers),
/// `decoder.out.weight` (D × last hidden, or D × L), `decoder.out.bias` (1 × D),
/// `decoder.logvar` (1 × D, initialised to 0).
public final class GaussianDecoder: DecoderNetwork {
    /// The hidden stack (possibly empty).
    public let trunk: MLP
    /// The output (mean) layer.
    public let out: Affine
    /// The per-pixel log-variance and its likelihood computation.
    public let likelihood: GaussianLikelihood
    private var means: Tensor?

    /// A decoder L → hidden… → D, initialised from `seed`.
    public init(latent: Int, hidden: [Int], outputSize: Int, seed: UInt64) {
        var rng = RNG(seed: seed)
        trunk = MLP(prefix: "decoder", inputSize: latent, hidden: hidden, rng: &rng, inputGradient: true)
        out = Affine(name: "decoder.out", inputSize: trunk.outputSize, outputSize: outputSize, rng: &rng)
        likelihood = GaussianLikelihood(name: "decoder.logvar", dimension: outputSize)
    }

    /// Trunk parameters, output layer, then `decoder.logvar`.
    public var parameters: [Parameter] { trunk.parameters + out.parameters + [likelihood.logVariance] }

    /// z: n × L → means n × D.
    @discardableResult
    public func forward(_ z: Tensor) -> Tensor {
        let m = out.forward(trunk.forward(z))
        means = m
        return m
    }

    /// log p(x_r | z_r) per row, after `forward`.
    public func logLikelihood(x: Tensor, into o: UnsafeMutablePointer<Double>) {
        guard let m = means else { preconditionFailure("GaussianDecoder.logLikelihood before forward") }
        likelihood.logLikelihood(mean: m, x: x, into: o)
    }

    /// dL/dz from dL/d log p per row; accumulates parameter gradients (including `decoder.logvar`).
    public func backward(x: Tensor, dLogLik: Tensor) -> Tensor {
        guard let m = means else { preconditionFailure("GaussianDecoder.backward before forward") }
        let dm = likelihood.backward(mean: m, x: x, dLogLik: dLogLik)
        guard let dh = out.backward(dm), let dz = trunk.backward(dh) else {
            preconditionFailure("decoder must produce dL/dz")
        }
        return dz
    }

    /// The means of the last forward (a copy).
    public func mean() -> Tensor {
        guard let m = means else { preconditionFailure("GaussianDecoder.mean before forward") }
        return m.copy()
    }
}
