// CKernels: the engine's C kernels — CPU feature detection and the element-wise loops of the
// training step, compiled once per vector width and dispatched at run time (see ElementwiseLoops.c).
// C rather than Swift because Swift has no function multi-versioning: one portable binary would
// otherwise run SSE2 code on an AVX-512 machine.
#ifndef DVAE_CKERNELS_H
#define DVAE_CKERNELS_H

#include <stdint.h>

/// What CPUID says about this x86-64 processor, with the vector extensions counted only when the
/// operating system also saves their registers (XGETBV). All zero on other architectures.
typedef struct {
    char vendor[13];      ///< "GenuineIntel", "AuthenticAMD", ... (NUL-terminated); "" off x86
    int family;           ///< display family (base + extended)
    int model;            ///< display model (extended model folded in for families 6 and 15)
    int avx, fma, avx2;
    int avx512f, avx512bw, avx512dq, avx512vl, avx512bf16;
} dvae_cpu_features;

/// Reads the processor's features (cheap; no caching needed).
dvae_cpu_features dvae_cpu_detect(void);

// ---- Element-wise kernels of the training step (ElementwiseLoops.c) --------------------------------------
// Each is compiled for x86-64-v4 (AVX-512), x86-64-v3 (AVX2+FMA) and baseline x86-64, and runs
// the widest level the CPU supports. Arrays must not overlap. Shapes in the comments: E encoder
// rows, K samples each, R = E·K sample rows.

/// The level in use: "x86-64-v4", "x86-64-v3", "x86-64", or "generic" (not x86).
const char *dvae_kernels_variant(void);

/// Uses the level `name` (one of the above) from now on, or when NULL the start-up level: the one
/// the environment variable DVAE_KERNELS names if this CPU runs it, else the widest supported.
/// Returns 0 (and changes nothing) for an unknown level or one this CPU cannot run.
int dvae_kernels_select(const char *name);

/// e^x and ln x element-wise (the engine's polynomials; for tests and callers with whole arrays).
void dvae_exp(const float *x, float *y, long n);
/// ln x for positive normal x.
void dvae_log(const float *x, float *y, long n);

/// Softplus layer forward: y = ln(1 + eˣ), d = softplus′(x) = sigmoid(x), sharing one exponential.
void dvae_softplus_forward(const float *x, float *y, float *d, long n);
/// Softplus for evaluation only: y = ln(1 + eˣ), no derivative (no backward pass follows).
void dvae_softplus_value(const float *x, float *y, long n);
/// out = a ⊙ b (an activation's backward: dx = dy ⊙ f′(x)).
void dvae_multiply(const float *a, const float *b, float *out, long n);

/// Bernoulli log-likelihood from logits l (rows × cols) and targets x: out[r] = Σ_j x l − softplus(l)
/// summed in double, and p = sigmoid(l) kept for the backward pass.
void dvae_bernoulli_loglik(const float *logits, const float *x, float *p, double *out, long rows, long cols);
/// The same log-likelihood for evaluation only: out[r] as above, no p.
void dvae_bernoulli_loglik_value(const float *logits, const float *x, double *out, long rows, long cols);
/// Its backward: g[r, j] = a[r] (x[r, j] − p[r, j]), a = dL/d log p(x_r).
void dvae_bernoulli_backward(const float *x, const float *p, const float *a, float *g, long rows, long cols);

/// Reparameterised sample and its log-density ratio, fused: z[r] = μ[e] + exp(½ logVar[e]) ⊙ ε[r]
/// for r = e·K + k, and logw[r] = ½ Σ_j (logVar + ε² − z²) (= log p(z) − log q(z|x̃) with ε fixed).
/// μ, logVar: E × L; ε, z: R × L; logw: R.
void dvae_reparam_sample(const float *mu, const float *logVar, const float *eps, float *z, double *logw,
                         long E, long K, long L);
/// Its backward given dz = ∂ log p(x|z)/∂z (R × L) and a = dL/d log w (R):
/// g = dz − a z; dμ[e] = Σ_k g; dlogVar[e] = Σ_k ½ (g ⊙ (z − μ[e]) + a)  (dμ, dlogVar overwritten).
void dvae_reparam_backward(const float *mu, const float *z, const float *dz, const float *a,
                           float *dMu, float *dLogVar, long E, long K, long L);

/// Adam, fused: m ← β₁ m + (1 − β₁) g; v ← β₂ v + (1 − β₂) g²; w ← w − α m / (√v + ε)
/// (bias corrections folded into α and ε by the caller).
void dvae_adam_update(float *w, const float *g, float *m, float *v, long n,
                      float beta1, float beta2, float alpha, float eps);

/// Σ x² accumulated in double (the gradient norm's square; NaN/∞ propagate).
double dvae_sum_squares(const float *x, long n);
/// Box–Muller in place on `pairs` pairs of uniforms (u1 ∈ (0, 1], u2 ∈ [0, 1)): each pair becomes
/// (r cos 2πu2, r sin 2πu2) with r = √(−2 ln u1), rounded exactly as Swift's
/// `RNG.fillStandardNormal` computes them (the same on every vector level).
void dvae_box_muller(float *p, long pairs);

/// The corruptions `dvae_corrupt_streams` draws (one uniform per pixel): the vector forms of
/// `Corruption.saltPepper` and `Corruption.bitFlip`. Swift picks them by name
/// (`CorruptionSampling.swift`); the values are fixed so the two sides cannot drift.
typedef enum {
    /// Textbook salt-and-pepper: u < p/2 → 0, u < p → 1, else unchanged.
    DVAE_CORRUPT_SALT_PEPPER = 0,
    /// Bit-flip: u < p → 1 − x.
    DVAE_CORRUPT_BIT_FLIP = 1,
} dvae_corrupt_mode;

/// Corrupts E examples of n pixels each (src and dst E × n, row e = example e), example e drawing
/// one uniform per pixel from its own xoshiro256** stream whose state words are
/// states[4e ..< 4e + 4] (advanced in place), exactly as `RNG.uniform()` would, with the
/// corruption `mode` (`dvae_corrupt_mode`). The same pixels as `Corruption.apply` example by
/// example; eight streams run at once.
void dvae_corrupt_streams(uint64_t *states, const float *src, float *dst, long E, long n, dvae_corrupt_mode mode, float p);

/// Adam on a clipped gradient: g ← scale · g (stored, as cblas_sscal would), then the update above
/// with that g, in one pass.
void dvae_adam_update_scaled(float *w, float *g, float *m, float *v, long n, float scale,
                             float beta1, float beta2, float alpha, float eps);
/// dst ← dst + src and returns Σ dst² of the result in double (a gradient reduction's last
/// source and its share of the norm, in one pass).
double dvae_add_sum_squares(float *dst, const float *src, long n);
/// dst ← dst + src.
void dvae_add(float *dst, const float *src, long n);

// The GRU encoder's per-step loops (GRUEncoder.swift has the formulas). p: n rows of
// [z, r, c] (width H each, leading dimension 3H); h = h_{t−1}, hNext, rh, dh, drh: n × H.
/// Gates: z, r ← σ(·) in place, and rh = r ⊙ h.
void dvae_gru_gates_forward(float *p, const float *h, float *rh, long n, long H);
/// Candidate and state: c ← tanh(·) in place, and hNext = z ⊙ h + (1 − z) ⊙ c.
void dvae_gru_state_forward(float *p, const float *h, float *hNext, long n, long H);
/// Backward, first part: δa^z = δh (h − c) z (1 − z) and δa^c = δh (1 − z)(1 − c²) into dp;
/// then δh ← δh ⊙ z (the first term of δh_{t−1}).
void dvae_gru_backward_update(const float *p, float *dp, const float *h, float *dh, long n, long H);
/// Backward, second part, given drh = δ(r ⊙ h): δa^r = drh ⊙ h ⊙ r (1 − r) into dp; δh += drh ⊙ r.
void dvae_gru_backward_reset(const float *p, float *dp, const float *h, float *dh, const float *drh, long n, long H);
/// A spin-wait hint (PAUSE on x86-64, YIELD on arm64): lets the other hyper-thread run and saves
/// power while a thread polls a flag. Inline, so a polling loop pays no call.
static inline void dvae_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

// ---- The first layer on 0/1 input (BinaryInputLoops.c) ---------------------------------------------------
// Sums in a fixed order (ascending example, then pixel), vectorised across output units only:
// the same bits on every vector level and for every split of a batch into shards.

/// Indexes the ones of a rows × cols array that holds only 0 and 1 (either sign of zero): row r's
/// column indices are columns[offsets[r] ..< offsets[r + 1]], ascending (offsets has rows + 1
/// entries, columns room for maxOnes + cols). Returns the number of ones, or -1 (contents
/// unspecified) when a value is neither 0 nor 1 (NaN included) or there are more than maxOnes ones.
long dvae_binary_index(const float *x, long rows, long cols, long maxOnes, int32_t *columns, int32_t *offsets);
/// The same index by column: column j's rows are rowsOf[columnOffsets[j] ..< columnOffsets[j + 1]],
/// ascending (columnOffsets has cols + 1 entries, rowsOf room for offsets[rows]).
void dvae_binary_index_by_column(const int32_t *columns, const int32_t *offsets, long rows, long cols,
                                  int32_t *rowsOf, int32_t *columnOffsets);
/// y[r, :] = bias + Σ_{j ∈ ones of row r} wt[j, :]  (wt: cols × width, the transposed weights;
/// y: rows × width), summed from the bias in ascending j.
void dvae_rows_sum_forward(const int32_t *columns, const int32_t *offsets, long rows, const float *wt, long width,
                           const float *bias, float *y);
/// The weight gradient dyᵀx of a 0/1 input split into `sources` shards, each indexed by column:
/// dW[k, j] = Σ_s Σ_{r ∈ rowsOf_s at column j} dy_s[r, k] for k < width, j < cols (add = 0; add ≠ 0
/// adds it to dW), summed from zero source by source and row by row in order, so the bits do not
/// depend on the split. dy_s rows ldy apart; dW rows ldw apart; scratch: 16 × width floats.
void dvae_binary_weight_gradient(long sources, const int32_t *const *rowsOf, const int32_t *const *columnOffsets,
                                 const float *const *dy, long ldy, long cols, long width, float *dW, long ldw, int add,
                                 float *scratch);
/// b[c, r] = a[r, c] for a rows × cols, rows lda and ldb apart (no overlap).
void dvae_transpose(const float *a, long rows, long cols, long lda, float *b, long ldb);

#endif
