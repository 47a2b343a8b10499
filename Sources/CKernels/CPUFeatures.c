// CPUID feature detection for choosing BLAS kernels (see Sources/DVAE/BLAS/BLASCore.swift).
#include "CKernels.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

// XCR0: which register states the OS saves on a context switch. Read only when OSXSAVE is set.
static uint64_t read_xcr0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

dvae_cpu_features dvae_cpu_detect(void) {
    dvae_cpu_features f;
    memset(&f, 0, sizeof f);
    unsigned a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return f;
    unsigned maxLeaf = a;
    memcpy(f.vendor, &b, 4); memcpy(f.vendor + 4, &d, 4); memcpy(f.vendor + 8, &c, 4);
    f.vendor[12] = 0;
    __get_cpuid(1, &a, &b, &c, &d);
    int baseFamily = (a >> 8) & 0xF, baseModel = (a >> 4) & 0xF;
    f.family = baseFamily == 0xF ? baseFamily + ((a >> 20) & 0xFF) : baseFamily;
    f.model = (baseFamily == 6 || baseFamily == 0xF) ? baseModel | (((a >> 16) & 0xF) << 4) : baseModel;
    int osxsave = (c >> 27) & 1;
    uint64_t xcr0 = osxsave ? read_xcr0() : 0;
    int osAVX = (xcr0 & 0x6) == 0x6;            // SSE and AVX (YMM) state
    int osAVX512 = osAVX && (xcr0 & 0xE0) == 0xE0; // opmask, ZMM0-15 upper halves, ZMM16-31
    f.avx = osAVX && ((c >> 28) & 1);
    f.fma = f.avx && ((c >> 12) & 1);
    if (maxLeaf >= 7) {
        __get_cpuid_count(7, 0, &a, &b, &c, &d);
        unsigned subleaves = a;
        f.avx2 = f.avx && ((b >> 5) & 1);
        f.avx512f = osAVX512 && ((b >> 16) & 1);
        f.avx512dq = osAVX512 && ((b >> 17) & 1);
        f.avx512bw = osAVX512 && ((b >> 30) & 1);
        f.avx512vl = osAVX512 && ((b >> 31) & 1);
        if (subleaves >= 1) {
            __get_cpuid_count(7, 1, &a, &b, &c, &d);
            f.avx512bf16 = osAVX512 && ((a >> 5) & 1);
        }
    }
    return f;
}
#else
dvae_cpu_features dvae_cpu_detect(void) {
    dvae_cpu_features f;
    memset(&f, 0, sizeof f);
    return f;
}
#endif
