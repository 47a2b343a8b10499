import CBLAS
import Foundation

// Which OpenBLAS kernel set ("core") a processor deserves, and what this process runs with.
//
// OpenBLAS built with DYNAMIC_ARCH picks its kernels once, in its load-time constructor, from a
// table of CPU models. A model newer than the table (e.g. an Intel Xeon of family 6 model 207 under
// Debian's 0.3.21) silently gets the generic SSE3 kernels, "Prescott" — 3-6× slower sgemm. The
// `dvae` executable therefore compares the library's choice with the CPU's features at start-up and,
// when the library fell back, re-executes itself once with OPENBLAS_CORETYPE set (the variable is
// read only in that constructor), checks the new kernels with a small sgemm self-test, and goes back
// to the library's own choice if they disagree with a plain reference. The decision is the pure
// function `openBLASCoreOverride(features:libraryCore:)`; the hand-over between the two processes is
// the environment variable `BLASCoreState.variable`.

/// The widest vector instructions a set of OpenBLAS kernels uses, ordered.
public enum BLASKernelTier: Int, Comparable, Sendable, CaseIterable {
    /// SSE-family kernels (Prescott, Nehalem, Core2, Barcelona, … and unknown names).
    case sse
    /// AVX kernels (Sandybridge, Bulldozer and its successors).
    case avx
    /// AVX2 + FMA kernels (Haswell, Zen).
    case avx2
    /// AVX-512 kernels (SkylakeX, Cooperlake, SapphireRapids).
    case avx512

    /// The tier of an OpenBLAS core name (as `openblas_get_corename()` prints it; any case).
    public init(openBLASCore name: String) {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": self = .avx512
        case "haswell", "zen": self = .avx2
        case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator": self = .avx
        default: self = .sse
        }
    }

    /// The tier a processor's features support.
    public init(features f: CPUFeatures) {
        if f.hasAVX512Core { self = .avx512 } else if f.avx2 && f.fma { self = .avx2 } else if f.avx { self = .avx } else { self = .sse }
    }

    public static func < (a: BLASKernelTier, b: BLASKernelTier) -> Bool { a.rawValue < b.rawValue }
}

/// The OpenBLAS 0.3.21 core whose kernels fit a processor's features best for sgemm, or nil for
/// an SSE-only processor (whatever the library picks is then as good as it gets).
///
/// AVX-512 F/BW/DQ/VL → "SkylakeX" (also with BF16: Cooperlake's sgemm kernels are SkylakeX's; it
/// adds only bfloat16 kernels, which dvae never calls, and SkylakeX is the set checked on the
/// Intel model-207 Xeon); AVX2 + FMA → "Zen" on AMD/Hygon, "Haswell" elsewhere; AVX → "Sandybridge".
public func deservedOpenBLASCore(for f: CPUFeatures) -> String? {
    switch BLASKernelTier(features: f) {
    case .avx512: return "SkylakeX"
    case .avx2: return (f.vendor == "AuthenticAMD" || f.vendor == "HygonGenuine") ? "Zen" : "Haswell"
    case .avx: return "Sandybridge"
    case .sse: return nil
    }
}

/// The core to force with OPENBLAS_CORETYPE, or nil to keep the library's choice: the deserved core
/// when the library's `libraryCore` uses narrower vectors than the processor has (a generic
/// fallback), never a downgrade or a sideways move (Cooperlake on Zen 4, Haswell on an AVX2 Zen stay).
public func openBLASCoreOverride(features: CPUFeatures, libraryCore: String) -> String? {
    guard let deserved = deservedOpenBLASCore(for: features) else { return nil }
    return BLASKernelTier(openBLASCore: libraryCore) < BLASKernelTier(features: features) ? deserved : nil
}

/// The name of the kernel set OpenBLAS is using in this process (e.g. "Cooperlake", "Prescott").
public var currentOpenBLASCore: String {
    guard let name = openblas_get_corename() else { return "unknown" }
    return String(cString: name)
}

/// The start-up hand-over between the `dvae` process that chose a core and the process it
/// re-executed with that core, carried in the environment variable `DVAE_BLAS_CORE_STATE` as
/// `<phase>:<library's own core>:<forced core>`.
public struct BLASCoreState: Equatable, Sendable {
    /// The environment variable carrying the state.
    public static let variable = "DVAE_BLAS_CORE_STATE"

    /// Where the override stands.
    public enum Phase: String, Sendable {
        /// Set by the first process before re-executing: the forced core still has to pass the self-test.
        case trying = "try"
        /// The forced core passed the self-test (inherited by child processes as is).
        case passed = "ok"
        /// The forced core failed the self-test; this process runs the library's own choice again.
        case fellBack = "fallback"
    }

    /// Where the override stands.
    public var phase: Phase
    /// The core OpenBLAS chose by itself in the first process.
    public var libraryCore: String
    /// The core forced with OPENBLAS_CORETYPE.
    public var forcedCore: String

    /// A state given field by field.
    public init(phase: Phase, libraryCore: String, forcedCore: String) {
        self.phase = phase
        self.libraryCore = libraryCore
        self.forcedCore = forcedCore
    }

    /// Parses `phase:library:forced`; nil for anything else.
    public init?(parsing text: String?) {
        guard let parts = text?.split(separator: ":", omittingEmptySubsequences: false), parts.count == 3,
              let phase = Phase(rawValue: String(parts[0])), !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        self.init(phase: phase, libraryCore: String(parts[1]), forcedCore: String(parts[2]))
    }

    /// The value to put in the environment.
    public var encoded: String { "\(phase.rawValue):\(libraryCore):\(forcedCore)" }
}

/// The BLAS kernel set this process runs with and how it came to be chosen.
public struct BLASCoreSelection: Equatable, Sendable {
    /// The core in use (`openblas_get_corename()`).
    public var core: String
    /// The core OpenBLAS chose by itself for this processor.
    public var libraryCore: String
    /// True when dvae forced `core` with OPENBLAS_CORETYPE and it passed the self-test.
    public var overridden: Bool
    /// True when the user set OPENBLAS_CORETYPE (their choice is kept).
    public var userSet: Bool
    /// What happened, when it is worth a sentence (a failed self-test, a user's choice).
    public var note: String?
    /// One line for `dvae bench` when the core in use is a generic fallback on a capable processor.
    public var warning: String?

    /// The selection described by the environment, the core in use and the processor.
    public static func describe(environment: [String: String], core: String, features: CPUFeatures) -> BLASCoreSelection {
        let state = BLASCoreState(parsing: environment[BLASCoreState.variable])
        let forced = environment["OPENBLAS_CORETYPE"]
        var s = BLASCoreSelection(core: core, libraryCore: core, overridden: false, userSet: false, note: nil, warning: nil)
        if let state, state.phase != .fellBack, forced?.lowercased() == state.forcedCore.lowercased() {
            s.libraryCore = state.libraryCore
            s.overridden = core.lowercased() == state.forcedCore.lowercased()
            s.note = "OpenBLAS chose \(state.libraryCore) for this \(features.vectorLevel) processor; dvae uses \(state.forcedCore)"
        } else if let state, state.phase == .fellBack, forced == nil {
            s.note = "the \(state.forcedCore) kernels failed dvae's sgemm self-test; kept OpenBLAS's own choice \(core)"
        } else if let forced {
            s.userSet = true
            s.note = "OPENBLAS_CORETYPE=\(forced) set by the user"
        }
        if let deserved = deservedOpenBLASCore(for: features),
           BLASKernelTier(openBLASCore: core) < BLASKernelTier(features: features) {
            s.warning = "warning: OpenBLAS runs its generic \(core) kernels on this \(features.vectorLevel) processor "
                + "(\(features.vendor) family \(features.family) model \(features.model)); "
                + "\(deserved) kernels would be several times faster"
                + (s.userSet ? " (OPENBLAS_CORETYPE is set by you)" : "")
        }
        return s
    }

    /// The selection of this process.
    public static var current: BLASCoreSelection {
        describe(environment: ProcessInfo.processInfo.environment, core: currentOpenBLASCore, features: .current)
    }
}
