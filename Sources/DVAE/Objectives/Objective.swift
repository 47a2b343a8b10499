import Foundation

// Noise. Every call draws one seed s from the caller's RNG; example i of the batch then draws all
// its noise from its own stream `RNG(seed: s, stream: i)`: first its M corruptions x̃_im (pixel by
// pixel, `Corruption.apply`), then its M·K·L standard normal ε (`fillStandardNormal`), in the
// layout below. So the noise of an example depends on the seed and its index only — not on how
// the batch is split across worker threads — and one thread and several compute the same sums
// up to the order of floating-point additions.

/// Runs the encoder on rows `rows` of x (replicated M times, corrupted) and scores K samples per
/// encoder row with `model` (a worker's replica or the model itself). Returns the encoder's μ
/// (for the backward pass). Fills `ws.logWeights` in the layout r = (i·M + m)·K + k, with i
/// counted from `rows.lowerBound`.
private func forwardLogWeights(_ model: VAEModel, batch x: Tensor, rows: Range<Int>, M: Int, K: Int,
                               corruption: Corruption, kl: KLEstimator = .monteCarlo, noiseSeed: UInt64) -> Tensor {
    let ws = model.workspace
    precondition(x.cols == model.config.inputSize,
                 "batch has \(x.cols) columns, model expects \(model.config.inputSize)")
    precondition(M >= 1 && K >= 1, "M and K must be at least 1")
    let input: Tensor
    if rows == 0..<x.rows {
        input = x
    } else {
        input = reuse(&ws.shardInput, rows: rows.count, cols: x.cols)
        input.data.update(from: x.data + rows.lowerBound * x.cols, count: rows.count * x.cols)
    }
    let clean: Tensor
    if M == 1 {
        clean = input
    } else {
        clean = reuse(&ws.cleanReplicated, rows: input.rows * M, cols: x.cols)
        replicateRows(input, times: M, into: clean)
    }
    let L = model.config.latent
    let eps = reuse(&ws.eps, rows: clean.rows * K, cols: L)
    let encoderInput = corruption.isIdentity ? clean : reuse(&ws.corrupted, rows: clean.rows, cols: clean.cols)
    var streams = (0..<input.rows).map { RNG(seed: noiseSeed, stream: UInt64(rows.lowerBound + $0)) }
    if !corruption.isIdentity { corruption.apply(clean, into: encoderInput, rowsPerExample: M, streams: &streams) }
    for i in 0..<input.rows { streams[i].fillStandardNormal(eps.data + i * M * K * L, count: M * K * L) }
    let (mu, logVar) = model.encoder.forward(encoderInput)
    // The decoder scores the clean x; only the encoder saw x̃.
    let targets: Tensor
    if K == 1 {
        targets = clean
    } else {
        targets = reuse(&ws.targets, rows: clean.rows * K, cols: clean.cols)
        replicateRows(clean, times: K, into: targets)
    }
    scoreSamples(model, mu: mu, logVar: logVar, eps: eps, decoderTargets: targets, kl: kl, workspace: ws)
    return mu
}

/// One worker's part of `evaluateObjective`: the objective summed over the encoder rows of
/// examples `rows` (not yet averaged), with gradients (scaled for the mean over all `batchSize`
/// examples) accumulated into `model`'s parameters when asked and the sum is finite.
func shardObjective(_ model: VAEModel, batch x: Tensor, rows: Range<Int>, config: ObjectiveConfig,
                            noiseSeed: UInt64, batchSize n: Int, accumulateGradients: Bool) -> Double {
    let M = config.effectiveM, K = max(config.K, 1)
    let ws = model.workspace
    precondition(config.kl.problem(with: config.kind) == nil, config.kl.problem(with: config.kind) ?? "")
    let mu = forwardLogWeights(model, batch: x, rows: rows, M: M, K: K,
                               corruption: config.effectiveCorruption, kl: config.kl, noiseSeed: noiseSeed)
    let groups = rows.count * M
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
    if accumulateGradients && total.isFinite {
        backpropagate(model, mu: mu, K: K, workspace: ws)
    }
    return total
}

/// Examples per worker below which a batch is not split (the per-worker gemms get too thin).
let minimumExamplesPerWorker = 16

/// The objective `config` on a minibatch: the mean over the n rows of `x` of the per-example
/// objective (nats, higher is better). When `accumulateGradients` is true, adds
/// d(−objective)/dθ (the gradient of the batch-mean loss) into every `Parameter.grad`.
///
/// All n·M·K samples are processed as one batch, so each layer is one gemm. The encoder runs once
/// per (example, corruption) pair; its output is shared by the K samples. For iwae / diwae the
/// gradient weights each sample's log-weight by its normalised importance weight (softmax over k).
/// A non-finite value is returned as is (the trainer skips such steps).
///
/// Randomness: one `rng.next()` per call; example i draws its noise from `RNG(seed:stream: i)` of
/// it (see the top of this file). With `threads` > 1 (and at least `minimumExamplesPerWorker`
/// examples per worker) the batch is split into contiguous shards run at once on worker replicas
/// of the model; their gradients are added in shard order. The result is deterministic for a given
/// seed and thread count, and equal across thread counts up to floating-point summation order.
public func evaluateObjective(_ model: VAEModel, batch x: Tensor, config: ObjectiveConfig,
                              rng: inout RNG, accumulateGradients: Bool, threads: Int = 1) -> Double {
    let M = config.effectiveM, n = x.rows
    guard n > 0 else { return 0 }
    let noiseSeed = rng.next()
    let shards = shardRanges(n, workers: threads, minimumSize: minimumExamplesPerWorker)
    guard shards.count > 1, let workers = model.workers(shards.count) else {
        return shardObjective(model, batch: x, rows: 0..<n, config: config, noiseSeed: noiseSeed,
                              batchSize: n, accumulateGradients: accumulateGradients) / Double(n * M)
    }
    var totals = [Double](repeating: 0, count: shards.count)
    totals.withUnsafeMutableBufferPointer { out in
        let slots = UncheckedSendable(out)
        runWorkers(shards.count) { w in
            // A replica's gradients hold only this step's shard (the caller zeroed the model's own).
            if accumulateGradients && w > 0 { workers[w].zeroGradients() }
            slots.value[w] = shardObjective(workers[w], batch: x, rows: shards[w], config: config, noiseSeed: noiseSeed,
                                            batchSize: n, accumulateGradients: accumulateGradients)
        }
    }
    var total = 0.0
    for t in totals { total += t }
    if accumulateGradients && total.isFinite { model.reduceGradients(from: workers) }
    return total / Double(n * M)
}

/// Per-sample log importance weights log p(x, z) − log q(z | x̃) for a batch: M corruptions of each
/// row of x (x̃ ~ `corruption`; `.none` gives x̃ = x), K draws z ~ q(z|x̃) for each (noise drawn as
/// in `evaluateObjective`).
///
/// Layout: element `(i·M + m)·K + k` (n·M·K values, example-major). These are the raw material of
/// every Monte Carlo bound: their mean is the ELBO / L_dvae estimate, their log-mean-exp over k the
/// IWAE / DIWAE estimate.
public func logImportanceWeights(_ model: VAEModel, batch x: Tensor, K: Int, M: Int = 1,
                                 corruption: Corruption = .none, rng: inout RNG) -> [Double] {
    _ = forwardLogWeights(model, batch: x, rows: 0..<x.rows, M: M, K: K, corruption: corruption, noiseSeed: rng.next())
    return model.workspace.logWeights
}
