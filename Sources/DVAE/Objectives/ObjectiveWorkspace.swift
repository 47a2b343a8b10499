/// Scratch buffers of the objective and bound computations, owned by a `VAEModel` so the training
/// step reuses them (no allocation once the batch size is fixed).
///
/// Row layout: an "encoder row" e is one (example i, corruption m) pair, e = i·M + m; a "sample
/// row" r is one latent draw, r = e·K + k. All examples' rows are contiguous.
final class ObjectiveWorkspace {
    var shardInput: Tensor?        // n_s × D: a worker's rows of the batch
    var cleanReplicated: Tensor?   // (n·M) × D: x_i repeated M times
    var corrupted: Tensor?         // (n·M) × D: x̃
    var targets: Tensor?           // R × D: clean x for each sample row (when K > 1)
    var eps: Tensor?               // R × L: standard normal noise
    var z: Tensor?                 // R × L: z = μ + σ ⊙ ε
    var rowGradient: Tensor?       // R × 1: dL/d log w_r
    var dMu: Tensor?               // E × L
    var dLogVar: Tensor?           // E × L
    var logWeights: [Double] = []  // R: log p(x, z_r) − log q(z_r | x̃)
    var logLik: [Double] = []      // R: log p(x | z_r)
    var lastTargets: Tensor?       // the decoder targets of the last scoring pass
    var lastLogVar: Tensor?        // E × L: the encoder's log-variance of the last scoring pass
    var lastKL: KLEstimator = .monteCarlo  // how the last scoring pass scored the latent term
}

/// Copies each row of `x` `times` times into `out` (rows i·times ..< (i+1)·times hold x_i).
func replicateRows(_ x: Tensor, times: Int, into out: Tensor) {
    let d = x.cols
    precondition(out.rows == x.rows * times && out.cols == d)
    for i in 0..<x.rows {
        let src = x.data + i * d
        for t in 0..<times { (out.data + (i * times + t) * d).update(from: src, count: d) }
    }
}
