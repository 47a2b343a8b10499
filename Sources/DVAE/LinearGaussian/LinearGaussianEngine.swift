/// The linear-Gaussian model run THROUGH THE GENERAL ENGINE: the same numbers as the closed forms,
/// computed by the code path that trains and evaluates real networks (Float32, BLAS, the
/// objective and bound functions). Agreement checks the engine, not just the algebra.
///
/// The mapping is exact:
/// - encoder: `MLPEncoder` with no hidden layers, so μ = x Aᵀ + c (`encoder.mu.weight` = A, L × D;
///   `encoder.mu.bias` = c) and logVar = x·0 + log Vdiag (`encoder.logvar.weight` = 0,
///   `encoder.logvar.bias` = log Vdiag): q(z|x̃) = N(A x̃ + c, V).
/// - decoder: `GaussianDecoder` with no hidden layers and an identity output, so the mean is
///   z Wᵀ + b (`decoder.out.weight` = W, D × L; `decoder.out.bias` = b) and `decoder.logvar` = log s²
///   for every pixel: p(x|z) = N(W z + b, s² I).
/// - corruption: `Corruption.gaussian(σ)` (not clipped).

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Monte Carlo estimates obtained through the engine's objective and bound code.
public struct LinearGaussianEngineEstimates: Sendable {
    /// L_dvae from `evaluateObjective(.dvae, K, M, .gaussian(σ))`: mean of `replicates` independent
    /// evaluations, SE = their standard deviation / √replicates.
    public var dvae: MonteCarloEstimate
    /// The plain ELBO from `evaluateObjective(.vae, K)`, same replicate scheme.
    public var elbo: MonteCarloEstimate
    /// log p(x) from `perExampleBounds(.iwae(k))` (the numbers behind `estimateBound`): mean over the
    /// data points. Its SE is the Monte Carlo error only: the standard deviation over points of
    /// (IWAE_i − exact log p(x_i)) / √n when the exact values are available (they are, here).
    /// IWAE-k is biased low by O(1/k); with a near-optimal encoder and k ≥ 1000 the bias is far below the SE.
    public var logMarginal: MonteCarloEstimate
}

extension LinearGaussianModel {
    /// The `ModelConfig` of the engine model that represents this linear-Gaussian model:
    /// an affine MLP encoder (no hidden layers) and a linear Gaussian decoder, image shape 1 × D.
    public var engineConfig: ModelConfig {
        ModelConfig(inputSize: D, height: 1, width: D, encoder: .mlp, encoderHidden: [], latent: L,
                    decoder: .gaussian, decoderHidden: [])
    }

    /// A `VAEModel` computing exactly this model (in Float32): parameters copied in by name
    /// (see the file header for the mapping). Traps if the engine's names or shapes ever change.
    public func makeEngineModel() -> VAEModel {
        let model = VAEModel(config: engineConfig, seed: 0)
        let assignments: [(String, DenseMatrix)] = [
            ("encoder.mu.weight", A),
            ("encoder.mu.bias", DenseMatrix(rows: 1, cols: L, values: c)),
            ("encoder.logvar.weight", DenseMatrix(rows: L, cols: D)),          // zero: V does not depend on x̃
            ("encoder.logvar.bias", DenseMatrix(rows: 1, cols: L, values: Vdiag.map { log($0) })),
            ("decoder.out.weight", W),
            ("decoder.out.bias", DenseMatrix(rows: 1, cols: D, values: b)),
            ("decoder.logvar", DenseMatrix(rows: 1, cols: D, values: Array(repeating: log(s2), count: D))),
        ]
        precondition(Set(model.parameters.map(\.name)) == Set(assignments.map(\.0)),
                     "engine parameter names changed: \(model.parameters.map(\.name))")
        for (name, value) in assignments {
            guard let p = model.parameter(named: name) else { preconditionFailure("no engine parameter \(name)") }
            precondition(p.value.rows == value.rows && p.value.cols == value.cols,
                         "\(name): engine shape \(p.value.rows)×\(p.value.cols), model \(value.rows)×\(value.cols)")
            for i in 0..<value.values.count { p.value.data[i] = Float(value.values[i]) }
        }
        return model
    }

    /// Monte Carlo estimates through the engine (see `LinearGaussianEngineEstimates`) on the rows of `data`.
    ///
    /// - `K`, `M`: samples per corruption and corruptions per point for L_dvae (and K for the ELBO).
    /// - `replicates`: independent evaluations of the objective (≥ 2) for the standard error.
    /// - `iwaeSamples`: k of the IWAE estimate of log p(x).
    public func engineMonteCarlo(data: DenseMatrix, K: Int = 10, M: Int = 10, replicates: Int = 20,
                                 iwaeSamples: Int = 2000, seed: UInt64) -> LinearGaussianEngineEstimates {
        precondition(data.cols == D && replicates >= 2)
        let model = makeEngineModel()
        let x = data.tensor
        var rng = RNG(seed: seed)
        let dvaeConfig = ObjectiveConfig(kind: .dvae, K: K, M: M, corruption: .gaussian(Float(sigma)))
        let elboConfig = ObjectiveConfig(kind: .vae, K: K * M)
        let dvae = (0..<replicates).map { _ in
            evaluateObjective(model, batch: x, config: dvaeConfig, rng: &rng, accumulateGradients: false)
        }
        let elbo = (0..<replicates).map { _ in
            evaluateObjective(model, batch: x, config: elboConfig, rng: &rng, accumulateGradients: false)
        }
        let iwae = perExampleBounds(model, on: x, kind: .iwae(iwaeSamples), seed: rng.next())
        let differences = (0..<data.rows).map { iwae[$0] - logMarginal(data.row($0)) }
        let exactMean = (0..<data.rows).reduce(0.0) { $0 + logMarginal(data.row($1)) } / Double(data.rows)
        let logMarg: MonteCarloEstimate
        if data.rows >= 2 {
            let d = MonteCarloEstimate(samples: differences)
            logMarg = MonteCarloEstimate(mean: exactMean + d.mean, standardError: d.standardError,
                                         count: data.rows * iwaeSamples)
        } else {
            logMarg = MonteCarloEstimate(mean: iwae[0], standardError: .nan, count: iwaeSamples)
        }
        return LinearGaussianEngineEstimates(dvae: MonteCarloEstimate(samples: dvae),
                                             elbo: MonteCarloEstimate(samples: elbo), logMarginal: logMarg)
    }
}

extension MarginalEncoderSampler {
    /// `count` draws z ~ q̃(z|x) through the engine: `count` copies of the single example `x` (1 × D)
    /// are corrupted by `corruption`, passed through `encoder` in batches of at most `batchSize`, and
    /// z = μ + exp(½ logVar) ε is drawn per row. Returns count × L.
    public static func sample(x: Tensor, encoder: EncoderNetwork, corruption: Corruption, count: Int,
                              rng: inout RNG, batchSize: Int = 1000) -> DenseMatrix {
        precondition(x.rows == 1 && count > 0 && batchSize > 0)
        var out: DenseMatrix? = nil
        var done = 0
        while done < count {
            let n = min(batchSize, count - done)
            let copies = Tensor(rows: n, cols: x.cols)
            for r in 0..<n { (copies.data + r * x.cols).update(from: x.data, count: x.cols) }
            let input = corruption.isIdentity ? copies : corruption.apply(copies, rng: &rng)
            let (mu, logVar) = encoder.forward(input)
            if out == nil { out = DenseMatrix(rows: count, cols: mu.cols) }
            for r in 0..<n { for j in 0..<mu.cols {
                out![done + r, j] = Double(mu[r, j]) + exp(0.5 * Double(logVar[r, j])) * ExactGaussian.standardNormal(&rng)
            } }
            done += n
        }
        return out!
    }
}
