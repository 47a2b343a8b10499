import Foundation

/// Rows per decoder pass when streaming samples: bounds the memory of IWAE-k for any k
/// (≈ 1000 × D floats per buffer) while keeping each gemm large enough to be efficient.
let boundRowsPerPass = 1000

/// Whether a long computation should go on; returned by progress callbacks.
public enum EvaluationControl: Sendable {
    /// Continue.
    case proceed
    /// Stop as soon as possible (the call returns nil).
    case stop
}

/// Per-example Monte Carlo estimates of `kind` on every row of `data` (n × D).
///
/// The encoder runs once per example (on x, or on one x̃ ~ `corruption` per example); the k samples
/// are drawn in passes of at most `boundRowsPerPass` decoder rows (several examples per pass when
/// k is small) and combined by a streaming log-sum-exp in Double, so memory stays bounded for
/// k = 5000. With a corruption this is log 1/k Σ_k p(x, z_k)/q(z_k|x̃) with z_k ~ q(z|x̃) — the
/// DIWAE bound with M = 1 (the ELBO case is L_dvae), still a lower bound of log p(x).
/// `.elboAnalytic` scores one sample's log p(x|z) and subtracts the closed-form KL(q(z|x̃) ‖ p(z)).
///
/// Randomness: s = `RNG(seed: seed).next()`; example i draws its x̃ and then its k·L normal
/// deviates from `RNG(seed: s, stream: i)`, so every example's estimate depends on the seed and
/// its index only — not on the thread count, the block size, or how a caller splits the data.
/// Blocks of examples run at once on `threads` workers (default `ComputeThreads.count`), each with
/// its own replica of the model.
public func perExampleBounds(_ model: VAEModel, on data: Tensor, kind: BoundKind, seed: UInt64,
                             corruption: Corruption = .none, threads: Int? = nil) -> [Double] {
    boundValues(model, on: data, kind: kind, seed: seed, corruption: corruption, threads: threads) { _, _ in .proceed }!
}

/// The bound `kind` on `data`: mean over examples with its standard error (see `perExampleBounds`).
public func estimateBound(_ model: VAEModel, on data: Tensor, kind: BoundKind, seed: UInt64,
                          corruption: Corruption = .none, threads: Int? = nil) -> BoundEstimate {
    BoundEstimate(kind: kind, values: perExampleBounds(model, on: data, kind: kind, seed: seed,
                                                       corruption: corruption, threads: threads))
}

/// The bound `kind` on a dataset's examples (see `perExampleBounds`).
public func estimateBound(_ model: VAEModel, on data: Dataset, kind: BoundKind, seed: UInt64,
                          corruption: Corruption = .none, threads: Int? = nil) -> BoundEstimate {
    estimateBound(model, on: data.x, kind: kind, seed: seed, corruption: corruption, threads: threads)
}

/// The bound `kind` on `data`, calling `progress(done, total)` on the calling thread after each
/// round of blocks (done = examples finished so far); returns nil as soon as `progress` returns
/// `.stop`. The same numbers as `estimateBound` for the same seed (see `perExampleBounds`).
public func estimateBound(_ model: VAEModel, on data: Tensor, kind: BoundKind, seed: UInt64,
                          corruption: Corruption = .none, threads: Int? = nil,
                          progress: (_ done: Int, _ total: Int) -> EvaluationControl) -> BoundEstimate? {
    boundValues(model, on: data, kind: kind, seed: seed, corruption: corruption, threads: threads,
                progress: progress).map { BoundEstimate(kind: kind, values: $0) }
}

/// The per-example bounds in blocks of examples, `threads` blocks at a time, with an optional
/// progress callback after each round (nil result: stopped).
private func boundValues(_ model: VAEModel, on data: Tensor, kind: BoundKind, seed: UInt64, corruption: Corruption,
                         threads: Int?, progress: (Int, Int) -> EvaluationControl) -> [Double]? {
    let k = kind.samples
    precondition(k >= 1, "bound needs at least one sample")
    precondition(data.cols == model.config.inputSize,
                 "data has \(data.cols) columns, model expects \(model.config.inputSize)")
    let n = data.rows
    var result = [Double](repeating: 0, count: n)
    guard n > 0 else { return result }
    var seeder = RNG(seed: seed)
    let noiseSeed = seeder.next()
    let wanted = max(1, threads ?? ComputeThreads.count)
    // Blocks: as many examples as fit one pass, but small enough to give every worker a share.
    let perBlock = max(1, min(boundRowsPerPass / k, (n + wanted - 1) / wanted))
    let blocks = stride(from: 0, to: n, by: perBlock).map { $0 ..< min(n, $0 + perBlock) }
    let workers = model.workers(min(wanted, blocks.count)) ?? [model]
    var next = 0
    while next < blocks.count {
        let round = Array(blocks[next ..< min(blocks.count, next + workers.count)])
        result.withUnsafeMutableBufferPointer { out in
            let slots = UncheckedSendable(out.baseAddress!)
            runWorkers(round.count) { w in
                // No backward pass follows: the networks skip its buffers (sigmoid derivatives,
                // Bernoulli probabilities).
                workers[w].evaluatingOnly {
                    scoreBlock(workers[w], data: data, rows: round[w], kind: kind, corruption: corruption,
                               noiseSeed: noiseSeed, into: slots.value)
                }
            }
        }
        next += round.count
        if progress(round.last!.upperBound, n) == .stop { return nil }
    }
    return result
}

/// log 1/k Σ_j w_ij for the examples `rows` of `data`, written to `out[i]`: one encoder pass on the
/// block, then passes of at most `boundRowsPerPass` decoder rows, streaming log-sum-exp in Double.
private func scoreBlock(_ model: VAEModel, data: Tensor, rows: Range<Int>, kind: BoundKind, corruption: Corruption,
                        noiseSeed: UInt64, into out: UnsafeMutablePointer<Double>) {
    let ws = model.workspace
    let k = kind.samples
    let E = rows.count, D = data.cols, L = model.config.latent
    let chunk = reuse(&ws.shardInput, rows: E, cols: D)
    chunk.data.update(from: data.data + rows.lowerBound * D, count: E * D)
    var streams = (0..<E).map { RNG(seed: noiseSeed, stream: UInt64(rows.lowerBound + $0)) }
    let encoderInput = corruption.isIdentity ? chunk : reuse(&ws.corrupted, rows: E, cols: D)
    if !corruption.isIdentity { corruption.apply(chunk, into: encoderInput, rowsPerExample: 1, streams: &streams) }
    let (mu, logVar) = model.encoder.forward(encoderInput)
    // The clean targets of a full pass, replicated once per block (not once per pass).
    let perPass = min(k, max(1, boundRowsPerPass / E))
    func replicated(_ samples: Int, _ buffer: inout Tensor?) -> Tensor {
        if samples == 1 { return chunk }
        let t = reuse(&buffer, rows: E * samples, cols: D)
        replicateRows(chunk, times: samples, into: t)
        return t
    }
    let fullTargets = replicated(perPass, &ws.targets)
    var maxLog = [Double](repeating: -.infinity, count: E)
    var sumExp = [Double](repeating: 0, count: E)
    var done = 0
    while done < k {
        let kc = min(perPass, k - done)
        let eps = reuse(&ws.eps, rows: E * kc, cols: L)
        for e in 0..<E { streams[e].fillStandardNormal(eps.data + e * kc * L, count: kc * L) }
        let targets = kc == perPass ? fullTargets : replicated(kc, &ws.cleanReplicated)
        scoreSamples(model, mu: mu, logVar: logVar, eps: eps, decoderTargets: targets, workspace: ws)
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
        for e in 0..<E {
            out[rows.lowerBound + e] = ws.logLik[e] - analyticKL(mu: mu.data + e * L, logVar: logVar.data + e * L, count: L)
        }
        return
    }
    let logK = log(Double(k))
    for e in 0..<E { out[rows.lowerBound + e] = maxLog[e] + log(sumExp[e]) - logK }
}
