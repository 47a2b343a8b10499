// Branch-free, allocation-free scalar kernels for the element-wise parts of the hot path.
//
// Why not Foundation's `exp`/`log`: those are opaque library calls, so a loop calling them is not
// vectorised. These are Cephes-style polynomials written with only +, ×, min/max, selects and
// integer bit operations, so loops over contiguous buffers that call them (after inlining)
// vectorise (at the baseline SSE2 width: Swift cannot compile one function for several widths).
// Accuracy: a few ulp (relative error < 1e-6) on the documented domain. The training step's
// whole-array loops use the same polynomials in C (Sources/CKernels), compiled for AVX-512,
// AVX2+FMA and SSE2 and dispatched by CPU; these serve scalar uses and the remaining loops.

import CKernels

/// e^x for Float, clamped to the normal range: inputs below −87 give e^−87 (≈ 1.6e−38) and
/// inputs above 88 give e^88 (≈ 1.65e38) instead of 0 / +∞. NaN propagates.
@inlinable @inline(__always)
public func fastExp(_ x: Float) -> Float {
    let xc = max(min(x, 88.0), -87.0)
    // n = round(x / ln 2) by the 1.5·2²³ trick: the integer lands in the low mantissa bits of t.
    let t = xc * 1.442_695_04 + 12_582_912.0
    let n = t - 12_582_912.0
    // r = x − n ln 2, with ln 2 split in two parts for exactness; |r| ≤ ln 2 / 2.
    let r = xc - n * 0.693_359_375 + n * 2.121_944_40e-4
    let z = r * r
    var p: Float = 1.987_569_150_0e-4
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    let y = p * z + r + 1
    // 2ⁿ built from the exponent bits (n ∈ [−126, 127] after the clamp).
    let bits = (t.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
    return y * Float(bitPattern: bits)
}

/// ln x for Float, for positive normal x (≥ 1.2e−38). Not for 0, negatives, subnormals or NaN:
/// callers in the engine only pass arguments in [1, 2] or uniform deviates in (0, 1).
@inlinable @inline(__always)
public func fastLog(_ x: Float) -> Float {
    let bits = x.bitPattern
    var e = Float(Int32(bitPattern: bits &>> 23) &- 127)
    var m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F80_0000)   // mantissa in [1, 2)
    // Move m to [√½, √2) so the polynomial argument is small.
    let big = m > 1.414_213_56
    m = big ? m * 0.5 : m
    e = big ? e + 1 : e
    let f = m - 1
    let z = f * f
    var p: Float = 7.037_683_629_2e-2
    p = p * f - 1.151_461_031_0e-1
    p = p * f + 1.167_699_874_0e-1
    p = p * f - 1.242_014_084_6e-1
    p = p * f + 1.424_932_278_7e-1
    p = p * f - 1.666_805_766_5e-1
    p = p * f + 2.000_071_476_5e-1
    p = p * f - 2.499_999_399_3e-1
    p = p * f + 3.333_333_117_4e-1
    var y = p * f * z
    y += e * -2.121_944_40e-4
    y += -0.5 * z
    return f + y + e * 0.693_359_375
}

/// √x for x ≥ 0 (NaN propagates), by the inverse-square-root bit trick and three Newton steps
/// (relative error ~1e−7). Why: `Float.squareRoot()` lowers to a `sqrtf` library call with an errno
/// branch on this toolchain, which blocks vectorisation of the Adam loop.
@inlinable @inline(__always)
public func fastSqrt(_ x: Float) -> Float {
    let xc = max(x, 1e-30)
    var y = Float(bitPattern: 0x5F37_5A86 &- (xc.bitPattern &>> 1))
    let h = 0.5 * xc
    y = y * (1.5 - h * y * y)
    y = y * (1.5 - h * y * y)
    y = y * (1.5 - h * y * y)
    return x * y
}

/// ln(1 + e) for e ∈ [0, 1], accurate also when e is tiny (Goldberg's trick: the rounding of
/// 1 + e is compensated by e / ((1 + e) − 1)).
@inlinable @inline(__always)
public func fastLog1pSmall(_ e: Float) -> Float {
    let u = 1 + e
    let d = u - 1
    return d == 0 ? e : fastLog(u) * (e / d)
}

/// softplus(x) = ln(1 + eˣ), computed stably as max(x, 0) + ln(1 + e^−|x|).
@inlinable @inline(__always)
public func fastSoftplus(_ x: Float) -> Float {
    max(x, 0) + fastLog1pSmall(fastExp(-abs(x)))
}

/// The logistic sigmoid 1 / (1 + e^−x), stable for large |x|.
@inlinable @inline(__always)
public func fastSigmoid(_ x: Float) -> Float {
    let e = fastExp(-abs(x))
    let s = 1 / (1 + e)
    return x >= 0 ? s : e * s
}

/// softplus(x) and sigmoid(x) = softplus′(x) sharing one exponential.
@inlinable @inline(__always)
public func fastSoftplusAndSigmoid(_ x: Float) -> (softplus: Float, sigmoid: Float) {
    let e = fastExp(-abs(x))
    let inv = 1 / (1 + e)
    return (max(x, 0) + fastLog1pSmall(e), x >= 0 ? inv : e * inv)
}

/// tanh(x) = 1 − 2 / (e^{2x} + 1) (absolute error ~1e−7; relative accuracy is lower near 0).
@inlinable @inline(__always)
public func fastTanh(_ x: Float) -> Float {
    1 - 2 / (fastExp(2 * x) + 1)
}

/// Σ p[0..<n] accumulated in Double with four independent partial sums (breaks the add latency
/// chain; reductions in Double keep bounds accurate, see ARCHITECTURE conventions).
@inlinable
public func sumAsDouble(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var i = 0
    while i + 4 <= n {
        s0 += Double(p[i]); s1 += Double(p[i + 1]); s2 += Double(p[i + 2]); s3 += Double(p[i + 3])
        i += 4
    }
    while i < n { s0 += Double(p[i]); i += 1 }
    return (s0 + s1) + (s2 + s3)
}

extension RNG {
    /// Fills `count` floats at `p` with standard normal deviates.
    ///
    /// Box–Muller on uniform pairs, with the vectorisable `fastLog` and a polynomial sin/cos, so
    /// it is several times faster than `normal()` per deviate. The stream differs from `normal()`.
    public mutating func fillStandardNormal(_ p: UnsafeMutablePointer<Float>, count: Int) {
        // The uniforms of each pair first (the generator is sequential), then the transform
        // r = fastSqrt(−2 fastLog(u1)), (r cos 2πu2, r sin 2πu2) at the CPU's vector width
        // (`dvae_box_muller`, rounded exactly as `fastBoxMuller`).
        let pairs = count / 2
        for i in 0..<pairs {
            p[2 * i] = 1 - uniform()          // u1 ∈ (0, 1]: never 0, so the log is finite.
            p[2 * i + 1] = uniform()
        }
        dvae_box_muller(p, pairs)
        if 2 * pairs < count { p[count - 1] = normal() }
    }

    /// Fills tensor `t` with standard normal deviates (fast path, see `fillStandardNormal(_:count:)`).
    public mutating func fillStandardNormal(_ t: Tensor) {
        fillStandardNormal(t.data, count: t.count)
    }
}

/// The Box–Muller pair of `fillStandardNormal` from u1 ∈ (0, 1] and u2 ∈ [0, 1): r = √(−2 ln u1),
/// (r cos 2πu2, r sin 2πu2) with the engine's polynomials (the scalar definition the C kernel
/// reproduces bit for bit).
@inlinable
public func fastBoxMuller(_ u1: Float, _ u2: Float) -> (Float, Float) {
    let r = fastSqrt(-2 * fastLog(u1))
    let (s, c) = fastSinCos2Pi(u2)
    return (r * c, r * s)
}

/// (sin 2πu, cos 2πu) for u ∈ [0, 1), by reduction to [−π/4, π/4] and Taylor polynomials
/// (absolute error < 1e−7).
@inlinable @inline(__always)
public func fastSinCos2Pi(_ u: Float) -> (sin: Float, cos: Float) {
    // Quadrant q = round(4u) mod 4; x = 2π(u − q/4) ∈ [−π/4, π/4].
    let q4 = (u * 4).rounded(.toNearestOrEven)
    let x = (u - q4 * 0.25) * 6.283_185_307
    let q = Int(q4) & 3
    let x2 = x * x
    let s = x * (1 + x2 * (-1.666_666_66e-1 + x2 * (8.333_333_33e-3 + x2 * (-1.984_126_98e-4 + x2 * 2.755_731_92e-6))))
    let c = 1 + x2 * (-0.5 + x2 * (4.166_666_66e-2 + x2 * (-1.388_888_89e-3 + x2 * 2.480_158_73e-5)))
    switch q {
    case 0: return (s, c)
    case 1: return (c, -s)
    case 2: return (-s, -c)
    default: return (-c, s)
    }
}
