// The first layer of an encoder whose input is a 0/1 image, computed from the positions of its ones.
//
// A binarised MNIST digit has about 13 % ones (about 16 % after 5 % salt-and-pepper noise), so
// x Wᵀ is a sum of the rows of Wᵀ at those positions and dyᵀ x a sum of dy's rows: a sixth of the
// multiply-adds of the dense product, and no multiplications at all. Every sum here runs in a
// fixed order (ascending example, then ascending pixel) and vectorises across the output units
// only, so the result does not depend on the vector level or on how the batch is split into shards.
//
// Like ElementwiseLoops.c, each body is compiled for x86-64-v4, x86-64-v3 and baseline x86-64 and
// runs the level `dvae_kernels_variant()` names (so `DVAE_KERNELS` and `dvae_kernels_select` pick
// these too); the results are bit-identical across levels, the speed is not.
#include "CKernels.h"
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define DVAE_X86_LEVELS 1
#endif
#define INLINE static inline __attribute__((always_inline))

// ---- bodies ---------------------------------------------------------------------------------

// Branch-free: every value is written to `columns` and kept only when it is a one, so a digit's
// ones cost no mispredicted branches; `columns` needs room for maxOnes + cols entries.
INLINE long binary_index_body(const float *x, long rows, long cols, long maxOnes, int32_t *columns,
                              int32_t *offsets) {
    long ones = 0;
    offsets[0] = 0;
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * cols;
        int bad = 0;
        for (long c = 0; c < cols; c++) {
            float v = row[c];
            columns[ones] = (int32_t)c;
            ones += v == 1.0f;
            bad |= (v != 0.0f) & (v != 1.0f);
        }
        if (bad || ones > maxOnes) return -1;
        offsets[r + 1] = (int32_t)ones;
    }
    return ones;
}

// out[0..<W] = start[0..<W] + Σ_{i ∈ list} base[list[i] * stride + 0..<W], added in list order, for
// a fixed W: the W sums stay in vector registers while the rows stream past.
#define SUM_ROWS_CHUNK(W, out, start, list, end, base, stride)                                  \
    do {                                                                                        \
        float acc_[W];                                                                          \
        for (int k_ = 0; k_ < W; k_++) acc_[k_] = (start)[k_];                                  \
        for (const int32_t *i_ = (list); i_ < (end); i_++) {                                    \
            const float *row_ = (base) + (long)*i_ * (stride);                                  \
            for (int k_ = 0; k_ < W; k_++) acc_[k_] += row_[k_];                                \
        }                                                                                       \
        for (int k_ = 0; k_ < W; k_++) (out)[k_] = acc_[k_];                                    \
    } while (0)

// out[0..<width] = start + Σ rows, in chunks of 64, 32, 16, 8 and 1 columns (each column's sum in
// list order whatever its chunk).
INLINE void sum_rows(float *out, const float *start, const int32_t *list, const int32_t *end, const float *base,
                     long stride, long width) {
    long c = 0;
    for (; c + 64 <= width; c += 64) SUM_ROWS_CHUNK(64, out + c, start + c, list, end, base + c, stride);
    if (c + 32 <= width) { SUM_ROWS_CHUNK(32, out + c, start + c, list, end, base + c, stride); c += 32; }
    if (c + 16 <= width) { SUM_ROWS_CHUNK(16, out + c, start + c, list, end, base + c, stride); c += 16; }
    if (c + 8 <= width) { SUM_ROWS_CHUNK(8, out + c, start + c, list, end, base + c, stride); c += 8; }
    for (; c < width; c++) SUM_ROWS_CHUNK(1, out + c, start + c, list, end, base + c, stride);
}

INLINE void rows_sum_forward_body(const int32_t *columns, const int32_t *offsets, long rows, const float *wt,
                                  long width, const float *bias, float *y) {
    for (long r = 0; r < rows; r++) {
        sum_rows(y + r * width, bias, columns + offsets[r], columns + offsets[r + 1], wt, width, width);
    }
}

// dW[k, j] (+)= Σ_s Σ_{r ∈ rows of s at column j} dy_s[r, k], 16 columns j at a time: their sums
// in `scratch` (16 × width, in L1 for the usual widths), added source by source and row by row in
// order from zero, then written (or added) across into the 16 columns of dW's rows.
INLINE void binary_weight_gradient_body(long sources, const int32_t *const *rowsOf, const int32_t *const *offsets,
                                        const float *const *dy, long ldy, long cols, long width, float *dW,
                                        long ldw, int add, float *scratch) {
    for (long j0 = 0; j0 < cols; j0 += 16) {
        long j1 = j0 + 16 < cols ? j0 + 16 : cols;
        for (long j = j0; j < j1; j++) {
            float *sum = scratch + (j - j0) * width;
            for (long k = 0; k < width; k++) sum[k] = 0;
            for (long s = 0; s < sources; s++) {
                const int32_t *o = offsets[s];
                if (o[j] == o[j + 1]) continue;
                sum_rows(sum, sum, rowsOf[s] + o[j], rowsOf[s] + o[j + 1], dy[s], ldy, width);
            }
        }
        for (long k = 0; k < width; k++) {
            float *dst = dW + k * ldw;
            if (add) {
                for (long j = j0; j < j1; j++) dst[j] += scratch[(j - j0) * width + k];
            } else {
                for (long j = j0; j < j1; j++) dst[j] = scratch[(j - j0) * width + k];
            }
        }
    }
}

typedef float v8f __attribute__((vector_size(32)));

// One 8 × 8 block, in registers: three rounds of shuffles (pairs, then 64-bit halves, then
// 128-bit lanes) take rows to columns. Vector extensions, so each level gets its own instructions.
INLINE void transpose_8x8(const float *a, long lda, float *b, long ldb) {
    v8f r0, r1, r2, r3, r4, r5, r6, r7;
    memcpy(&r0, a, 32); memcpy(&r1, a + lda, 32); memcpy(&r2, a + 2 * lda, 32); memcpy(&r3, a + 3 * lda, 32);
    memcpy(&r4, a + 4 * lda, 32); memcpy(&r5, a + 5 * lda, 32); memcpy(&r6, a + 6 * lda, 32); memcpy(&r7, a + 7 * lda, 32);
    v8f t0 = __builtin_shufflevector(r0, r1, 0, 8, 1, 9, 4, 12, 5, 13);
    v8f t1 = __builtin_shufflevector(r0, r1, 2, 10, 3, 11, 6, 14, 7, 15);
    v8f t2 = __builtin_shufflevector(r2, r3, 0, 8, 1, 9, 4, 12, 5, 13);
    v8f t3 = __builtin_shufflevector(r2, r3, 2, 10, 3, 11, 6, 14, 7, 15);
    v8f t4 = __builtin_shufflevector(r4, r5, 0, 8, 1, 9, 4, 12, 5, 13);
    v8f t5 = __builtin_shufflevector(r4, r5, 2, 10, 3, 11, 6, 14, 7, 15);
    v8f t6 = __builtin_shufflevector(r6, r7, 0, 8, 1, 9, 4, 12, 5, 13);
    v8f t7 = __builtin_shufflevector(r6, r7, 2, 10, 3, 11, 6, 14, 7, 15);
    v8f s0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13);
    v8f s1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);
    v8f s2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13);
    v8f s3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);
    v8f s4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13);
    v8f s5 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);
    v8f s6 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13);
    v8f s7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);
    v8f o0 = __builtin_shufflevector(s0, s4, 0, 1, 2, 3, 8, 9, 10, 11);
    v8f o1 = __builtin_shufflevector(s1, s5, 0, 1, 2, 3, 8, 9, 10, 11);
    v8f o2 = __builtin_shufflevector(s2, s6, 0, 1, 2, 3, 8, 9, 10, 11);
    v8f o3 = __builtin_shufflevector(s3, s7, 0, 1, 2, 3, 8, 9, 10, 11);
    v8f o4 = __builtin_shufflevector(s0, s4, 4, 5, 6, 7, 12, 13, 14, 15);
    v8f o5 = __builtin_shufflevector(s1, s5, 4, 5, 6, 7, 12, 13, 14, 15);
    v8f o6 = __builtin_shufflevector(s2, s6, 4, 5, 6, 7, 12, 13, 14, 15);
    v8f o7 = __builtin_shufflevector(s3, s7, 4, 5, 6, 7, 12, 13, 14, 15);
    memcpy(b, &o0, 32); memcpy(b + ldb, &o1, 32); memcpy(b + 2 * ldb, &o2, 32); memcpy(b + 3 * ldb, &o3, 32);
    memcpy(b + 4 * ldb, &o4, 32); memcpy(b + 5 * ldb, &o5, 32); memcpy(b + 6 * ldb, &o6, 32); memcpy(b + 7 * ldb, &o7, 32);
}

// 8 × 8 blocks in registers; the ragged edges element by element.
INLINE void transpose_body(const float *a, long rows, long cols, long lda, float *b, long ldb) {
    long r8 = rows - rows % 8, c8 = cols - cols % 8;
    for (long r = 0; r < r8; r += 8) {
        for (long c = 0; c < c8; c += 8) transpose_8x8(a + r * lda + c, lda, b + c * ldb + r, ldb);
    }
    for (long r = 0; r < rows; r++) {
        for (long c = (r < r8 ? c8 : 0); c < cols; c++) b[c * ldb + r] = a[r * lda + c];
    }
}

// ---- one table per vector level --------------------------------------------------------------

typedef struct {
    const char *name;
    long (*binary_index)(const float *, long, long, long, int32_t *, int32_t *);
    void (*rows_sum_forward)(const int32_t *, const int32_t *, long, const float *, long, const float *, float *);
    void (*weight_gradient)(long, const int32_t *const *, const int32_t *const *, const float *const *, long, long,
                            long, float *, long, int, float *);
    void (*transpose)(const float *, long, long, long, float *, long);
} binary_table;

#define DVAE_INSTANTIATE(SUFFIX, ATTR, LABEL)                                                              \
    ATTR static long binary_index_##SUFFIX(const float *x, long rows, long cols, long maxOnes,             \
                                           int32_t *columns, int32_t *offsets) {                           \
        return binary_index_body(x, rows, cols, maxOnes, columns, offsets); }                              \
    ATTR static void rows_sum_forward_##SUFFIX(const int32_t *c, const int32_t *o, long rows,             \
                                               const float *wt, long width, const float *b, float *y) {    \
        rows_sum_forward_body(c, o, rows, wt, width, b, y); }                                               \
    ATTR static void weight_gradient_##SUFFIX(long n, const int32_t *const *r, const int32_t *const *o,   \
                                              const float *const *dy, long ldy, long cols, long width,     \
                                              float *dW, long ldw, int add, float *scratch) {              \
        binary_weight_gradient_body(n, r, o, dy, ldy, cols, width, dW, ldw, add, scratch); }               \
    ATTR static void transpose_##SUFFIX(const float *a, long rows, long cols, long lda, float *b,          \
                                        long ldb) {                                                        \
        transpose_body(a, rows, cols, lda, b, ldb); }                                                       \
    static const binary_table table_##SUFFIX = {LABEL, binary_index_##SUFFIX, rows_sum_forward_##SUFFIX,  \
                                                weight_gradient_##SUFFIX, transpose_##SUFFIX};

#ifdef DVAE_X86_LEVELS
DVAE_INSTANTIATE(v4, __attribute__((target("arch=x86-64-v4,tune=znver4"))), "x86-64-v4")
DVAE_INSTANTIATE(v3, __attribute__((target("arch=x86-64-v3"))), "x86-64-v3")
DVAE_INSTANTIATE(v1, , "x86-64")
static const binary_table *tables[] = {&table_v4, &table_v3, &table_v1};
#else
DVAE_INSTANTIATE(generic, , "generic")
static const binary_table *tables[] = {&table_generic};
#endif

/// The table of the level the element-wise kernels use (checked against the CPU there).
static const binary_table *kernels(void) {
    const char *level = dvae_kernels_variant();
    for (unsigned i = 0; i < sizeof tables / sizeof *tables; i++) {
        if (!strcmp(tables[i]->name, level)) return tables[i];
    }
    return tables[sizeof tables / sizeof *tables - 1];
}

long dvae_binary_index(const float *x, long rows, long cols, long maxOnes, int32_t *columns, int32_t *offsets) {
    return kernels()->binary_index(x, rows, cols, maxOnes, columns, offsets);
}
void dvae_rows_sum_forward(const int32_t *columns, const int32_t *offsets, long rows, const float *wt, long width,
                           const float *bias, float *y) {
    kernels()->rows_sum_forward(columns, offsets, rows, wt, width, bias, y);
}
void dvae_binary_weight_gradient(long sources, const int32_t *const *rowsOf, const int32_t *const *columnOffsets,
                                 const float *const *dy, long ldy, long cols, long width, float *dW, long ldw, int add,
                                 float *scratch) {
    kernels()->weight_gradient(sources, rowsOf, columnOffsets, dy, ldy, cols, width, dW, ldw, add, scratch);
}
void dvae_binary_index_by_column(const int32_t *columns, const int32_t *offsets, long rows, long cols,
                                  int32_t *rowsOf, int32_t *columnOffsets) {
    // Counting sort: count each column's ones, prefix-sum the counts, place the rows in order.
    memset(columnOffsets, 0, sizeof(int32_t) * (size_t)(cols + 1));
    for (long i = 0; i < offsets[rows]; i++) columnOffsets[columns[i] + 1]++;
    for (long j = 0; j < cols; j++) columnOffsets[j + 1] += columnOffsets[j];
    for (long r = 0; r < rows; r++) {
        for (long i = offsets[r]; i < offsets[r + 1]; i++) rowsOf[columnOffsets[columns[i]]++] = (int32_t)r;
    }
    // Each entry now holds the next column's start: shift back by one.
    for (long j = cols; j > 0; j--) columnOffsets[j] = columnOffsets[j - 1];
    columnOffsets[0] = 0;
}
void dvae_transpose(const float *a, long rows, long cols, long lda, float *b, long ldb) {
    kernels()->transpose(a, rows, cols, lda, b, ldb);
}
