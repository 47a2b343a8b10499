import CKernels

/// The vector extensions of an x86-64 processor that decide which kernels fit it (CPUID, counting an
/// extension only when the operating system saves its registers). All false on other architectures.
public struct CPUFeatures: Codable, Equatable, Sendable {
    /// CPUID vendor string: "GenuineIntel", "AuthenticAMD", "HygonGenuine", … ("" off x86).
    public var vendor: String
    /// Display family (e.g. 6 for Intel Core/Xeon, 25 for AMD Zen 3/4).
    public var family: Int
    /// Display model (e.g. 207 for Intel Emerald Rapids Xeon, 17 for AMD Zen 4 EPYC).
    public var model: Int
    /// AVX (256-bit float vectors).
    public var avx: Bool
    /// FMA3 fused multiply-add.
    public var fma: Bool
    /// AVX2 (256-bit integer vectors, gathers).
    public var avx2: Bool
    /// AVX-512 Foundation.
    public var avx512f: Bool
    /// AVX-512 byte/word instructions.
    public var avx512bw: Bool
    /// AVX-512 doubleword/quadword instructions.
    public var avx512dq: Bool
    /// AVX-512 vector-length extensions (the 128/256-bit forms).
    public var avx512vl: Bool
    /// AVX-512 bfloat16 instructions.
    public var avx512bf16: Bool

    /// A feature set given field by field (tests use this to describe processors not at hand).
    public init(vendor: String, family: Int, model: Int, avx: Bool = false, fma: Bool = false, avx2: Bool = false,
                avx512f: Bool = false, avx512bw: Bool = false, avx512dq: Bool = false, avx512vl: Bool = false,
                avx512bf16: Bool = false) {
        self.vendor = vendor
        self.family = family
        self.model = model
        self.avx = avx
        self.fma = fma
        self.avx2 = avx2
        self.avx512f = avx512f
        self.avx512bw = avx512bw
        self.avx512dq = avx512dq
        self.avx512vl = avx512vl
        self.avx512bf16 = avx512bf16
    }

    /// The processor this process runs on.
    public static var current: CPUFeatures {
        let f = dvae_cpu_detect()
        let vendor = withUnsafeBytes(of: f.vendor) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return CPUFeatures(vendor: vendor, family: Int(f.family), model: Int(f.model),
                           avx: f.avx != 0, fma: f.fma != 0, avx2: f.avx2 != 0,
                           avx512f: f.avx512f != 0, avx512bw: f.avx512bw != 0, avx512dq: f.avx512dq != 0,
                           avx512vl: f.avx512vl != 0, avx512bf16: f.avx512bf16 != 0)
    }

    /// AVX-512 F, BW, DQ and VL together: what OpenBLAS's SkylakeX kernels use.
    public var hasAVX512Core: Bool { avx512f && avx512bw && avx512dq && avx512vl }

    /// The widest vector instruction level present, for messages: "AVX-512", "AVX2+FMA", "AVX" or "SSE".
    public var vectorLevel: String {
        if hasAVX512Core { return "AVX-512" }
        if avx2 && fma { return "AVX2+FMA" }
        if avx { return "AVX" }
        return "SSE"
    }
}
