import Foundation

/// Rows per decoder pass when streaming samples: bounds the memory of IWAE-k for any k
/// (≈ 1000 × D floats per buffer) while keeping each gemm large enough to be efficient.
let boundRowsPerPass = 1000

/// Per-example Monte Carlo estimates of `kind` on every row of `data` (n × D).
///
/// The encoder runs once per example (on x, or on one x̃ ~ `corruption` per example); the k samples
/// are drawn in passes of at most `boundRowsPerPass` rows and combined by a streaming
/// log-sum-exp in Double, so memory stays bounded for k = 5000. With a corruption this is
/// log 1/k Σ_k p(x, z_k)/q(z_k|x̃) with z_k ~ q(z|x̃) — the DIWAE bound with M = 1 (the ELBO case is
/// L_dvae), still a lower bound of log p(x). `.elboAnalytic` scores one sample's log p(x|z) and
/// subtracts the closed-form KL(q(z|x̃) ‖ p(z)). Deterministic given `seed`.
public func perExampleBounds(_ model: VAEModel, on data: Tensor, kind: BoundKind, seed: UInt64,
                             corruption: Corruption = .none) -> [Double] {
    let k = kind.samples
    precondition(k >= 1, "bound needs at least one sample")
    let n = data.rows
    var rng = RNG(seed: seed)
    var result = [Double](repeating: 0, count: n)
    let ws = model.workspace
    let examplesPerChunk = max(1, boundRowsPerPass / k)
    let samplesPerPass = min(k, boundRowsPerPass)
    var maxLog = [Double](), sumExp = [Double]()
    var start = 0
    while start < n {
        let end = min(n, start + examplesPerChunk)
        let chunk = data.rows(start..<end)
        let E = chunk.rows
        let encoderInput = corruption.isIdentity ? chunk : corruption.apply(chunk, rng: &rng)
        let (mu, logVar) = model.encoder.forward(encoderInput)
        maxLog = [Double](repeating: -.infinity, count: E)
        sumExp = [Double](repeating: 0, count: E)
        var done = 0
        while done < k {
            let kc = min(samplesPerPass, k - done)
            sampleAndScore(model, mu: mu, logVar: logVar, targets: chunk, K: kc, rng: &rng, workspace: ws)
            for e in 0..<E {
                for j in 0..<kc {
                    // Streaming log-sum-exp: keep (max, Σ exp(w − max)), rescaling when max grows.
                    let w = ws.logWeights[e * kc + j]
                    if w > maxLog[e] {
                        sumExp[e] = sumExp[e] * exp(maxLog[e] - w) + 1
                        maxLog[e] = w
                    } else {
                        sumExp[e] += exp(w - maxLog[e])
                    }
                }
            }
            done += kc
        }
        if kind == .elboAnalytic {
            // log p(x|z) of the one sample, minus KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − 1 − log σ²).
            let L = mu.cols
            for e in 0..<E {
                var kl = 0.0
                for j in 0..<L {
                    let m = Double(mu.data[e * L + j]), lv = Double(logVar.data[e * L + j])
                    kl += 0.5 * (m * m + exp(lv) - 1 - lv)
                }
                result[start + e] = ws.logLik[e] - kl
            }
            start = end
            continue
        }
        let logK = log(Double(k))
        for e in 0..<E { result[start + e] = maxLog[e] + log(sumExp[e]) - logK }
        start = end
    }
    return result
}

/// The bound `kind` on `data`: mean over examples with its standard error (see `perExampleBounds`).
public func estimateBound(_ model: VAEModel, on data: Tensor, kind: BoundKind, seed: UInt64,
                          corruption: Corruption = .none) -> BoundEstimate {
    BoundEstimate(kind: kind, values: perExampleBounds(model, on: data, kind: kind, seed: seed, corruption: corruption))
}

/// The bound `kind` on a dataset's examples (see `perExampleBounds`).
public func estimateBound(_ model: VAEModel, on data: Dataset, kind: BoundKind, seed: UInt64,
                          corruption: Corruption = .none) -> BoundEstimate {
    estimateBound(model, on: data.x, kind: kind, seed: seed, corruption: corruption)
}
