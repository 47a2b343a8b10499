import CKernels

/// The instruction-set level of the element-wise C kernels (`Sources/CKernels`): by default the
/// widest the CPU runs (`x86-64-v4` = AVX-512, `x86-64-v3` = AVX2 + FMA, `x86-64` = SSE2;
/// `generic` off x86-64), chosen once at start-up.
///
/// `DVAE_KERNELS=LEVEL` asks for a narrower level, e.g. to measure what a machine without
/// AVX-512 would get, together with `OPENBLAS_CORETYPE=Haswell` for the matrix products.
public enum ElementwiseKernels {
    /// The environment variable read at start-up: `DVAE_KERNELS`.
    public static let environmentVariable = "DVAE_KERNELS"

    /// Every level this build has, widest first (not all may run on this CPU).
    public static var levels: [String] {
        #if arch(x86_64)
        return ["x86-64-v4", "x86-64-v3", "x86-64"]
        #else
        return ["generic"]
        #endif
    }

    /// The level in use, e.g. `x86-64-v4`.
    public static var current: String { String(cString: dvae_kernels_variant()) }

    /// The levels this CPU can run, widest first.
    public static var supported: [String] {
        let before = current
        defer { _ = select(before) }
        return levels.filter(select)
    }

    /// Switches to `level`; false (and nothing changes) when the build has no such level or the
    /// CPU cannot run it.
    @discardableResult
    public static func select(_ level: String) -> Bool { dvae_kernels_select(level) == 1 }

    /// Applies `DVAE_KERNELS` from `environment`; returns an error message naming the levels this
    /// CPU runs when the value is not one of them, nil otherwise (also when it is unset).
    public static func apply(environment: [String: String]) -> String? {
        guard let wanted = environment[environmentVariable], !wanted.isEmpty else { return nil }
        if select(wanted) { return nil }
        return "\(environmentVariable)=\(wanted) is not a kernel level this CPU runs; choose one of "
            + supported.joined(separator: ", ")
    }
}
