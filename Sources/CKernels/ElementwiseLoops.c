// The element-wise loops of the training step, at the CPU's vector width.
//
// Every kernel body below is compiled three times — x86-64-v4 (AVX-512), x86-64-v3 (AVX2 + FMA)
// and baseline x86-64 (SSE2) — into one table per level; the exported functions call through the
// table of the widest level the CPU supports (or the one `DVAE_KERNELS` names), chosen on first use
// (`dvae_kernels_select` can pick a narrower one, so tests check every level on one machine). On other architectures there is one
// table, compiled for the target. (Why not clang's target_clones: the same dispatch, but an ifunc
// cannot be switched, so the narrower variants could not be tested on a wide machine.)
//
// The exponential and logarithm are the engine's Cephes-style polynomials (Core/ScalarMath.swift), written
// with +, ×, selects and integer bit operations only, so the compiler vectorises every loop that
// calls them; accuracy a few ulp (relative error < 1e-6). Reductions accumulate in double; the
// pragma lets the vectoriser reorder those sums (a different but not a less accurate order).
#include "CKernels.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define DVAE_X86_LEVELS 1
#endif
#define INLINE static inline __attribute__((always_inline))

// ---- scalar building blocks (inlined into each clone) ----------------------------------------

INLINE uint32_t bits_of(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }
INLINE float float_of(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }
INLINE float min_f(float a, float b) { return a < b ? a : b; }
INLINE float max_f(float a, float b) { return a > b ? a : b; }

/// e^x clamped to [e^-87, e^88]; NaN propagates (same polynomial as Swift's fastExp).
INLINE float exp_f(float x) {
    float xc = max_f(min_f(x, 88.0f), -87.0f);
    xc = x != x ? x : xc;
    // n = round(x / ln 2) by the 1.5·2²³ trick: the integer lands in the low mantissa bits of t.
    float t = xc * 1.44269504f + 12582912.0f;
    float n = t - 12582912.0f;
    float r = xc - n * 0.693359375f + n * 2.12194440e-4f;
    float z = r * r;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float y = p * z + r + 1.0f;
    uint32_t e = (bits_of(t) - 0x4B400000u + 127u) << 23;
    return y * float_of(e);
}

// ln x for positive normal x (same polynomial as Swift's fastLog), as a statement block so that
// it can be instantiated twice: `log_f` (the compiler may fuse a·b + c into FMAs, as in every
// other kernel) and `log_f_exact` (no fusing: the very roundings of Swift's fastLog).
#define LOG_F_BODY(x)                                                                          \
    uint32_t u = bits_of(x);                                                                   \
    float e = (float)((int32_t)(u >> 23) - 127);                                               \
    float m = float_of((u & 0x007FFFFFu) | 0x3F800000u);   /* mantissa in [1, 2) */            \
    int big = m > 1.41421356f;                              /* move m to [√½, √2) */           \
    m = big ? m * 0.5f : m;                                                                    \
    e = big ? e + 1.0f : e;                                                                    \
    float f = m - 1.0f;                                                                        \
    float z = f * f;                                                                           \
    float p = 7.0376836292e-2f;                                                                \
    p = p * f - 1.1514610310e-1f;                                                              \
    p = p * f + 1.1676998740e-1f;                                                              \
    p = p * f - 1.2420140846e-1f;                                                              \
    p = p * f + 1.4249322787e-1f;                                                              \
    p = p * f - 1.6668057665e-1f;                                                              \
    p = p * f + 2.0000714765e-1f;                                                              \
    p = p * f - 2.4999993993e-1f;                                                              \
    p = p * f + 3.3333331174e-1f;                                                              \
    float y = p * f * z;                                                                       \
    y += e * -2.12194440e-4f;                                                                  \
    y += -0.5f * z;                                                                            \
    return f + y + e * 0.693359375f;

/// ln x for positive normal x.
INLINE float log_f(float x) { LOG_F_BODY(x) }

/// ln x rounded exactly as Swift's fastLog (no fused multiply-adds).
INLINE float log_f_exact(float x) {
#pragma clang fp contract(off)
    LOG_F_BODY(x)
}

/// ln(1 + e) for e ∈ [0, 1], accurate for tiny e (Goldberg: compensate the rounding of 1 + e).
INLINE float log1p_small(float e) {
    float u = 1.0f + e;
    float d = u - 1.0f;
    return d == 0.0f ? e : log_f(u) * (e / d);
}

// ---- kernel bodies (inlined into each level's instance) -------------------------------------

INLINE void exp_body(const float *restrict x, float *restrict y, long n) {
    for (long i = 0; i < n; i++) y[i] = exp_f(x[i]);
}

INLINE void log_body(const float *restrict x, float *restrict y, long n) {
    for (long i = 0; i < n; i++) y[i] = log_f(x[i]);
}

INLINE void softplus_forward_body(const float *restrict x, float *restrict y, float *restrict d, long n) {
    for (long i = 0; i < n; i++) {
        float v = x[i];
        float e = exp_f(-fabsf(v));
        float inv = 1.0f / (1.0f + e);
        y[i] = max_f(v, 0.0f) + log1p_small(e);
        d[i] = v >= 0.0f ? inv : e * inv;       // sigmoid(v), stable for either sign
    }
}

// The evaluation-only forms (no backward pass follows): the value without the derivative.
INLINE void softplus_value_body(const float *restrict x, float *restrict y, long n) {
    for (long i = 0; i < n; i++) {
        float v = x[i];
        y[i] = max_f(v, 0.0f) + log1p_small(exp_f(-fabsf(v)));
    }
}

// Row sums of the Bernoulli log-likelihood are taken a chunk at a time: the float terms into a
// small local array (at the full float vector width), then that array summed in double. One loop
// with a double accumulator would run the exp/log polynomials at the double vector width, half
// the floats per instruction (the likelihood was then twice the cost of softplus per element).
#define LOGLIK_CHUNK 64

INLINE double sum_double_body(const float *restrict t, long n) {
#pragma clang fp reassociate(on)
    double sum = 0.0;
    for (long j = 0; j < n; j++) sum += (double)t[j];
    return sum;
}

INLINE void bernoulli_loglik_value_body(const float *restrict logits, const float *restrict x,
                                        double *restrict out, long rows, long cols) {
    float t[LOGLIK_CHUNK];
    for (long r = 0; r < rows; r++) {
        const float *l = logits + r * cols, *xr = x + r * cols;
        double sum = 0.0;
        for (long j0 = 0; j0 < cols; j0 += LOGLIK_CHUNK) {
            long len = cols - j0 < LOGLIK_CHUNK ? cols - j0 : LOGLIK_CHUNK;
            for (long j = 0; j < len; j++) {
                float v = l[j0 + j];
                float softplus = max_f(v, 0.0f) + log1p_small(exp_f(-fabsf(v)));
                t[j] = xr[j0 + j] * v - softplus;
            }
            sum += sum_double_body(t, len);
        }
        out[r] = sum;
    }
}

// Box–Muller on pairs of uniforms in place: (u1, u2) → (r cos 2πu2, r sin 2πu2), r = √(−2 ln u1),
// rounded exactly as Swift's RNG.fillStandardNormal (fastLog, fastSqrt, fastSinCos2Pi; no fused
// multiply-adds), so the deviates do not depend on the vector level.
INLINE void box_muller_body(float *restrict p, long pairs) {
#pragma clang fp contract(off)
    for (long i = 0; i < pairs; i++) {
        float u1 = p[2 * i], u2 = p[2 * i + 1];
        // fastSqrt(−2 fastLog(u1)): inverse square root by the bit trick and three Newton steps.
        float a = -2.0f * log_f_exact(u1);
        float ac = max_f(a, 1e-30f);
        float h = 0.5f * ac;
        float q = float_of(0x5F375A86u - (bits_of(ac) >> 1));
        q = q * (1.5f - h * q * q);
        q = q * (1.5f - h * q * q);
        q = q * (1.5f - h * q * q);
        float r = a * q;
        // fastSinCos2Pi(u2): quadrant k = round(4u2) mod 4, x = 2π(u2 − k/4) ∈ [−π/4, π/4].
        // round(4·u2) to nearest even by the 1.5·2²³ trick (exact for |4u2| < 2²²; no libm call,
        // so the baseline level vectorises too).
        float q4 = (u2 * 4.0f + 12582912.0f) - 12582912.0f;
        float x = (u2 - q4 * 0.25f) * 6.283185307f;
        int k = (int)q4 & 3;
        float x2 = x * x;
        float s = x * (1.0f + x2 * (-1.66666666e-1f + x2 * (8.33333333e-3f + x2 * (-1.98412698e-4f + x2 * 2.75573192e-6f))));
        float c = 1.0f + x2 * (-0.5f + x2 * (4.16666666e-2f + x2 * (-1.38888889e-3f + x2 * 2.48015873e-5f)));
        float sn = k == 0 ? s : k == 1 ? c : k == 2 ? -s : -c;
        float cs = k == 0 ? c : k == 1 ? -s : k == 2 ? -c : s;
        p[2 * i] = r * cs;
        p[2 * i + 1] = r * sn;
    }
}

// One uniform per pixel for E examples, example e from its own xoshiro256** stream (state words
// st[4e ..< 4e + 4], advanced): u = (next >> 40) · 2⁻²⁴, exactly `RNG.uniform()`. Eight streams
// advance at once in vector lanes (the generator's serial dependency is what limits one stream),
// then each pixel is corrupted as `Corruption.apply` does: salt-and-pepper (DVAE_CORRUPT_SALT_PEPPER)
// replaces it with 0 when u < p/2 or 1 when u < p; bit-flip (DVAE_CORRUPT_BIT_FLIP) flips it when u < p.
typedef uint64_t u64x8 __attribute__((vector_size(64)));
typedef int32_t i32x8 __attribute__((vector_size(32)));
typedef float f32x8 __attribute__((vector_size(32)));
INLINE float corrupt_pixel(float v, float u, int mode, float p, float half) {
    if (mode == DVAE_CORRUPT_SALT_PEPPER) return u < p ? (u < half ? 0.0f : 1.0f) : v;
    return u < p ? 1.0f - v : v;
}
INLINE uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
INLINE void corrupt_streams_body(uint64_t *restrict st, const float *restrict src, float *restrict dst,
                                 long E, long n, int mode, float p) {
    float half = p * 0.5f;
    long e0 = 0;
    for (; e0 + 8 <= E; e0 += 8) {
        u64x8 s0, s1, s2, s3;
        for (int l = 0; l < 8; l++) {
            s0[l] = st[4 * (e0 + l)]; s1[l] = st[4 * (e0 + l) + 1];
            s2[l] = st[4 * (e0 + l) + 2]; s3[l] = st[4 * (e0 + l) + 3];
        }
        // Uniforms in blocks of 64 pixels × 8 streams (lane-major: u[j][l]), then each stream's
        // contiguous row of pixels reads its lane.
        for (long j0 = 0; j0 < n; j0 += 64) {
            long jn = n - j0 < 64 ? n - j0 : 64;
            f32x8 u[64];
            float ul[8][64];
            for (long j = 0; j < jn; j++) {
                u64x8 x = s1 * 5;
                u64x8 r = ((x << 7) | (x >> 57)) * 9;
                u64x8 t = s1 << 17;
                s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
                s3 = (s3 << 45) | (s3 >> 19);
                u64x8 bits = r >> 40;
                // < 2²⁴: exact through int32 and float, as Float(bits >> 40) in Swift.
                u[j] = __builtin_convertvector(__builtin_convertvector(bits, i32x8), f32x8) * (1.0f / 16777216.0f);
            }
            for (long j = 0; j < jn; j++) for (int l = 0; l < 8; l++) ul[l][j] = u[j][l];
            for (int l = 0; l < 8; l++) {
                const float *sr = src + (e0 + l) * n + j0;
                float *dr = dst + (e0 + l) * n + j0;
                if (mode == DVAE_CORRUPT_SALT_PEPPER) for (long j = 0; j < jn; j++) dr[j] = corrupt_pixel(sr[j], ul[l][j], DVAE_CORRUPT_SALT_PEPPER, p, half);
                else for (long j = 0; j < jn; j++) dr[j] = corrupt_pixel(sr[j], ul[l][j], DVAE_CORRUPT_BIT_FLIP, p, half);
            }
        }
        for (int l = 0; l < 8; l++) {
            st[4 * (e0 + l)] = s0[l]; st[4 * (e0 + l) + 1] = s1[l];
            st[4 * (e0 + l) + 2] = s2[l]; st[4 * (e0 + l) + 3] = s3[l];
        }
    }
    for (; e0 < E; e0++) {
        uint64_t a = st[4 * e0], b = st[4 * e0 + 1], c = st[4 * e0 + 2], d = st[4 * e0 + 3];
        for (long j = 0; j < n; j++) {
            uint64_t r = rotl64(b * 5, 7) * 9, t = b << 17;
            c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl64(d, 45);
            long i = e0 * n + j;
            dst[i] = corrupt_pixel(src[i], (float)(int32_t)(r >> 40) * (1.0f / 16777216.0f), mode, p, half);
        }
        st[4 * e0] = a; st[4 * e0 + 1] = b; st[4 * e0 + 2] = c; st[4 * e0 + 3] = d;
    }
}

INLINE void multiply_body(const float *restrict a, const float *restrict b, float *restrict out, long n) {
    for (long i = 0; i < n; i++) out[i] = a[i] * b[i];
}

INLINE void bernoulli_loglik_body(const float *restrict logits, const float *restrict x, float *restrict p,
                                  double *restrict out, long rows, long cols) {
    float t[LOGLIK_CHUNK];   // see bernoulli_loglik_value_body
    for (long r = 0; r < rows; r++) {
        const float *l = logits + r * cols, *xr = x + r * cols;
        float *pr = p + r * cols;
        double sum = 0.0;
        for (long j0 = 0; j0 < cols; j0 += LOGLIK_CHUNK) {
            long len = cols - j0 < LOGLIK_CHUNK ? cols - j0 : LOGLIK_CHUNK;
            for (long j = 0; j < len; j++) {
                float v = l[j0 + j];
                float e = exp_f(-fabsf(v));
                float inv = 1.0f / (1.0f + e);
                float softplus = max_f(v, 0.0f) + log1p_small(e);
                pr[j0 + j] = v >= 0.0f ? inv : e * inv;
                t[j] = xr[j0 + j] * v - softplus;
            }
            sum += sum_double_body(t, len);
        }
        out[r] = sum;
    }
}

INLINE void bernoulli_backward_body(const float *restrict x, const float *restrict p, const float *restrict a,
                                    float *restrict g, long rows, long cols) {
    for (long r = 0; r < rows; r++) {
        float ar = a[r];
        const float *xr = x + r * cols, *pr = p + r * cols;
        float *gr = g + r * cols;
        for (long j = 0; j < cols; j++) gr[j] = ar * (xr[j] - pr[j]);
    }
}

INLINE void reparam_sample_body(const float *restrict mu, const float *restrict logVar, const float *restrict eps,
                                float *restrict z, double *restrict logw, long E, long K, long L) {
    for (long e = 0; e < E; e++) {
        const float *m = mu + e * L, *lv = logVar + e * L;
        for (long k = 0; k < K; k++) {
#pragma clang fp reassociate(on)
            long r = e * K + k;
            const float *ep = eps + r * L;
            float *zp = z + r * L;
            float s = 0.0f;
            for (long j = 0; j < L; j++) {
                float zj = m[j] + exp_f(0.5f * lv[j]) * ep[j];
                zp[j] = zj;
                s += lv[j] + ep[j] * ep[j] - zj * zj;
            }
            logw[r] = 0.5 * (double)s;
        }
    }
}

INLINE void reparam_backward_body(const float *restrict mu, const float *restrict z, const float *restrict dz,
                                  const float *restrict a, float *restrict dMu, float *restrict dLogVar,
                                  long E, long K, long L) {
    for (long e = 0; e < E; e++) {
        const float *m = mu + e * L;
        float *gm = dMu + e * L, *gv = dLogVar + e * L;
        for (long j = 0; j < L; j++) { gm[j] = 0.0f; gv[j] = 0.0f; }
        for (long k = 0; k < K; k++) {
            long r = e * K + k;
            float ar = a[r];
            const float *zp = z + r * L, *dp = dz + r * L;
            for (long j = 0; j < L; j++) {
                float g = dp[j] - ar * zp[j];
                gm[j] += g;
                gv[j] += 0.5f * (g * (zp[j] - m[j]) + ar);
            }
        }
    }
}

INLINE void adam_update_body(float *restrict w, const float *restrict g, float *restrict m, float *restrict v,
                             long n, float beta1, float beta2, float alpha, float eps) {
    float c1 = 1.0f - beta1, c2 = 1.0f - beta2;
    for (long j = 0; j < n; j++) {
        float gj = g[j];
        float mj = beta1 * m[j] + c1 * gj;
        float vj = beta2 * v[j] + c2 * gj * gj;
        m[j] = mj;
        v[j] = vj;
        // __builtin_elementwise_sqrt: the sqrt instruction, without sqrtf's errno branch.
        w[j] -= alpha * mj / (__builtin_elementwise_sqrt(vj) + eps);
    }
}

// The clipped form: g ← scale · g is stored (as cblas_sscal would) and used in the same pass.
INLINE void adam_update_scaled_body(float *restrict w, float *restrict g, float *restrict m, float *restrict v,
                                    long n, float scale, float beta1, float beta2, float alpha, float eps) {
    float c1 = 1.0f - beta1, c2 = 1.0f - beta2;
    for (long j = 0; j < n; j++) {
        float gj = g[j] * scale;
        g[j] = gj;
        float mj = beta1 * m[j] + c1 * gj;
        float vj = beta2 * v[j] + c2 * gj * gj;
        m[j] = mj;
        v[j] = vj;
        w[j] -= alpha * mj / (__builtin_elementwise_sqrt(vj) + eps);
    }
}

// dst += src, then Σ dst² (in double) of the result: the last source of a gradient reduction.
INLINE double add_sum_squares_body(float *restrict dst, const float *restrict src, long n) {
#pragma clang fp reassociate(on)
    double s = 0.0;
    for (long i = 0; i < n; i++) {
        float d = dst[i] + src[i];
        dst[i] = d;
        s += (double)d * (double)d;
    }
    return s;
}

INLINE void add_body(float *restrict dst, const float *restrict src, long n) {
    for (long i = 0; i < n; i++) dst[i] += src[i];
}

INLINE double sum_squares_body(const float *restrict x, long n) {
#pragma clang fp reassociate(on)
    double s = 0.0;
    for (long i = 0; i < n; i++) s += (double)x[i] * (double)x[i];
    return s;
}

// ---- the GRU encoder's gate loops (GRUEncoder.swift; one call per time step, n rows) --------
// Row i of p holds [z, r, c] pre-activations (then values) of width H each, leading dimension 3H;
// h, rh, dh, drh are n × H. Same formulas as GRUEncoder's documentation.

INLINE float sigmoid_f(float x) {
    float e = exp_f(-fabsf(x));
    float s = 1.0f / (1.0f + e);
    return x >= 0.0f ? s : e * s;
}

// tanh x = 1 − 2 / (e^{2x} + 1), as Swift's fastTanh.
INLINE float tanh_f(float x) { return 1.0f - 2.0f / (exp_f(2.0f * x) + 1.0f); }

INLINE void gru_gates_forward_body(float *restrict p, const float *restrict h, float *restrict rh, long n, long H) {
    for (long i = 0; i < n; i++) {
        float *row = p + i * 3 * H;
        const float *hp = h + i * H;
        float *rhp = rh + i * H;
        for (long j = 0; j < 2 * H; j++) row[j] = sigmoid_f(row[j]);
        for (long j = 0; j < H; j++) rhp[j] = row[H + j] * hp[j];
    }
}

INLINE void gru_state_forward_body(float *restrict p, const float *restrict h, float *restrict hn, long n, long H) {
    for (long i = 0; i < n; i++) {
        float *row = p + i * 3 * H;
        const float *hp = h + i * H;
        float *hq = hn + i * H;
        for (long j = 0; j < H; j++) {
            float c = tanh_f(row[2 * H + j]);
            row[2 * H + j] = c;
            float z = row[j];
            hq[j] = z * hp[j] + (1.0f - z) * c;
        }
    }
}

INLINE void gru_backward_update_body(const float *restrict p, float *restrict dp, const float *restrict h,
                                     float *restrict dh, long n, long H) {
    for (long i = 0; i < n; i++) {
        const float *row = p + i * 3 * H, *hp = h + i * H;
        float *drow = dp + i * 3 * H, *d = dh + i * H;
        for (long j = 0; j < H; j++) {
            float z = row[j], c = row[2 * H + j], g = d[j];
            drow[j] = g * (hp[j] - c) * z * (1.0f - z);
            drow[2 * H + j] = g * (1.0f - z) * (1.0f - c * c);
            d[j] = g * z;
        }
    }
}

INLINE void gru_backward_reset_body(const float *restrict p, float *restrict dp, const float *restrict h,
                                    float *restrict dh, const float *restrict drh, long n, long H) {
    for (long i = 0; i < n; i++) {
        const float *row = p + i * 3 * H, *hp = h + i * H, *dr = drh + i * H;
        float *drow = dp + i * 3 * H, *d = dh + i * H;
        for (long j = 0; j < H; j++) {
            float r = row[H + j];
            drow[H + j] = dr[j] * hp[j] * r * (1.0f - r);
            d[j] += dr[j] * r;
        }
    }
}

// ---- one table of instances per vector level ----------------------------------------------

typedef struct {
    const char *name;
    void (*exp)(const float *, float *, long);
    void (*log)(const float *, float *, long);
    void (*softplus_forward)(const float *, float *, float *, long);
    void (*multiply)(const float *, const float *, float *, long);
    void (*bernoulli_loglik)(const float *, const float *, float *, double *, long, long);
    void (*bernoulli_backward)(const float *, const float *, const float *, float *, long, long);
    void (*reparam_sample)(const float *, const float *, const float *, float *, double *, long, long, long);
    void (*reparam_backward)(const float *, const float *, const float *, const float *, float *, float *,
                             long, long, long);
    void (*adam_update)(float *, const float *, float *, float *, long, float, float, float, float);
    double (*sum_squares)(const float *, long);
    void (*adam_update_scaled)(float *, float *, float *, float *, long, float, float, float, float, float);
    double (*add_sum_squares)(float *, const float *, long);
    void (*add)(float *, const float *, long);
    void (*softplus_value)(const float *, float *, long);
    void (*bernoulli_loglik_value)(const float *, const float *, double *, long, long);
    void (*box_muller)(float *, long);
    void (*corrupt_streams)(uint64_t *, const float *, float *, long, long, int, float);
    void (*gru_gates_forward)(float *, const float *, float *, long, long);
    void (*gru_state_forward)(float *, const float *, float *, long, long);
    void (*gru_backward_update)(const float *, float *, const float *, float *, long, long);
    void (*gru_backward_reset)(const float *, float *, const float *, float *, const float *, long, long);
} kernel_table;

// Instantiates every body with the function attribute ATTR, as functions NAME_SUFFIX, and a table.
#define DVAE_INSTANTIATE(SUFFIX, ATTR, LABEL)                                                              \
    ATTR static void exp_##SUFFIX(const float *x, float *y, long n) { exp_body(x, y, n); }                \
    ATTR static void log_##SUFFIX(const float *x, float *y, long n) { log_body(x, y, n); }                \
    ATTR static void softplus_forward_##SUFFIX(const float *x, float *y, float *d, long n) {              \
        softplus_forward_body(x, y, d, n); }                                                                \
    ATTR static void multiply_##SUFFIX(const float *a, const float *b, float *o, long n) {                \
        multiply_body(a, b, o, n); }                                                                        \
    ATTR static void bernoulli_loglik_##SUFFIX(const float *l, const float *x, float *p, double *o,        \
                                               long rows, long cols) {                                     \
        bernoulli_loglik_body(l, x, p, o, rows, cols); }                                                    \
    ATTR static void bernoulli_backward_##SUFFIX(const float *x, const float *p, const float *a, float *g, \
                                                 long rows, long cols) {                                   \
        bernoulli_backward_body(x, p, a, g, rows, cols); }                                                  \
    ATTR static void reparam_sample_##SUFFIX(const float *mu, const float *lv, const float *eps, float *z, \
                                             double *lw, long E, long K, long L) {                         \
        reparam_sample_body(mu, lv, eps, z, lw, E, K, L); }                                                 \
    ATTR static void reparam_backward_##SUFFIX(const float *mu, const float *z, const float *dz,           \
                                               const float *a, float *gm, float *gv, long E, long K, long L) { \
        reparam_backward_body(mu, z, dz, a, gm, gv, E, K, L); }                                             \
    ATTR static void adam_update_##SUFFIX(float *w, const float *g, float *m, float *v, long n, float b1,  \
                                          float b2, float alpha, float eps) {                              \
        adam_update_body(w, g, m, v, n, b1, b2, alpha, eps); }                                              \
    ATTR static double sum_squares_##SUFFIX(const float *x, long n) { return sum_squares_body(x, n); }    \
    ATTR static void adam_update_scaled_##SUFFIX(float *w, float *g, float *m, float *v, long n, float s,  \
                                                 float b1, float b2, float alpha, float eps) {             \
        adam_update_scaled_body(w, g, m, v, n, s, b1, b2, alpha, eps); }                                    \
    ATTR static double add_sum_squares_##SUFFIX(float *d, const float *x, long n) {                        \
        return add_sum_squares_body(d, x, n); }                                                             \
    ATTR static void add_##SUFFIX(float *d, const float *x, long n) { add_body(d, x, n); }                \
    ATTR static void softplus_value_##SUFFIX(const float *x, float *y, long n) { softplus_value_body(x, y, n); } \
    ATTR static void bernoulli_loglik_value_##SUFFIX(const float *l, const float *x, double *o,           \
                                                     long rows, long cols) {                               \
        bernoulli_loglik_value_body(l, x, o, rows, cols); }                                                 \
    ATTR static void box_muller_##SUFFIX(float *p, long pairs) { box_muller_body(p, pairs); }             \
    ATTR static void corrupt_streams_##SUFFIX(uint64_t *st, const float *s, float *d, long E, long n,       \
                                              int mode, float p) {                                         \
        corrupt_streams_body(st, s, d, E, n, mode, p); }                                                    \
    ATTR static void gru_gates_forward_##SUFFIX(float *p, const float *h, float *rh, long n, long H) {     \
        gru_gates_forward_body(p, h, rh, n, H); }                                                           \
    ATTR static void gru_state_forward_##SUFFIX(float *p, const float *h, float *hn, long n, long H) {     \
        gru_state_forward_body(p, h, hn, n, H); }                                                           \
    ATTR static void gru_backward_update_##SUFFIX(const float *p, float *dp, const float *h, float *dh,    \
                                                  long n, long H) {                                        \
        gru_backward_update_body(p, dp, h, dh, n, H); }                                                     \
    ATTR static void gru_backward_reset_##SUFFIX(const float *p, float *dp, const float *h, float *dh,     \
                                                 const float *drh, long n, long H) {                       \
        gru_backward_reset_body(p, dp, h, dh, drh, n, H); }                                                 \
    static const kernel_table table_##SUFFIX = {                                                           \
        LABEL, exp_##SUFFIX, log_##SUFFIX, softplus_forward_##SUFFIX, multiply_##SUFFIX,                   \
        bernoulli_loglik_##SUFFIX, bernoulli_backward_##SUFFIX, reparam_sample_##SUFFIX,                   \
        reparam_backward_##SUFFIX, adam_update_##SUFFIX, sum_squares_##SUFFIX,                             \
        adam_update_scaled_##SUFFIX, add_sum_squares_##SUFFIX, add_##SUFFIX, softplus_value_##SUFFIX,      \
        bernoulli_loglik_value_##SUFFIX, box_muller_##SUFFIX, corrupt_streams_##SUFFIX,                    \
        gru_gates_forward_##SUFFIX, gru_state_forward_##SUFFIX, gru_backward_update_##SUFFIX,              \
        gru_backward_reset_##SUFFIX};

#ifdef DVAE_X86_LEVELS
// tune=znver4: LLVM's Intel tunings cap auto-vectorisation at 256 bits even with AVX-512; Zen 4's
// does not. 512-bit vectors measured 1.6-1.75x faster than 256-bit on the exp/log kernels on Zen 4
// (softplus 75 vs 119 us for 80k values); the instructions are plain AVX-512, run on any v4 CPU.
DVAE_INSTANTIATE(v4, __attribute__((target("arch=x86-64-v4,tune=znver4"))), "x86-64-v4")
DVAE_INSTANTIATE(v3, __attribute__((target("arch=x86-64-v3"))), "x86-64-v3")
DVAE_INSTANTIATE(v1, , "x86-64")
#else
DVAE_INSTANTIATE(generic, , "generic")
#endif

// ---- dispatch -------------------------------------------------------------------------------

/// Whether this CPU can run the instances of `t`.
static int supported(const kernel_table *t) {
#ifdef DVAE_X86_LEVELS
    __builtin_cpu_init();
    if (t == &table_v4) return __builtin_cpu_supports("x86-64-v4");
    if (t == &table_v3) return __builtin_cpu_supports("x86-64-v3");
#endif
    (void)t;
    return 1;
}

static const kernel_table *best_table(void) {
#ifdef DVAE_X86_LEVELS
    if (supported(&table_v4)) return &table_v4;
    if (supported(&table_v3)) return &table_v3;
    return &table_v1;
#else
    return &table_generic;
#endif
}

static const kernel_table *named_table(const char *name);

// The level a process starts with: the one `DVAE_KERNELS` names when the CPU runs it, else the
// widest. Read here, at first use, so every program linking the kernels (the `dvae` binary, the test
// bundle re-run per level by the suite, an embedding) honours the variable; the `dvae` binary also
// refuses a level the CPU cannot run, with a message (ElementwiseKernels.apply).
static const kernel_table *default_table(void) {
    const char *wanted = getenv("DVAE_KERNELS");
    const kernel_table *t = (wanted && *wanted) ? named_table(wanted) : 0;
    return (t && supported(t)) ? t : best_table();
}

static const kernel_table *active_table;   // read and written with __atomic builtins

static const kernel_table *kernels(void) {
    const kernel_table *t = __atomic_load_n(&active_table, __ATOMIC_ACQUIRE);
    if (!t) {
        t = default_table();
        __atomic_store_n(&active_table, t, __ATOMIC_RELEASE);
    }
    return t;
}

const char *dvae_kernels_variant(void) { return kernels()->name; }

static const kernel_table *named_table(const char *name) {
#ifdef DVAE_X86_LEVELS
    if (!strcmp(name, "x86-64-v4")) return &table_v4;
    if (!strcmp(name, "x86-64-v3")) return &table_v3;
    if (!strcmp(name, "x86-64")) return &table_v1;
#else
    if (!strcmp(name, "generic")) return &table_generic;
#endif
    return 0;
}

int dvae_kernels_select(const char *name) {
    const kernel_table *t = name ? named_table(name) : default_table();
    if (!t || !supported(t)) return 0;
    __atomic_store_n(&active_table, t, __ATOMIC_RELEASE);
    return 1;
}

void dvae_exp(const float *x, float *y, long n) { kernels()->exp(x, y, n); }
void dvae_log(const float *x, float *y, long n) { kernels()->log(x, y, n); }
void dvae_softplus_forward(const float *x, float *y, float *d, long n) { kernels()->softplus_forward(x, y, d, n); }
void dvae_multiply(const float *a, const float *b, float *out, long n) { kernels()->multiply(a, b, out, n); }
void dvae_bernoulli_loglik(const float *logits, const float *x, float *p, double *out, long rows, long cols) {
    kernels()->bernoulli_loglik(logits, x, p, out, rows, cols);
}
void dvae_bernoulli_backward(const float *x, const float *p, const float *a, float *g, long rows, long cols) {
    kernels()->bernoulli_backward(x, p, a, g, rows, cols);
}
void dvae_reparam_sample(const float *mu, const float *logVar, const float *eps, float *z, double *logw,
                         long E, long K, long L) {
    kernels()->reparam_sample(mu, logVar, eps, z, logw, E, K, L);
}
void dvae_reparam_backward(const float *mu, const float *z, const float *dz, const float *a,
                           float *dMu, float *dLogVar, long E, long K, long L) {
    kernels()->reparam_backward(mu, z, dz, a, dMu, dLogVar, E, K, L);
}
void dvae_adam_update(float *w, const float *g, float *m, float *v, long n,
                      float beta1, float beta2, float alpha, float eps) {
    kernels()->adam_update(w, g, m, v, n, beta1, beta2, alpha, eps);
}
double dvae_sum_squares(const float *x, long n) { return kernels()->sum_squares(x, n); }
void dvae_adam_update_scaled(float *w, float *g, float *m, float *v, long n, float scale,
                             float beta1, float beta2, float alpha, float eps) {
    kernels()->adam_update_scaled(w, g, m, v, n, scale, beta1, beta2, alpha, eps);
}
double dvae_add_sum_squares(float *dst, const float *src, long n) { return kernels()->add_sum_squares(dst, src, n); }
void dvae_add(float *dst, const float *src, long n) { kernels()->add(dst, src, n); }
void dvae_softplus_value(const float *x, float *y, long n) { kernels()->softplus_value(x, y, n); }
void dvae_bernoulli_loglik_value(const float *logits, const float *x, double *out, long rows, long cols) {
    kernels()->bernoulli_loglik_value(logits, x, out, rows, cols);
}
void dvae_box_muller(float *p, long pairs) { kernels()->box_muller(p, pairs); }
void dvae_corrupt_streams(uint64_t *states, const float *src, float *dst, long E, long n, dvae_corrupt_mode mode, float p) {
    kernels()->corrupt_streams(states, src, dst, E, n, mode, p);
}
void dvae_gru_gates_forward(float *p, const float *h, float *rh, long n, long H) {
    kernels()->gru_gates_forward(p, h, rh, n, H);
}
void dvae_gru_state_forward(float *p, const float *h, float *hNext, long n, long H) {
    kernels()->gru_state_forward(p, h, hNext, n, H);
}
void dvae_gru_backward_update(const float *p, float *dp, const float *h, float *dh, long n, long H) {
    kernels()->gru_backward_update(p, dp, h, dh, n, H);
}
void dvae_gru_backward_reset(const float *p, float *dp, const float *h, float *dh, const float *drh, long n, long H) {
    kernels()->gru_backward_reset(p, dp, h, dh, drh, n, H);
}
