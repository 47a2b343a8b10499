import Foundation

/// Runs the encoder on the (replicated, corrupted) batch and scores K samples per encoder row.
/// Returns the encoder's μ (for the backward pass). Fills `ws.logWeights` in the layout
/// r = (i·M + m)·K + k.
private func forwardLogWeights(_ model: VAEModel, batch x: Tensor, M: Int, K: Int,
                               corruption: Corruption, rng: inout RNG) -> Tensor {
    let ws = model.workspace
    precondition(x.cols == model.config.inputSize,
                 "batch has \(x.cols) columns, model expects \(model.config.inputSize)")
    precondition(M >= 1 && K >= 1, "M and K must be at least 1")
    let clean: Tensor
    if M == 1 {
        clean = x
    } else {
        clean = reuse(&ws.cleanReplicated, rows: x.rows * M, cols: x.cols)
        replicateRows(x, times: M, into: clean)
    }
    let encoderInput: Tensor
    if corruption.isIdentity {
        encoderInput = clean
    } else {
        encoderInput = reuse(&ws.corrupted, rows: clean.rows, cols: clean.cols)
        corruption.apply(clean, into: encoderInput, rng: &rng)
    }
    let (mu, logVar) = model.encoder.forward(encoderInput)
    // The decoder scores the clean x; only the encoder saw x̃.
    sampleAndScore(model, mu: mu, logVar: logVar, targets: clean, K: K, rng: &rng, workspace: ws)
    return mu
}

/// The objective `config` on a minibatch: the mean over the n rows of `x` of the per-example
/// objective (nats, higher is better). When `accumulateGradients` is true, adds
/// d(−objective)/dθ (the gradient of the batch-mean loss) into every `Parameter.grad`.
///
/// All n·M·K samples are processed as one batch, so each layer is one gemm. The encoder runs once
/// per (example, corruption) pair; its output is shared by the K samples. For iwae / diwae the
/// gradient weights each sample's log-weight by its normalised importance weight (softmax over k).
/// A non-finite value is returned as is (the trainer skips such steps).
public func evaluateObjective(_ model: VAEModel, batch x: Tensor, config: ObjectiveConfig,
                              rng: inout RNG, accumulateGradients: Bool) -> Double {
    let M = config.effectiveM, K = max(config.K, 1), n = x.rows
    guard n > 0 else { return 0 }
    let ws = model.workspace
    let mu = forwardLogWeights(model, batch: x, M: M, K: K, corruption: config.effectiveCorruption, rng: &rng)
    let groups = n * M
    let rowGradient = reuse(&ws.rowGradient, rows: groups * K, cols: 1)
    let logK = log(Double(K))
    var total = 0.0
    ws.logWeights.withUnsafeBufferPointer { lw in
        let g = rowGradient.data
        for e in 0..<groups {
            let w = lw.baseAddress! + e * K
            if config.kind.isImportanceWeighted {
                // log 1/K Σ_k w_k by log-sum-exp; the softmax weights are ∂/∂ log w_k.
                var mx = -Double.infinity
                for k in 0..<K { mx = max(mx, w[k]) }
                var s = 0.0
                for k in 0..<K { s += exp(w[k] - mx) }
                total += mx + log(s) - logK
                if accumulateGradients {
                    for k in 0..<K { g[e * K + k] = Float(-exp(w[k] - mx) / s / Double(M * n)) }
                }
            } else {
                var s = 0.0
                for k in 0..<K { s += w[k] }
                total += s / Double(K)
                if accumulateGradients {
                    for k in 0..<K { g[e * K + k] = Float(-1.0 / Double(M * K * n)) }
                }
            }
        }
    }
    let objective = total / Double(groups)
    if accumulateGradients && objective.isFinite {
        backpropagate(model, mu: mu, K: K, workspace: ws)
    }
    return objective
}

/// Per-sample log importance weights log p(x, z) − log q(z | x̃) for a batch: M corruptions of each
/// row of x (x̃ ~ `corruption`; `.none` gives x̃ = x), K draws z ~ q(z|x̃) for each.
///
/// Layout: element `(i·M + m)·K + k` (n·M·K values, example-major). These are the raw material of
/// every Monte Carlo bound: their mean is the ELBO / L_dvae estimate, their log-mean-exp over k the
/// IWAE / DIWAE estimate.
public func logImportanceWeights(_ model: VAEModel, batch x: Tensor, K: Int, M: Int = 1,
                                 corruption: Corruption = .none, rng: inout RNG) -> [Double] {
    _ = forwardLogWeights(model, batch: x, M: M, K: K, corruption: corruption, rng: &rng)
    return model.workspace.logWeights
}
