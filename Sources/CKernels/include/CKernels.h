// CKernels: the engine's C kernels — CPU feature detection and the element-wise loops of the
// training step, compiled once per vector width and dispatched at run time (see Kernels.c).
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

#endif
