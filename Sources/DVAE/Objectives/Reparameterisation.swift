import CKernels
import Foundation

// The shared core of every objective and bound: given the encoder's output for E encoder rows,
// turn K standard normal draws per row into reparameterised samples, score them with the decoder
// against the clean data, and (for training) push dL/d log w back through z to the decoder and
// the encoder.

/// Forms z_r = μ_e + exp(½ logVar_e) ⊙ ε_r for r = e·K + k and fills `ws.logWeights[r]` with
/// log w_r = log p(x_r | z_r) + log p(z_r) − log q(z_r | x̃_e)   (`kl` = `.monteCarlo`), or
/// log w_r = log p(x_r | z_r) − KL(q(z | x̃_e) ‖ N(0, I))      (`kl` = `.analytic`).
///
/// `eps` is R × L (R = E·K) standard normal noise drawn by the caller; `decoderTargets` is R × D:
/// the clean x for each sample row. With ε fixed,
/// log p(z) − log q(z|x̃) = Σ_j ½ (logVar_j + ε_j² − z_j²) (the ½ ln 2π terms cancel).
func scoreSamples(_ model: VAEModel, mu: Tensor, logVar: Tensor, eps: Tensor, decoderTargets: Tensor,
                  kl: KLEstimator = .monteCarlo, workspace ws: ObjectiveWorkspace) {
    let E = mu.rows, L = mu.cols, R = eps.rows, K = R / max(E, 1)
    precondition(R == E * K && eps.cols == L, "scoreSamples: ε is \(eps.rows)×\(eps.cols) for \(E) encoder rows")
    precondition(decoderTargets.rows == R, "scoreSamples: \(decoderTargets.rows) targets for \(R) samples")
    let z = reuse(&ws.z, rows: R, cols: L)
    reuse(&ws.logWeights, count: R)
    reuse(&ws.logLik, count: R)
    // z_r = μ_e + exp(½ logVar_e) ⊙ ε_r and log w_r = ½ Σ_j (logVar + ε² − z²), in one pass.
    ws.logWeights.withUnsafeMutableBufferPointer { lw in
        dvae_reparam_sample(mu.data, logVar.data, eps.data, z.data, lw.baseAddress!, E, K, L)
    }
    if kl == .analytic {
        // The sampled log-ratio is replaced by −KL of the sample's encoder row (shared by its K).
        for e in 0..<E {
            let negKL = -analyticKL(mu: mu.data + e * L, logVar: logVar.data + e * L, count: L)
            for k in 0..<K { ws.logWeights[e * K + k] = negKL }
        }
    }
    ws.lastTargets = decoderTargets
    ws.lastLogVar = logVar
    ws.lastKL = kl
    model.decoder.forward(z)
    ws.logLik.withUnsafeMutableBufferPointer { model.decoder.logLikelihood(x: decoderTargets, into: $0.baseAddress!) }
    for r in 0..<R { ws.logWeights[r] += ws.logLik[r] }
}

/// Backward pass of the last `scoreSamples`, given dL/d log w_r in `ws.rowGradient` (R × 1).
///
/// Pathwise (reparameterised) gradients with ε held fixed:
/// dL/dz_r = a_r (∂ log p(x|z)/∂z − z), dL/dμ_e = Σ_k dL/dz_r,
/// dL/dlogVar_e = Σ_k [dL/dz_r ⊙ ½ (z_r − μ_e) + ½ a_r]  (the last term from −log q's ½ logVar),
/// where a_r = dL/d log w_r. Accumulates into the decoder's and encoder's parameter gradients.
func backpropagate(_ model: VAEModel, mu: Tensor, K: Int, workspace ws: ObjectiveWorkspace) {
    guard let z = ws.z, let a = ws.rowGradient, let targets = ws.lastTargets else {
        preconditionFailure("backpropagate before scoreSamples")
    }
    let E = mu.rows, L = mu.cols
    let dz = model.decoder.backward(x: targets, dLogLik: a)
    let dMu = reuse(&ws.dMu, rows: E, cols: L)
    let dLogVar = reuse(&ws.dLogVar, rows: E, cols: L)
    // g = dz − a z;  dμ_e = Σ_k g;  dlogVar_e = Σ_k ½ (g ⊙ (z − μ_e) + a)   (both overwritten)
    if ws.lastKL == .analytic, let logVar = ws.lastLogVar {
        analyticKLBackward(mu: mu, logVar: logVar, z: z, dz: dz, a: a, dMu: dMu, dLogVar: dLogVar, K: K)
    } else {
        dvae_reparam_backward(mu.data, z.data, dz.data, a.data, dMu.data, dLogVar.data, E, K, L)
    }
    model.encoder.backward(dMu: dMu, dLogVar: dLogVar)
}

/// The backward pass of log w_r = log p(x|z_r) − KL(N(μ_e, e^logVar_e) ‖ N(0, I)) (overwrites
/// dMu, dLogVar; E × L):
///   dμ_e      = Σ_k (dz_r − a_r μ_e)                                  (∂(−KL)/∂μ = −μ)
///   dlogVar_e = Σ_k [½ dz_r ⊙ (z_r − μ_e) + ½ a_r (1 − e^logVar_e)]   (∂(−KL)/∂logVar = ½(1 − σ²))
/// where dz_r = a_r ∂ log p(x|z_r)/∂z_r comes from the decoder and z_r − μ_e = σ_e ε_r.
private func analyticKLBackward(mu: Tensor, logVar: Tensor, z: Tensor, dz: Tensor, a: Tensor,
                                dMu: Tensor, dLogVar: Tensor, K: Int) {
    let E = mu.rows, L = mu.cols
    for e in 0..<E {
        let m = mu.data + e * L, lv = logVar.data + e * L
        let gm = dMu.data + e * L, gv = dLogVar.data + e * L
        for j in 0..<L { gm[j] = 0; gv[j] = 0 }
        for k in 0..<K {
            let r = e * K + k, ar = a.data[r]
            let zr = z.data + r * L, dzr = dz.data + r * L
            for j in 0..<L {
                gm[j] += dzr[j] - ar * m[j]
                gv[j] += 0.5 * dzr[j] * (zr[j] - m[j]) + 0.5 * ar * (1 - expf(lv[j]))
            }
        }
    }
}
