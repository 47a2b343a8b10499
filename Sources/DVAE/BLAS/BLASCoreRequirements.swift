// Which OpenBLAS cores a processor can run, so that an impossible OPENBLAS_CORETYPE is refused
// before any BLAS kernel executes (the library obeys the variable blindly: SkylakeX on an AVX2-only
// Zen 2 dies with SIGILL inside the first sgemm, or hangs).

/// The OpenBLAS 0.3.21 (Debian's DYNAMIC_ARCH x86-64 build) cores, and what each needs.
public enum OpenBLASCoreRequirement: Sendable, Equatable {
    /// SSE-family kernels any x86-64 runs.
    case anyX86_64
    /// Kernels for AMD processors of before AVX (3DNow!-era prefetches and SSE4a).
    case amdSSE
    /// AVX kernels.
    case avx
    /// AMD family 15h kernels (Bulldozer to Excavator), which use FMA4: only that family has it.
    case amdFamily15h
    /// AVX2 + FMA3 kernels.
    case avx2FMA
    /// AVX-512 F, BW, DQ and VL kernels.
    case avx512
    /// AVX-512 (F, BW, DQ, VL) with BF16.
    case avx512BF16

    /// The cores dvae knows, in the order they are offered (widest first), with their needs.
    public static let cores: [(name: String, requirement: OpenBLASCoreRequirement)] = [
        ("Cooperlake", .avx512BF16), ("SkylakeX", .avx512),
        ("Zen", .avx2FMA), ("Haswell", .avx2FMA),
        ("Excavator", .amdFamily15h), ("Steamroller", .amdFamily15h), ("Piledriver", .amdFamily15h),
        ("Bulldozer", .amdFamily15h),
        ("Sandybridge", .avx),
        ("Barcelona", .amdSSE), ("Bobcat", .amdSSE), ("Opteron_SSE3", .amdSSE), ("Opteron", .amdSSE),
        ("Athlon", .amdSSE),
        ("Nehalem", .anyX86_64), ("Dunnington", .anyX86_64), ("Penryn", .anyX86_64), ("Core2", .anyX86_64),
        ("Atom", .anyX86_64), ("Nano", .anyX86_64), ("Prescott", .anyX86_64),
    ]

    /// The requirement of core `name` (any case), or nil for a name that is not one of `cores`.
    public init?(core name: String) {
        guard let entry = Self.cores.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
        self = entry.requirement
    }

    /// True when a processor with features `f` has what this requirement names.
    public func isMet(by f: CPUFeatures) -> Bool {
        let amd = f.vendor == "AuthenticAMD" || f.vendor == "HygonGenuine"
        switch self {
        case .anyX86_64: return true
        case .amdSSE: return amd
        case .avx: return f.avx
        case .amdFamily15h: return f.vendor == "AuthenticAMD" && f.family == 0x15
        case .avx2FMA: return f.avx2 && f.fma
        case .avx512: return f.hasAVX512Core
        case .avx512BF16: return f.hasAVX512Core && f.avx512bf16
        }
    }

    /// What is missing, for messages: "AVX-512 (F, BW, DQ, VL)", "an AMD processor", …
    public var needs: String {
        switch self {
        case .anyX86_64: return "an x86-64 processor"
        case .amdSSE: return "an AMD processor"
        case .avx: return "AVX"
        case .amdFamily15h: return "an AMD family 15h processor (FMA4)"
        case .avx2FMA: return "AVX2 and FMA"
        case .avx512: return "AVX-512 (F, BW, DQ, VL)"
        case .avx512BF16: return "AVX-512 (F, BW, DQ, VL) with BF16"
        }
    }
}

/// The OpenBLAS cores a processor with features `f` can run, widest first.
public func openBLASCoresRunnable(on f: CPUFeatures) -> [String] {
    OpenBLASCoreRequirement.cores.filter { $0.requirement.isMet(by: f) }.map(\.name)
}

/// Why `OPENBLAS_CORETYPE=core` cannot work on a processor with features `f`, as a sentence naming
/// the cores it can run, or nil when it can.
public func openBLASCoreProblem(_ core: String, features f: CPUFeatures) -> String? {
    let choices = "cores this processor runs: " + openBLASCoresRunnable(on: f).joined(separator: ", ")
        + " (or unset OPENBLAS_CORETYPE and dvae chooses)"
    guard let requirement = OpenBLASCoreRequirement(core: core) else {
        return "OPENBLAS_CORETYPE=\(core) is not a core of dvae's OpenBLAS; \(choices)"
    }
    guard !requirement.isMet(by: f) else { return nil }
    return "OPENBLAS_CORETYPE=\(core) needs \(requirement.needs), which this \(f.vendor) family \(f.family) "
        + "model \(f.model) processor (\(f.vectorLevel)) lacks: its kernels would stop dvae with an illegal "
        + "instruction; \(choices)"
}
