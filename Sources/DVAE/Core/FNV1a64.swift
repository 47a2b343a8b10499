/// FNV-1a, 64-bit: the one copy of its constants in the code base. Cache keys
/// (`ExperimentKey`, `ExperimentConfig.dataDigest`) and `Dataset.contentDigest` are FNV-1a
/// hashes, so these constants are part of every committed result's key (pinned by tests).
public struct FNV1a64: Sendable {
    /// The offset basis: the hash of nothing.
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The FNV prime.
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The hash so far.
    public private(set) var value: UInt64 = FNV1a64.offsetBasis

    /// An empty hash.
    public init() {}

    /// Mixes in one word (a byte, or a wider word as `Dataset.contentDigest` does).
    @inline(__always)
    public mutating func mix(_ word: UInt64) { value = (value ^ word) &* FNV1a64.prime }

    /// The hash of `bytes`.
    public static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = FNV1a64()
        for b in bytes { h.mix(UInt64(b)) }
        return h.value
    }
}
