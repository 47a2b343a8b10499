import CBLAS

/// A row-major sgemm: C (m×n) = α op(A) op(B) + β C, with leading dimensions (row strides).
public typealias SgemmFunction = (_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int,
                                  _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
                                  _ b: UnsafePointer<Float>, _ ldb: Int,
                                  _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) -> Void

/// `cblas_sgemm` in row-major order: the BLAS the engine uses.
public func blasSgemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int,
                      _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                      _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// The outcome of `sgemmSelfTest`.
public struct SgemmSelfTestResult: Equatable, Sendable {
    /// Products checked (shapes × transpose combinations × α/β cases).
    public var productsChecked: Int
    /// Largest |C − reference| / bound over all elements, where bound = Σ|α a b| + |β c₀| (≤ 1 passes).
    public var worstError: Double
    /// The first product that disagreed, e.g. "37×61×29 Aᵀ B, α 0.75 β 0.5: element (3, 7) …".
    public var failure: String?
    /// True when every element agreed with the reference.
    public var passed: Bool { failure == nil }
}

/// Checks an sgemm against a plain triple loop (in Double) on a few odd shapes — tiny ones (OpenBLAS's
/// small-matrix kernels), ones large enough for the blocked and threaded paths, padded leading
/// dimensions — with every transpose combination, β = 0 over garbage in C and β ≠ 0.
///
/// An element passes when |C − C_ref| ≤ 1e−4 · (Σ_p |α a_ip b_pj| + |β c_ij|): float rounding
/// over k ≤ 128 terms stays far below that; wrong kernels (bad packing, a skipped edge, a lost β)
/// do not. Costs a few milliseconds.
public func sgemmSelfTest(_ sgemm: SgemmFunction = blasSgemm) -> SgemmSelfTestResult {
    // (m, n, k, padding added to every leading dimension); one with m = k, where a confused
    // transpose of A still has the right shape.
    let shapes = [(1, 1, 1, 0), (3, 5, 7, 0), (17, 9, 33, 2), (24, 40, 24, 1), (37, 61, 29, 0), (100, 50, 128, 0), (67, 131, 97, 3)]
    let cases: [(alpha: Float, beta: Float)] = [(1, 0), (0.75, 0.5)]
    var rng = RNG(seed: 0x5E1F_7E57)
    var result = SgemmSelfTestResult(productsChecked: 0, worstError: 0, failure: nil)
    for (m, n, k, pad) in shapes {
        for transA in [false, true] {
            for transB in [false, true] {
                for (alpha, beta) in cases {
                    // Stored shapes: A is m×k (k×m when transposed), B is k×n (n×k when transposed).
                    let aRows = transA ? k : m, aCols = transA ? m : k
                    let bRows = transB ? n : k, bCols = transB ? k : n
                    let lda = aCols + pad, ldb = bCols + pad, ldc = n + pad
                    var a = [Float](repeating: 0, count: aRows * lda)
                    var b = [Float](repeating: 0, count: bRows * ldb)
                    var c = [Float](repeating: 0, count: m * ldc)
                    for i in a.indices { a[i] = 2 * rng.uniform() - 1 }
                    for i in b.indices { b[i] = 2 * rng.uniform() - 1 }
                    // β = 0 must ignore C entirely: fill it with garbage.
                    for i in c.indices { c[i] = beta == 0 ? 12_345 : 2 * rng.uniform() - 1 }
                    let c0 = c
                    a.withUnsafeBufferPointer { ap in
                        b.withUnsafeBufferPointer { bp in
                            c.withUnsafeMutableBufferPointer { cp in
                                sgemm(transA, transB, m, n, k, alpha, ap.baseAddress!, lda, bp.baseAddress!, ldb,
                                      beta, cp.baseAddress!, ldc)
                            }
                        }
                    }
                    result.productsChecked += 1
                    for i in 0..<m {
                        for j in 0..<n {
                            var exact = 0.0, bound = 0.0
                            for p in 0..<k {
                                let aip = Double(transA ? a[p * lda + i] : a[i * lda + p])
                                let bpj = Double(transB ? b[j * ldb + p] : b[p * ldb + j])
                                exact += aip * bpj
                                bound += abs(aip * bpj)
                            }
                            let old = beta == 0 ? 0 : Double(c0[i * ldc + j])
                            let reference = Double(alpha) * exact + Double(beta) * old
                            let tolerance = 1e-4 * (Double(abs(alpha)) * bound + Double(abs(beta)) * abs(old)) + 1e-30
                            let got = Double(c[i * ldc + j])
                            let error = abs(got - reference) / tolerance
                            // A NaN makes `error` NaN: count it as a failure too.
                            if !(error <= 1) && result.failure == nil {
                                result.failure = "\(m)×\(n)×\(k) \(transA ? "Aᵀ" : "A") \(transB ? "Bᵀ" : "B"), "
                                    + "α \(alpha) β \(beta): element (\(i), \(j)) is \(got), expected \(reference)"
                            }
                            result.worstError = max(result.worstError, error.isNaN ? .infinity : error)
                        }
                    }
                    // Padding columns of C must be left alone.
                    if pad > 0 && result.failure == nil {
                        for i in 0..<m where c[i * ldc + n ..< (i + 1) * ldc] != c0[i * ldc + n ..< (i + 1) * ldc] {
                            result.failure = "\(m)×\(n)×\(k): wrote into the padding of row \(i) of C"
                            break
                        }
                    }
                }
            }
        }
    }
    return result
}
