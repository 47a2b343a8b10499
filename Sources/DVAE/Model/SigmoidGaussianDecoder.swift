import Foundation

/// p(x|z) = Π_d N(x_d; μ_d(z), σ_d(z)²) with μ = sigmoid(a), σ = softplus(s) + 1e-4, where a and s
/// are two affine heads (`decoder.out`, `decoder.sigma`) on one softplus MLP body — the authors'
/// Frey Face decoder (`stochastic_layer.propagate` with `binaryF = False` in their
/// `stochastic_layer.py`). The body is `MLPBody`; this likelihood is the part that varies.
///
/// Per row r and pixel d (shapes n × D):
///
///     forward                                    backward (g = dL/d log p_r, per row)
///     μ = sigmoid(a)                              da = g · (x − μ)/σ² · μ(1 − μ)
///     σ = softplus(s) + 1e-4                      ds = g · ((x − μ)²/σ³ − 1/σ) · sigmoid(s)
///     log p_r = Σ_d −½ ln 2π − ln σ − ½ (x − μ)²/σ²
///
/// Parameters (the body's), in order: `decoder.layer<i>.weight` / `.bias` (softplus hidden layers),
/// `decoder.out.weight` (D × last hidden) and `decoder.out.bias` (the mean head),
/// `decoder.sigma.weight` and `decoder.sigma.bias` (the σ head); all Glorot-uniform, zero biases.
public final class SigmoidGaussianLikelihood: DecoderLikelihood {
    /// The floor added to softplus(s).
    public static let sigmaFloor: Float = 1e-4
    private static let halfLog2Pi: Double = 0.918_938_533_204_672_8
    private var means: Tensor?          // n × D, μ
    private var sigmas: Tensor?         // n × D, σ
    private var dA: Tensor?
    private var dS: Tensor?

    /// A likelihood with empty buffers (it has no parameters of its own).
    public init() {}

    /// `out` (D, the pre-sigmoid mean) and `sigma` (D, the pre-softplus standard deviation).
    public func heads(outputSize: Int) -> [HeadSpec] {
        [HeadSpec(name: "out", size: outputSize), HeadSpec(name: "sigma", size: outputSize)]
    }

    /// None: both heads are the body's.
    public var parameters: [Parameter] { [] }

    /// z's head outputs (a, s) → μ (n × D, returned) and σ, kept for the likelihood.
    public func forward(outputs: [Tensor]) -> Tensor {
        let a = outputs[0], s = outputs[1]
        let mu = reuse(&means, rows: a.rows, cols: a.cols)
        let sigma = reuse(&sigmas, rows: s.rows, cols: s.cols)
        for i in 0..<a.count {
            mu.data[i] = fastSigmoid(a.data[i])
            sigma.data[i] = Self.softplus(s.data[i]) + Self.sigmaFloor
        }
        return mu
    }

    /// μ and σ of the last forward.
    private func moments(_ caller: String) -> (mu: Tensor, sigma: Tensor) {
        guard let mu = means, let sigma = sigmas else { preconditionFailure("SigmoidGaussianLikelihood.\(caller) before forward") }
        return (mu, sigma)
    }

    /// log p(x_r | z_r) per row (summed in Double), after `forward`.
    public func logLikelihood(outputs: [Tensor], x: Tensor, into o: UnsafeMutablePointer<Double>) {
        let (mu, sigma) = moments("logLikelihood")
        precondition(x.rows == mu.rows && x.cols == mu.cols, "SigmoidGaussianLikelihood: shape mismatch")
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

    /// [dL/da, dL/ds] from dL/d log p per row; after `forward` on the same outputs.
    public func backward(outputs: [Tensor], x: Tensor, dLogLik: Tensor) -> [Tensor] {
        let (mu, sigma) = moments("backward")
        let s = outputs[1]
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
        return [da, ds]
    }

    /// The means μ = sigmoid(a) of the last forward (a new tensor).
    public func mean(outputs: [Tensor]) -> Tensor { moments("mean").mu.copy() }

    /// The standard deviations σ = softplus(s) + 1e-4 of the last forward (a new tensor).
    public func standardDeviation() -> Tensor { moments("standardDeviation").sigma.copy() }

    /// log(1 + eˣ) without overflow.
    private static func softplus(_ x: Float) -> Float {
        x > 20 ? x : (x < -20 ? expf(x) : log1pf(expf(x)))
    }
}

/// The authors' Frey Face decoder: an MLP body with mean and σ heads (`SigmoidGaussianLikelihood`).
public typealias SigmoidGaussianDecoder = MLPDecoder<SigmoidGaussianLikelihood>

extension MLPDecoder where Likelihood == SigmoidGaussianLikelihood {
    /// A decoder L → hidden… → (D, D), initialised from `seed`.
    public convenience init(latent: Int, hidden: [Int], outputSize: Int, seed: UInt64) {
        self.init(latent: latent, hidden: hidden, outputSize: outputSize, seed: seed, likelihood: SigmoidGaussianLikelihood())
    }

    /// The standard deviations σ of the last forward (a copy).
    public func standardDeviation() -> Tensor { likelihood.standardDeviation() }
}
