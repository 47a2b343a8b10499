/// SplitMix64 (Steele, Lea & Flood 2014): the one copy of its constants and finaliser in the code
/// base. `RNG` seeds xoshiro256** with it, the interpreter derives fresh seeds with it and
/// `Dataset.contentDigest` finishes its hash with it; changing it changes every seeded stream
/// and every data digest (hence cache keys), so it is pinned by a test.
public enum SplitMix64 {
    /// The golden-ratio increment 2⁶⁴/φ added before each output.
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The finaliser: a bijective bit mixer of one 64-bit word.
    @inline(__always)
    public static func mix(_ word: UInt64) -> UInt64 {
        var z = word
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The generator's next output: advances `state` by `increment` and mixes it.
    @inline(__always)
    public static func next(_ state: inout UInt64) -> UInt64 {
        state &+= increment
        return mix(state)
    }
}
