import Foundation

/// p(x|z) = Π_d N(x_d; μ_d(z), σ_d(z)²) with μ = sigmoid(a), σ = softplus(s) + 1e-4, where a and s
/// are two affine heads on one softplus MLP body — the authors' Frey Face decoder
/// (`stochastic_layer.propagate` with `binaryF = False` in their `stochastic_layer.py`).
///
/// Per row r and pixel d (shapes n × D):
///
///     forward                                    backward (g = dL/d log p_r, per row)
///     μ = sigmoid(a)                              da = g · (x − μ)/σ² · μ(1 − μ)
///     σ = softplus(s) + 1e-4                      ds = g · ((x − μ)²/σ³ − 1/σ) · sigmoid(s)
///     log p_r = Σ_d −½ ln 2π − ln σ − ½ (x − μ)²/σ²
///
/// Parameters, in order: `decoder.layer<i>.weight` / `.bias` (softplus hidden layers),
/// `decoder.out.weight` (D × last hidden) and `decoder.out.bias` (the mean head),
/// `decoder.sigma.weight` and `decoder.sigma.bias` (the σ head); all Glorot-uniform, zero biases.
public final class SigmoidGaussianDecoder: DecoderNetwork {
    /// The hidden stack (possibly empty).
    public let trunk: MLP
    /// The mean head (pre-sigmoid).
    public let out: Affine
    /// The standard-deviation head (pre-softplus).
    public let sigmaHead: Affine
    /// The floor added to softplus(s).
    public static let sigmaFloor: Float = 1e-4
    private static let halfLog2Pi: Double = 0.918_938_533_204_672_8
    private var means: Tensor?          // n × D, μ
    private var sigmas: Tensor?         // n × D, σ
    private var sigmaPre: Tensor?       // n × D, s (the head's buffer)
    private var dA: Tensor?
    private var dS: Tensor?
    private var dH: Tensor?

    /// A decoder L → hidden… → (D, D), initialised from `seed`.
    public init(latent: Int, hidden: [Int], outputSize: Int, seed: UInt64) {
        var rng = RNG(seed: seed)
        trunk = MLP(prefix: "decoder", inputSize: latent, hidden: hidden, rng: &rng, inputGradient: true)
        out = Affine(name: "decoder.out", inputSize: trunk.outputSize, outputSize: outputSize, rng: &rng)
        sigmaHead = Affine(name: "decoder.sigma", inputSize: trunk.outputSize, outputSize: outputSize, rng: &rng)
    }

    /// Trunk parameters, the mean head's, then the σ head's.
    public var parameters: [Parameter] { trunk.parameters + out.parameters + sigmaHead.parameters }

    /// z: n × L → means n × D (σ is kept for `logLikelihood`).
    @discardableResult
    public func forward(_ z: Tensor) -> Tensor {
        let h = trunk.forward(z)
        let a = out.forward(h), s = sigmaHead.forward(h)
        let mu = reuse(&means, rows: a.rows, cols: a.cols)
        let sigma = reuse(&sigmas, rows: s.rows, cols: s.cols)
        for i in 0..<a.count {
            mu.data[i] = fastSigmoid(a.data[i])
            sigma.data[i] = Self.softplus(s.data[i]) + Self.sigmaFloor
        }
        sigmaPre = s
        return mu
    }

    /// log p(x_r | z_r) per row, after `forward` (summed in Double).
    public func logLikelihood(x: Tensor, into o: UnsafeMutablePointer<Double>) {
        guard let mu = means, let sigma = sigmas else { preconditionFailure("SigmoidGaussianDecoder.logLikelihood before forward") }
        precondition(x.rows == mu.rows && x.cols == mu.cols, "SigmoidGaussianDecoder: shape mismatch")
        let d = mu.cols
        for r in 0..<mu.rows {
            var sum = 0.0
            for j in 0..<d {
                let k = r * d + j
                let sd = Double(sigma.data[k])
                let diff = Double(x.data[k]) - Double(mu.data[k])
                sum += -Self.halfLog2Pi - log(sd) - 0.5 * diff * diff / (sd * sd)
            }
            o[r] = sum
        }
    }

    /// dL/dz from dL/d log p per row; accumulates both heads' and the trunk's gradients.
    public func backward(x: Tensor, dLogLik: Tensor) -> Tensor {
        guard let mu = means, let sigma = sigmas, let s = sigmaPre else {
            preconditionFailure("SigmoidGaussianDecoder.backward before forward")
        }
        let n = mu.rows, d = mu.cols
        let da = reuse(&dA, rows: n, cols: d), ds = reuse(&dS, rows: n, cols: d)
        for r in 0..<n {
            let g = dLogLik.data[r]
            for j in 0..<d {
                let k = r * d + j
                let m = mu.data[k], sd = sigma.data[k], diff = x.data[k] - m
                let inv = 1 / sd
                da.data[k] = g * diff * inv * inv * m * (1 - m)
                ds.data[k] = g * (diff * diff * inv * inv * inv - inv) * fastSigmoid(s.data[k])
            }
        }
        guard let h1 = out.backward(da), let h2 = sigmaHead.backward(ds) else {
            preconditionFailure("decoder heads must produce dL/dh")
        }
        let dh = reuse(&dH, rows: h1.rows, cols: h1.cols)
        for i in 0..<dh.count { dh.data[i] = h1.data[i] + h2.data[i] }
        guard let dz = trunk.backward(dh) else { preconditionFailure("decoder must produce dL/dz") }
        return dz
    }

    /// The means μ of the last forward (a copy).
    public func mean() -> Tensor {
        guard let m = means else { preconditionFailure("SigmoidGaussianDecoder.mean before forward") }
        return m.copy()
    }

    /// The standard deviations σ of the last forward (a copy).
    public func standardDeviation() -> Tensor {
        guard let s = sigmas else { preconditionFailure("SigmoidGaussianDecoder.standardDeviation before forward") }
        return s.copy()
    }

    /// log(1 + eˣ) without overflow.
    private static func softplus(_ x: Float) -> Float {
        x > 20 ? x : (x < -20 ? expf(x) : log1pf(expf(x)))
    }
}
