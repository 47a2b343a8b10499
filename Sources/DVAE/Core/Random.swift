/// A small, fast, seedable pseudo-random generator (xoshiro256**), seeded through SplitMix64.
///
/// Every stochastic part of the engine takes one of these explicitly, so a seed makes a run
/// reproducible on the same machine. It is a value type: copying it forks the stream.
public struct RNG: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// A cached second normal deviate from the Box–Muller pair.
    private var spareNormal: Float? = nil

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var x = seed
        s0 = SplitMix64.next(&x); s1 = SplitMix64.next(&x); s2 = SplitMix64.next(&x); s3 = SplitMix64.next(&x)
    }

    /// Generator number `stream` of the family `seed`: independent streams for the examples of one
    /// call (the objectives and bounds draw example i's noise from stream i, so the noise does not
    /// depend on how a batch is split across threads). The stream index is hashed (SplitMix64
    /// finaliser) before it is mixed into the seed, so neighbouring indices give unrelated streams.
    public init(seed: UInt64, stream: UInt64) {
        self.init(seed: seed ^ SplitMix64.mix(stream &+ SplitMix64.increment))
    }

    /// The four state words, for kernels that advance several streams at once
    /// (`Corruption.apply(_:into:rowsPerExample:streams:)`). Those draw uniforms only, so the
    /// cached second normal deviate is untouched.
    var stateWords: (UInt64, UInt64, UInt64, UInt64) {
        get { (s0, s1, s2, s3) }
        set { (s0, s1, s2, s3) = newValue }
    }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 { nextBits() }

    @usableFromInline mutating func nextBits() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform float in [0, 1).
    @inlinable public mutating func uniform() -> Float {
        Float(nextBits() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform double in [0, 1).
    @inlinable public mutating func uniformDouble() -> Double {
        Double(nextBits() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal deviate (Box–Muller, both values of each pair used).
    public mutating func normal() -> Float {
        if let s = spareNormal { spareNormal = nil; return s }
        var u1 = uniformDouble()
        while u1 <= 1e-300 { u1 = uniformDouble() }
        let u2 = uniformDouble()
        let r = (-2.0 * _log(u1)).squareRoot()
        let theta = 2.0 * Double.pi * u2
        spareNormal = Float(r * _sin(theta))
        return Float(r * _cos(theta))
    }

    /// Fills `t` with independent standard normal deviates.
    public mutating func fillNormal(_ t: Tensor) {
        for i in 0..<t.count { t.data[i] = normal() }
    }

    /// A uniform integer in `0..<n`.
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0)
        return Int(nextBits() % UInt64(n))
    }

    /// Shuffles `array` in place (Fisher–Yates).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, int(below: i + 1))
        }
    }

    /// A new generator derived from this one's stream (for independent sub-streams).
    public mutating func split() -> RNG { RNG(seed: nextBits()) }
}

#if canImport(Glibc)
import Glibc
@usableFromInline func _log(_ x: Double) -> Double { Glibc.log(x) }
@usableFromInline func _sin(_ x: Double) -> Double { Glibc.sin(x) }
@usableFromInline func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
import Darwin
@usableFromInline func _log(_ x: Double) -> Double { Darwin.log(x) }
@usableFromInline func _sin(_ x: Double) -> Double { Darwin.sin(x) }
@usableFromInline func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
