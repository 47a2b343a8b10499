import CBLAS
import CKernels

/// A GRU inference network (the paper's Table 3): reads an image one row per step, then two affine
/// heads map the last state to μ and logVar of q(z|x) = N(μ, diag exp(logVar)).
///
/// # The recurrence (Cho et al. 2014, "reset before the matmul" variant)
///
/// For step t = 1…T (T = image height), with x_t ∈ R^W the t-th image row and h_0 = 0:
///
///     a^z_t = W_z x_t + U_z h_{t−1} + b_z,      z_t = σ(a^z_t)                 update gate
///     a^r_t = W_r x_t + U_r h_{t−1} + b_r,      r_t = σ(a^r_t)                 reset gate
///     a^c_t = W_c x_t + U_c (r_t ⊙ h_{t−1}) + b_c,   c_t = tanh(a^c_t)        candidate
///     h_t   = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ c_t                                   new state
///
/// The reset gate multiplies h_{t−1} *before* the recurrent matmul U_c (as in Cho et al. 2014; the
/// cuDNN/PyTorch variant applies r after it: r ⊙ (U_c h + b)). As in Cho et al., z_t is the fraction
/// of the old state kept. Then μ = h_T W_μᵀ + b_μ and logVar = h_T W_λᵀ + b_λ.
///
/// # Backpropagation through time
///
/// Given δh_t = ∂L/∂h_t (for t = T it comes from the heads; earlier, from step t + 1):
///
///     δz   = δh_t ⊙ (h_{t−1} − c_t)              δa^z = δz ⊙ z_t (1 − z_t)
///     δc   = δh_t ⊙ (1 − z_t)                     δa^c = δc ⊙ (1 − c_t²)
///     δ(rh) = δa^c U_c                            δr   = δ(rh) ⊙ h_{t−1},   δa^r = δr ⊙ r_t (1 − r_t)
///     δh_{t−1} = δh_t ⊙ z_t + δ(rh) ⊙ r_t + δa^z U_z + δa^r U_r
///     ∂L/∂U_c += δa^cᵀ (r_t ⊙ h_{t−1}),   ∂L/∂[U_z; U_r] += [δa^z, δa^r]ᵀ h_{t−1}
///     ∂L/∂[W_z; W_r; W_c] += Σ_t [δa^z, δa^r, δa^c]ᵀ x_t,   ∂L/∂b += Σ_t Σ_rows [δa^z, δa^r, δa^c]
///
/// # Batching
///
/// The input projections of all steps are one gemm: the batch is copied step-major into
/// X (T·n × W, row t·n + i = row t of image i), then P = X [W_z; W_r; W_c]ᵀ + b is (T·n × 3H) and the
/// rows t·n ..< (t+1)·n are step t's pre-activations for the whole batch. Each step then adds its
/// recurrent products with two gemms (n × H by H × 2H, and n × H by H × H) written straight into
/// the block of P (leading dimension 3H); the candidate's product needs r_t first, so two is the
/// least this variant allows. Backward mirrors this: two gemms per step for δh_{t−1}, and at the
/// end three big gemms over all T·n rows at once for the recurrent and the input weight gradients
/// (the per-step pieces they sum are all kept: δa in dP, h_{t−1} in the states, r ⊙ h_{t−1}).
///
/// # Parameters (shapes follow the engine's y = x Wᵀ + b convention)
///
/// - `encoder.gru.input.weight` 3H × W — rows [W_z; W_r; W_c]
/// - `encoder.gru.input.bias` 1 × 3H — [b_z, b_r, b_c]
/// - `encoder.gru.gates.weight` 2H × H — rows [U_z; U_r]
/// - `encoder.gru.candidate.weight` H × H — U_c
/// - `encoder.mu.weight` L × H, `encoder.mu.bias` 1 × L
/// - `encoder.logvar.weight` L × H, `encoder.logvar.bias` 1 × L
///
/// Initialisation: GRU weights uniform in ±1/√H (the usual recurrent default), biases zero; heads
/// Glorot-uniform with the logVar weights shrunk by 10 (initial variance ≈ 1, like `MLPEncoder`).
public final class GRUEncoder: EncoderNetwork {
    /// W, the number of pixels read per step (image width).
    public let inputWidth: Int
    /// T, the number of steps (image height).
    public let steps: Int
    /// H, the state size.
    public let hidden: Int
    /// L, the latent size.
    public let latent: Int

    /// [W_z; W_r; W_c] (3H × W) with bias [b_z, b_r, b_c] (1 × 3H).
    public let inputWeight: Parameter
    /// The input bias, 1 × 3H.
    public let inputBias: Parameter
    /// [U_z; U_r], 2H × H.
    public let gateWeight: Parameter
    /// U_c, H × H.
    public let candidateWeight: Parameter
    /// The μ head (L × H).
    public let muHead: Affine
    /// The logVar head (L × H).
    public let logVarHead: Affine

    // Forward caches (step-major, T·n rows; reused while the batch size is unchanged).
    private var xSteps: Tensor?        // T·n × W      inputs x_t
    private var pre: Tensor?           // T·n × 3H     pre-activations, then [z, r, c] after the step
    private var states: Tensor?        // (T+1)·n × H  h_0 … h_T
    private var resetState: Tensor?    // T·n × H      r_t ⊙ h_{t−1}
    private var lastState: Tensor?     // n × H        copy of h_T (input of the heads)
    private var batch = 0
    // Backward scratch.
    private var dPre: Tensor?          // T·n × 3H     [δa^z, δa^r, δa^c]
    private var dState: Tensor?        // n × H        δh_t, updated in place to δh_{t−1}
    private var dResetState: Tensor?   // n × H        δ(r ⊙ h)

    /// A GRU encoder reading `steps` rows of `inputWidth` pixels with state size `hidden`, producing a
    /// `latent`-dimensional Gaussian; weights from `seed`.
    /// `shrinkVarianceHead` false keeps the logVar head plain Glorot-uniform.
    public init(inputWidth: Int, steps: Int, hidden: Int, latent: Int, seed: UInt64, shrinkVarianceHead: Bool = true) {
        precondition(inputWidth > 0 && steps > 0 && hidden > 0 && latent > 0, "GRUEncoder: sizes must be positive")
        self.inputWidth = inputWidth; self.steps = steps; self.hidden = hidden; self.latent = latent
        var rng = RNG(seed: seed)
        let k = 1 / Float(hidden).squareRoot()
        func uniform(_ rows: Int, _ cols: Int) -> Tensor {
            let t = Tensor(rows: rows, cols: cols)
            for i in 0..<t.count { t.data[i] = (2 * rng.uniform() - 1) * k }
            return t
        }
        inputWeight = Parameter(name: "encoder.gru.input.weight", value: uniform(3 * hidden, inputWidth))
        inputBias = Parameter(name: "encoder.gru.input.bias", value: Tensor(rows: 1, cols: 3 * hidden))
        gateWeight = Parameter(name: "encoder.gru.gates.weight", value: uniform(2 * hidden, hidden))
        candidateWeight = Parameter(name: "encoder.gru.candidate.weight", value: uniform(hidden, hidden))
        muHead = Affine(name: "encoder.mu", inputSize: hidden, outputSize: latent, rng: &rng)
        logVarHead = Affine(name: "encoder.logvar", inputSize: hidden, outputSize: latent, rng: &rng)
        if shrinkVarianceHead {
            for i in 0..<logVarHead.weight.value.count { logVarHead.weight.value.data[i] *= 0.1 }
        }
    }

    /// GRU parameters (input weight, input bias, gate weight, candidate weight), then μ head, then logVar head.
    public var parameters: [Parameter] {
        [inputWeight, inputBias, gateWeight, candidateWeight] + muHead.parameters + logVarHead.parameters
    }

    /// x: n × (T·W), each row an image in row-major order → (μ, logVar), n × L each (the heads' buffers).
    public func forward(_ x: Tensor) -> (mu: Tensor, logVar: Tensor) {
        let T = steps, W = inputWidth, H = hidden, n = x.rows
        precondition(x.cols == T * W, "GRUEncoder: input has \(x.cols) columns, expected \(T) steps × \(W)")
        batch = n
        let X = reuse(&xSteps, rows: T * n, cols: W)
        let P = reuse(&pre, rows: T * n, cols: 3 * H)
        let S = reuse(&states, rows: (T + 1) * n, cols: H)
        let RH = reuse(&resetState, rows: T * n, cols: H)

        // Step-major copy of the input: X[t·n + i] = row t of image i.
        for t in 0..<T { for i in 0..<n {
            (X.data + (t * n + i) * W).update(from: x.data + i * T * W + t * W, count: W)
        } }
        // All input projections at once: P = X W_inᵀ + b (bias broadcast first, gemm with beta = 1).
        let b = inputBias.value.data
        for r in 0..<(T * n) { (P.data + r * 3 * H).update(from: b, count: 3 * H) }
        gemm(X, inputWeight.value, transB: true, into: P, alpha: 1, beta: 1)

        (S.data).update(repeating: 0, count: n * H)                         // h_0 = 0
        for t in 0..<T {
            let p = P.data + t * n * 3 * H                                  // step block, n × 3H, ld 3H
            let hPrev = S.data + t * n * H, hNext = S.data + (t + 1) * n * H
            let rh = RH.data + t * n * H
            // [a^z, a^r] += h_{t−1} [U_z; U_r]ᵀ
            rawGemm(transA: false, transB: true, m: n, n: 2 * H, k: H,
                    a: hPrev, lda: H, b: gateWeight.value.data, ldb: H, beta: 1, c: p, ldc: 3 * H)
            // z, r = σ(·) in place; r ⊙ h_{t−1} (C kernels: the CPU's vector width, not Swift's baseline).
            dvae_gru_gates_forward(p, hPrev, rh, n, H)
            // a^c += (r ⊙ h_{t−1}) U_cᵀ
            rawGemm(transA: false, transB: true, m: n, n: H, k: H,
                    a: rh, lda: H, b: candidateWeight.value.data, ldb: H, beta: 1, c: p + 2 * H, ldc: 3 * H)
            // c = tanh(a^c) in place; h_t = z ⊙ h_{t−1} + (1 − z) ⊙ c.
            dvae_gru_state_forward(p, hPrev, hNext, n, H)
        }
        let hT = reuse(&lastState, rows: n, cols: H)
        hT.data.update(from: S.data + T * n * H, count: n * H)
        return (muHead.forward(hT), logVarHead.forward(hT))
    }

    /// Given dL/dμ and dL/dlogVar (n × L) for the last forward, accumulates dL/dθ into every parameter's
    /// grad (backpropagation through time; see the type's documentation for the formulas).
    public func backward(dMu: Tensor, dLogVar: Tensor) {
        let T = steps, H = hidden, n = batch
        guard let X = xSteps, let P = pre, let S = states, let RH = resetState else {
            preconditionFailure("GRUEncoder.backward before forward")
        }
        precondition(dMu.rows == n && dLogVar.rows == n, "GRUEncoder.backward: batch size differs from forward")
        guard let g1 = muHead.backward(dMu), let g2 = logVarHead.backward(dLogVar) else {
            preconditionFailure("GRU heads must return dL/dh")
        }
        let dh = reuse(&dState, rows: n, cols: H)
        for i in 0..<(n * H) { dh.data[i] = g1.data[i] + g2.data[i] }       // δh_T
        let dP = reuse(&dPre, rows: T * n, cols: 3 * H)
        let dRH = reuse(&dResetState, rows: n, cols: H)

        for t in stride(from: T - 1, through: 0, by: -1) {
            let p = P.data + t * n * 3 * H                                  // [z, r, c] of step t
            let dp = dP.data + t * n * 3 * H                                // [δa^z, δa^r, δa^c]
            let hPrev = S.data + t * n * H
            // Gate and candidate pre-activation gradients; δh_{t−1} starts as δh_t ⊙ z.
            dvae_gru_backward_update(p, dp, hPrev, dh.data, n, H)
            // δ(rh) = δa^c U_c  (n × H · H × H)
            rawGemm(transA: false, transB: false, m: n, n: H, k: H,
                    a: dp + 2 * H, lda: 3 * H, b: candidateWeight.value.data, ldb: H, beta: 0, c: dRH.data, ldc: H)
            // δa^r = δ(rh) ⊙ h_{t−1} ⊙ r(1 − r);  δh_{t−1} += δ(rh) ⊙ r
            dvae_gru_backward_reset(p, dp, hPrev, dh.data, dRH.data, n, H)
            // δh_{t−1} += [δa^z, δa^r] [U_z; U_r]   (n × 2H · 2H × H)
            rawGemm(transA: false, transB: false, m: n, n: H, k: 2 * H,
                    a: dp, lda: 3 * H, b: gateWeight.value.data, ldb: H, beta: 1, c: dh.data, ldc: H)
        }
        // Recurrent weights, all steps at once (one gemm each, inner dimension T·n):
        // ∂L/∂[U_z; U_r] += Σ_t [δa^z, δa^r]_tᵀ h_{t−1}   (2H × T·n · T·n × H; h_0 … h_{T−1} are S's first T·n rows)
        rawGemm(transA: true, transB: false, m: 2 * H, n: H, k: T * n,
                a: dP.data, lda: 3 * H, b: S.data, ldb: H, beta: 1, c: gateWeight.grad.data, ldc: H)
        // ∂L/∂U_c += Σ_t δa^c_tᵀ (r_t ⊙ h_{t−1})            (H × T·n · T·n × H)
        rawGemm(transA: true, transB: false, m: H, n: H, k: T * n,
                a: dP.data + 2 * H, lda: 3 * H, b: RH.data, ldb: H, beta: 1, c: candidateWeight.grad.data, ldc: H)
        // Input weights and bias, all steps at once: ∂L/∂W_in += dPᵀ X, ∂L/∂b += Σ_rows dP.
        gemm(dP, transA: true, X, into: inputWeight.grad, alpha: 1, beta: 1)
        let db = inputBias.grad.data
        for r in 0..<(T * n) { dvae_add(db, dP.data + r * 3 * H, 3 * H) }
    }
}

/// `C = op(A) op(B) + beta C` on raw row-major pointers with explicit leading dimensions, so a step's
/// column block of a wider buffer can be read or written in place (Tensor's `gemm` needs whole tensors).
private func rawGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 || k == 0 { return }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
