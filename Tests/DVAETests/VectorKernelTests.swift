import CKernels
@testable import DVAE
import Foundation
import XCTest

/// The C element-wise kernels (Sources/CKernels/ElementwiseLoops.c) at every vector level this CPU can run:
/// accuracy against libm / plain Double formulas, NaN propagation, and the dispatch itself.
final class VectorKernelTests: XCTestCase {
    /// The levels this CPU runs (always at least the baseline).
    private var levels: [String] {
        #if arch(x86_64)
        return ["x86-64-v4", "x86-64-v3", "x86-64"].filter { level in
            defer { dvae_kernels_select(nil) }
            return dvae_kernels_select(level) == 1
        }
        #else
        return ["generic"]
        #endif
    }

    /// Runs `body` once per level, restoring the widest level afterwards.
    private func forEachLevel(_ body: (String) throws -> Void) rethrows {
        defer { dvae_kernels_select(nil) }
        for level in levels {
            XCTAssertEqual(dvae_kernels_select(level), 1, level)
            try body(level)
        }
    }

    /// The corruption modes are named in CKernels.h and mean what their names say: at p = 1 a
    /// bit-flip flips every pixel, salt-and-pepper leaves only 0s and 1s (and both occur).
    func testCorruptionModesAreNamedAndMeanTheirNames() {
        XCTAssertEqual(DVAE_CORRUPT_SALT_PEPPER.rawValue, 0)
        XCTAssertEqual(DVAE_CORRUPT_BIT_FLIP.rawValue, 1)
        let E = 9, n = 40
        let src = (0..<(E * n)).map { Float($0 % 5) / 4 }
        func corrupt(_ mode: dvae_corrupt_mode) -> [Float] {
            var states = (0..<(4 * E)).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 &+ 1 }
            var dst = [Float](repeating: -1, count: E * n)
            dvae_corrupt_streams(&states, src, &dst, E, n, mode, 1)
            return dst
        }
        XCTAssertEqual(corrupt(DVAE_CORRUPT_BIT_FLIP), src.map { 1 - $0 })
        let sp = corrupt(DVAE_CORRUPT_SALT_PEPPER)
        XCTAssertTrue(sp.allSatisfy { $0 == 0 || $0 == 1 })
        XCTAssertTrue(sp.contains(0) && sp.contains(1))
    }

    func testDispatchPicksTheWidestLevelTheCPUHas() {
        let variant = String(cString: dvae_kernels_variant())
        #if arch(x86_64)
        let f = CPUFeatures.current
        if let wanted = ProcessInfo.processInfo.environment["DVAE_KERNELS"], ElementwiseKernels.supported.contains(wanted) {
            XCTAssertEqual(variant, wanted, "DVAE_KERNELS names the start-up level")
        } else if f.hasAVX512Core { XCTAssertEqual(variant, "x86-64-v4") }
        else if f.avx2 && f.fma { XCTAssertEqual(variant, "x86-64-v3") }
        XCTAssertTrue(levels.contains("x86-64"))
        #endif
        XCTAssertEqual(dvae_kernels_select("x86-64-v9"), 0)
        XCTAssertEqual(String(cString: dvae_kernels_variant()), variant, "a refused level changes nothing")
        print("element-wise kernel levels on this CPU:", levels, "in use:", variant)
    }

    func testExpLogSoftplusSigmoidAgainstLibm() {
        var xs: [Float] = []
        var x: Float = -80
        while x <= 80 { xs.append(x); x += 0.0137 }
        var vs: [Float] = []
        var v: Float = 1e-30
        while v < 1e30 { vs.append(v); v *= 1.0173 }
        forEachLevel { level in
            var y = [Float](repeating: 0, count: xs.count), d = y
            dvae_exp(xs, &y, xs.count)
            var worstExp = 0.0
            for i in xs.indices { worstExp = max(worstExp, abs(Double(y[i]) - exp(Double(xs[i]))) / exp(Double(xs[i]))) }
            dvae_softplus_forward(xs, &y, &d, xs.count)
            var worstSoftplus = 0.0, worstSigmoid = 0.0
            for i in xs.indices {
                let xd = Double(xs[i])
                let sp = max(xd, 0) + log1p(exp(-abs(xd))), sg = 1 / (1 + exp(-xd))
                worstSoftplus = max(worstSoftplus, abs(Double(y[i]) - sp) / max(sp, 1e-30))
                worstSigmoid = max(worstSigmoid, abs(Double(d[i]) - sg) / sg)
            }
            var l = [Float](repeating: 0, count: vs.count)
            dvae_log(vs, &l, vs.count)
            var worstLog = 0.0
            for i in vs.indices { worstLog = max(worstLog, abs(Double(l[i]) - log(Double(vs[i]))) / max(abs(log(Double(vs[i]))), 1)) }
            print("\(level): max relative error exp \(worstExp) log \(worstLog) softplus \(worstSoftplus) sigmoid \(worstSigmoid)")
            XCTAssertLessThan(worstExp, 1e-6, level)
            XCTAssertLessThan(worstLog, 1e-6, level)
            XCTAssertLessThan(worstSoftplus, 1e-5, level)
            XCTAssertLessThan(worstSigmoid, 1e-5, level)
        }
    }

    func testNaNPropagatesAndLargeSquaresStayFinite() {
        forEachLevel { level in
            let x: [Float] = [.nan, 1, -1]
            var y = [Float](repeating: 0, count: 3), d = y
            dvae_softplus_forward(x, &y, &d, 3)
            XCTAssertTrue(y[0].isNaN && d[0].isNaN, level)
            dvae_exp(x, &y, 3)
            XCTAssertTrue(y[0].isNaN, level)
            var row = [Float](repeating: 0.5, count: 37), p = row
            row[20] = .nan
            var out = [0.0]
            dvae_bernoulli_loglik(row, row, &p, &out, 1, 37)
            XCTAssertTrue(out[0].isNaN, level)
            // Squares summed in double: 1e30² overflows Float, not Double; ∞ and NaN stay non-finite.
            let big = Double(Float(1e30))
            XCTAssertEqual(dvae_sum_squares([1e30, 1e30], 2), 2 * big * big, accuracy: 1e-12 * big * big, level)
            XCTAssertFalse(dvae_sum_squares([1, .infinity], 2).isFinite, level)
            XCTAssertTrue(dvae_sum_squares([1, .nan, 2], 3).isNaN, level)
        }
    }

    func testBernoulliAndReparameterisationAgainstDoubleFormulas() {
        var rng = RNG(seed: 42)
        let rows = 7, cols = 53, E = 5, K = 3, L = 19
        let logits = (0..<rows * cols).map { _ in 12 * rng.uniform() - 6 }
        let x = (0..<rows * cols).map { _ in rng.uniform() < 0.3 ? Float(1) : 0 }
        let a = (0..<rows).map { _ in rng.uniform() - 0.5 }
        let mu = (0..<E * L).map { _ in 2 * rng.uniform() - 1 }, logVar = (0..<E * L).map { _ in 3 * rng.uniform() - 2 }
        let eps = (0..<E * K * L).map { _ in 2 * rng.uniform() - 1 }
        let dz = (0..<E * K * L).map { _ in rng.uniform() - 0.5 }, aw = (0..<E * K).map { _ in rng.uniform() - 0.5 }
        forEachLevel { level in
            var p = [Float](repeating: 0, count: rows * cols), out = [Double](repeating: 0, count: rows)
            dvae_bernoulli_loglik(logits, x, &p, &out, rows, cols)
            var g = p
            dvae_bernoulli_backward(x, p, a, &g, rows, cols)
            for r in 0..<rows {
                var exact = 0.0
                for j in 0..<cols {
                    let l = Double(logits[r * cols + j]), xv = Double(x[r * cols + j])
                    exact += xv * l - (max(l, 0) + log1p(exp(-abs(l))))
                    let sg = 1 / (1 + exp(-l))
                    XCTAssertEqual(Double(p[r * cols + j]), sg, accuracy: 1e-6 * sg + 1e-9, level)
                    XCTAssertEqual(Double(g[r * cols + j]), Double(a[r]) * (xv - sg), accuracy: 1e-6, level)
                }
                XCTAssertEqual(out[r], exact, accuracy: 1e-5 * abs(exact), level)
            }

            var z = [Float](repeating: 0, count: E * K * L), logw = [Double](repeating: 0, count: E * K)
            dvae_reparam_sample(mu, logVar, eps, &z, &logw, E, K, L)
            var dMu = [Float](repeating: .nan, count: E * L), dLogVar = dMu   // must be overwritten
            dvae_reparam_backward(mu, z, dz, aw, &dMu, &dLogVar, E, K, L)
            for e in 0..<E {
                var gm = [Double](repeating: 0, count: L), gv = gm
                for k in 0..<K {
                    let r = e * K + k
                    var s = 0.0
                    for j in 0..<L {
                        let m = Double(mu[e * L + j]), lv = Double(logVar[e * L + j]), ep = Double(eps[r * L + j])
                        let zj = m + exp(0.5 * lv) * ep
                        XCTAssertEqual(Double(z[r * L + j]), zj, accuracy: 1e-6 * max(1, abs(zj)), level)
                        s += lv + ep * ep - zj * zj
                        let gj = Double(dz[r * L + j]) - Double(aw[r]) * zj
                        gm[j] += gj
                        gv[j] += 0.5 * (gj * (zj - m) + Double(aw[r]))
                    }
                    XCTAssertEqual(logw[r], 0.5 * s, accuracy: 1e-5 * max(1, abs(s)), level)
                }
                for j in 0..<L {
                    XCTAssertEqual(Double(dMu[e * L + j]), gm[j], accuracy: 1e-5, level)
                    XCTAssertEqual(Double(dLogVar[e * L + j]), gv[j], accuracy: 1e-5, level)
                }
            }
        }
    }

    /// `fillStandardNormal`'s vector Box–Muller rounds exactly as the scalar definition
    /// (`fastBoxMuller`), on every level: the noise of a seed does not depend on the CPU's width.
    func testBoxMullerEqualsTheScalarDefinitionBitForBit() {
        var reference = RNG(seed: 77)
        var pairs: [(Float, Float)] = (0..<4096).map { _ in (1 - reference.uniform(), reference.uniform()) }
        // Edges: u1 = 1 (r = 0), the smallest u1, u2 at quadrant boundaries.
        pairs += [(1, 0), (1, 0.5), (1.0 / 16_777_216, 0.125), (1.0 / 16_777_216, 0.375), (0.5, 0.25), (0.5, 0.75),
                  (0.3, 0.999_999_94)]
        forEachLevel { level in
            var flat = pairs.flatMap { [$0.0, $0.1] }
            flat.withUnsafeMutableBufferPointer { dvae_box_muller($0.baseAddress!, pairs.count) }
            for (i, (u1, u2)) in pairs.enumerated() {
                let (c, s) = fastBoxMuller(u1, u2)
                XCTAssertEqual(flat[2 * i].bitPattern, c.bitPattern, "\(level): cos of pair \(i) (\(u1), \(u2))")
                XCTAssertEqual(flat[2 * i + 1].bitPattern, s.bitPattern, "\(level): sin of pair \(i) (\(u1), \(u2))")
            }
            // And the generator's own fill: the same uniforms, the same deviates (odd count: the
            // last one from `normal()`).
            var a = RNG(seed: 5), b = RNG(seed: 5)
            let out = UnsafeMutablePointer<Float>.allocate(capacity: 101)
            defer { out.deallocate() }
            a.fillStandardNormal(out, count: 101)
            for i in 0..<50 {
                let (c, s) = fastBoxMuller(1 - b.uniform(), b.uniform())
                XCTAssertEqual(out[2 * i].bitPattern, c.bitPattern, level)
                XCTAssertEqual(out[2 * i + 1].bitPattern, s.bitPattern, level)
            }
            XCTAssertEqual(out[100], b.normal(), level)
        }
    }

    /// The evaluation-only kernels compute the same values as the training ones, without the
    /// derivative / probability buffers.
    func testEvaluationOnlyKernelsMatchTheTrainingOnes() {
        var rng = RNG(seed: 3)
        let rows = 7, cols = 131
        let logits = (0..<(rows * cols)).map { _ in 30 * (rng.uniform() - 0.5) }
        let x = (0..<(rows * cols)).map { _ in rng.uniform() < 0.3 ? Float(1) : 0 }
        forEachLevel { level in
            var y1 = [Float](repeating: 0, count: logits.count), y2 = y1, d = y1, p = y1
            var l1 = [Double](repeating: 0, count: rows), l2 = l1
            dvae_softplus_forward(logits, &y1, &d, logits.count)
            dvae_softplus_value(logits, &y2, logits.count)
            XCTAssertEqual(y1, y2, level)
            dvae_bernoulli_loglik(logits, x, &p, &l1, rows, cols)
            dvae_bernoulli_loglik_value(logits, x, &l2, rows, cols)
            // The two kernels compute each term x·v − softplus(v) with the same float32 operations,
            // but the compiler may contract or vectorise them differently: each term may differ
            // by a rounding, 2u·|term|, and the double-precision row sums (reassociated) by
            // 2·γ_cols in double precision. The terms are all ≤ 0, so Σ|terms| = |row sum|.
            let doubleGamma = Double(cols) * Double.ulpOfOne / 2 / (1 - Double(cols) * Double.ulpOfOne / 2)
            for r in 0..<rows {
                let bound = (2 * Float32Rounding.unitRoundoff + 2 * doubleGamma) * abs(l1[r])
                XCTAssertEqual(l1[r], l2[r], accuracy: bound, level)
            }
        }
    }

    /// The corruption of many examples at once (eight random streams per vector) draws the same
    /// pixels and leaves the same stream states as `Corruption.apply` example by example.
    func testCorruptionOfManyStreamsEqualsOneByOne() {
        let x = binaryBatch(rows: 2 * 13, cols: 37, seed: 6)
        for corruption in [Corruption.saltPepper(0.3), .bitFlip(0.2), .saltPepperAuthors(0.4), .gaussian(0.5)] {
            forEachLevel { level in
                var one = (0..<13).map { RNG(seed: 9, stream: UInt64($0)) }
                var many = one
                let a = Tensor(rows: x.rows, cols: x.cols), b = Tensor(rows: x.rows, cols: x.cols)
                for e in 0..<13 { corruption.apply(x, rows: 2 * e ..< 2 * e + 2, into: a, rng: &one[e]) }
                corruption.apply(x, into: b, rowsPerExample: 2, streams: &many)
                XCTAssertEqual(a.array, b.array, "\(corruption) \(level)")
                for e in 0..<13 { XCTAssertEqual(one[e].next(), many[e].next(), "\(corruption) \(level): stream \(e)") }
            }
        }
    }

    func testAdamUpdateAgainstTheFormula() {
        var rng = RNG(seed: 7)
        let n = 1031
        let w0 = (0..<n).map { _ in rng.uniform() - 0.5 }, g = (0..<n).map { _ in 1e-3 * (rng.uniform() - 0.5) }
        let m0 = (0..<n).map { _ in 1e-3 * (rng.uniform() - 0.5) }, v0 = (0..<n).map { _ in 1e-6 * rng.uniform() }
        let b1: Float = 0.9, b2: Float = 0.999, alpha: Float = 1e-3, eps: Float = 1e-8
        forEachLevel { level in
            var w = w0, m = m0, v = v0
            dvae_adam_update(&w, g, &m, &v, n, b1, b2, alpha, eps)
            // The reference in Double from the same Float inputs; tolerances relative to the terms.
            let (B1, B2) = (Double(b1), Double(b2))
            for j in 0..<n {
                let gj = Double(g[j])
                let mj = B1 * Double(m0[j]) + (1 - B1) * gj
                let vj = B2 * Double(v0[j]) + (1 - B2) * gj * gj
                let step = Double(alpha) * mj / (vj.squareRoot() + Double(eps))
                XCTAssertEqual(Double(m[j]), mj, accuracy: 1e-6 * (abs(B1 * Double(m0[j])) + abs((1 - B1) * gj)), level)
                XCTAssertEqual(Double(v[j]), vj, accuracy: 1e-6 * vj, level)
                XCTAssertEqual(Double(w[j]), Double(w0[j]) - step, accuracy: 1e-7 * abs(Double(w0[j])) + 1e-5 * abs(step), level)
            }
        }
    }
}
