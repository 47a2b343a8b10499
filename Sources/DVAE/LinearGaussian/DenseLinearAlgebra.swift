/// Small dense linear algebra in Double for the exact (closed-form) linear-Gaussian checks.
///
/// The matrices here are tiny (D, L up to ~50), so plain loops are fast enough and keep the code
/// readable; no BLAS. Everything is row-major: element `(i, j)` lives at `values[i * cols + j]`.
/// The one factorisation we need is Cholesky, because every matrix we factor is a covariance or a
/// precision matrix (symmetric positive definite): from `S = R Rᵀ` (R lower triangular) we get
/// solves, `log det S = 2 Σ log R_ii`, and the inverse.

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A dense row-major matrix of `Double`, with value semantics.
public struct DenseMatrix: Equatable, Sendable, CustomStringConvertible {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int
    /// Row-major storage, `rows * cols` entries.
    public var values: [Double]

    /// A zero `rows × cols` matrix.
    public init(rows: Int, cols: Int) {
        precondition(rows >= 0 && cols >= 0, "negative matrix shape")
        self.rows = rows; self.cols = cols
        values = Array(repeating: 0, count: rows * cols)
    }

    /// A `rows × cols` matrix holding `values` in row-major order.
    public init(rows: Int, cols: Int, values: [Double]) {
        precondition(values.count == rows * cols, "expected \(rows * cols) values, got \(values.count)")
        self.rows = rows; self.cols = cols; self.values = values
    }

    /// A matrix from an array of equally long rows.
    public init(_ rowArrays: [[Double]]) {
        let c = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == c }, "ragged rows")
        self.init(rows: rowArrays.count, cols: c, values: rowArrays.flatMap { $0 })
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> DenseMatrix {
        var m = DenseMatrix(rows: n, cols: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// A square matrix with `d` on the diagonal.
    public static func diagonal(_ d: [Double]) -> DenseMatrix {
        var m = DenseMatrix(rows: d.count, cols: d.count)
        for i in 0..<d.count { m[i, i] = d[i] }
        return m
    }

    /// A Float32 `Tensor` copied into Double.
    public init(_ t: Tensor) {
        self.init(rows: t.rows, cols: t.cols, values: t.array.map(Double.init))
    }

    /// This matrix as a Float32 `Tensor`.
    public var tensor: Tensor { Tensor(rows: rows, cols: cols, values: values.map(Float.init)) }

    /// Element `(i, j)`.
    @inlinable public subscript(i: Int, j: Int) -> Double {
        get { values[i * cols + j] }
        set { values[i * cols + j] = newValue }
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] { Array(values[(i * cols)..<((i + 1) * cols)]) }

    /// The diagonal (of a square or rectangular matrix; `min(rows, cols)` entries).
    public var diagonalValues: [Double] { (0..<min(rows, cols)).map { self[$0, $0] } }

    /// The transpose.
    public var transposed: DenseMatrix {
        var t = DenseMatrix(rows: cols, cols: rows)
        for i in 0..<rows { for j in 0..<cols { t[j, i] = self[i, j] } }
        return t
    }

    /// Sum of the diagonal.
    public var trace: Double { diagonalValues.reduce(0, +) }

    /// `(M + Mᵀ) / 2`: removes round-off asymmetry before a Cholesky factorisation.
    public var symmetrized: DenseMatrix {
        precondition(rows == cols)
        var s = self
        for i in 0..<rows { for j in 0..<i {
            let v = 0.5 * (self[i, j] + self[j, i]); s[i, j] = v; s[j, i] = v
        } }
        return s
    }

    /// Matrix product.
    public static func * (a: DenseMatrix, b: DenseMatrix) -> DenseMatrix {
        precondition(a.cols == b.rows, "matrix product: \(a.rows)×\(a.cols) · \(b.rows)×\(b.cols)")
        var c = DenseMatrix(rows: a.rows, cols: b.cols)
        for i in 0..<a.rows {
            for k in 0..<a.cols {
                let aik = a[i, k]
                if aik == 0 { continue }
                for j in 0..<b.cols { c.values[i * c.cols + j] += aik * b.values[k * b.cols + j] }
            }
        }
        return c
    }

    /// Matrix–vector product.
    public static func * (a: DenseMatrix, v: [Double]) -> [Double] {
        precondition(a.cols == v.count, "matrix–vector product: \(a.rows)×\(a.cols) · \(v.count)")
        var out = Array(repeating: 0.0, count: a.rows)
        for i in 0..<a.rows {
            var s = 0.0
            for j in 0..<a.cols { s += a.values[i * a.cols + j] * v[j] }
            out[i] = s
        }
        return out
    }

    /// Elementwise sum.
    public static func + (a: DenseMatrix, b: DenseMatrix) -> DenseMatrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "matrix sum: shapes differ")
        return DenseMatrix(rows: a.rows, cols: a.cols, values: zip(a.values, b.values).map { $0 + $1 })
    }

    /// Elementwise difference.
    public static func - (a: DenseMatrix, b: DenseMatrix) -> DenseMatrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "matrix difference: shapes differ")
        return DenseMatrix(rows: a.rows, cols: a.cols, values: zip(a.values, b.values).map { $0 - $1 })
    }

    /// Scalar multiple.
    public static func * (s: Double, a: DenseMatrix) -> DenseMatrix {
        DenseMatrix(rows: a.rows, cols: a.cols, values: a.values.map { s * $0 })
    }

    /// Largest absolute entry (a cheap norm for tests).
    public var maxAbs: Double { values.reduce(0) { max($0, abs($1)) } }

    /// A short description with the shape.
    public var description: String { "DenseMatrix(\(rows)×\(cols))" }
}

/// Errors of the small dense solvers.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// The matrix is not (numerically) symmetric positive definite: Cholesky met pivot `pivot` ≤ 0 at row `row`.
    case notPositiveDefinite(row: Int, pivot: Double)

    /// A readable explanation.
    public var description: String {
        switch self {
        case let .notPositiveDefinite(row, pivot):
            return "matrix is not positive definite (Cholesky pivot \(pivot) at row \(row))"
        }
    }
}

/// The Cholesky factorisation `S = R Rᵀ` of a symmetric positive definite matrix, R lower triangular.
///
/// Algorithm (Cholesky–Banachiewicz, row by row): for `j ≤ i`,
/// `R_ij = (S_ij − Σ_{k<j} R_ik R_jk) / R_jj` and `R_ii = √(S_ii − Σ_{k<i} R_ik²)`.
/// Cost `n³/3` flops; only the lower triangle of S is read.
public struct Cholesky: Sendable {
    /// The lower-triangular factor R (upper triangle is zero).
    public let lower: DenseMatrix

    /// Factors `s`; throws when a pivot is not positive.
    public init(_ s: DenseMatrix) throws {
        precondition(s.rows == s.cols, "Cholesky of a non-square matrix")
        let n = s.rows
        var r = DenseMatrix(rows: n, cols: n)
        for i in 0..<n {
            for j in 0...i {
                var sum = s[i, j]
                for k in 0..<j { sum -= r[i, k] * r[j, k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { throw LinearAlgebraError.notPositiveDefinite(row: i, pivot: sum) }
                    r[i, i] = sum.squareRoot()
                } else {
                    r[i, j] = sum / r[j, j]
                }
            }
        }
        lower = r
    }

    /// Matrix size n.
    public var size: Int { lower.rows }

    /// `log det S = 2 Σ_i log R_ii` (det S = det R · det Rᵀ = (Π R_ii)²).
    public var logDeterminant: Double {
        var s = 0.0
        for i in 0..<size { s += log(lower[i, i]) }
        return 2 * s
    }

    /// Solves `R y = v` by forward substitution.
    public func solveLower(_ v: [Double]) -> [Double] {
        precondition(v.count == size)
        var y = v
        for i in 0..<size {
            var s = y[i]
            for k in 0..<i { s -= lower[i, k] * y[k] }
            y[i] = s / lower[i, i]
        }
        return y
    }

    /// Solves `Rᵀ x = y` by back substitution.
    public func solveUpperTransposed(_ y: [Double]) -> [Double] {
        precondition(y.count == size)
        var x = y
        for i in stride(from: size - 1, through: 0, by: -1) {
            var s = x[i]
            for k in (i + 1)..<max(size, i + 1) { s -= lower[k, i] * x[k] }
            x[i] = s / lower[i, i]
        }
        return x
    }

    /// Solves `S x = v` (two triangular solves: `R y = v`, then `Rᵀ x = y`).
    public func solve(_ v: [Double]) -> [Double] { solveUpperTransposed(solveLower(v)) }

    /// Solves `S X = B` column by column.
    public func solve(_ b: DenseMatrix) -> DenseMatrix {
        precondition(b.rows == size)
        var x = DenseMatrix(rows: b.rows, cols: b.cols)
        for j in 0..<b.cols {
            let col = solve((0..<b.rows).map { b[$0, j] })
            for i in 0..<b.rows { x[i, j] = col[i] }
        }
        return x
    }

    /// The quadratic form `vᵀ S⁻¹ v = |R⁻¹ v|²` (one triangular solve, no inverse).
    public func inverseQuadraticForm(_ v: [Double]) -> Double {
        solveLower(v).reduce(0) { $0 + $1 * $1 }
    }

    /// `S⁻¹`, symmetrised.
    public var inverse: DenseMatrix { solve(DenseMatrix.identity(size)).symmetrized }
}

/// Gaussian densities and divergences in Double (a namespace, so the names cannot clash with
/// other parts of the engine).
public enum ExactGaussian {
    /// Log-density of the multivariate normal `N(x; mean, cov)`:
    /// `−½ [D log 2π + log det cov + (x − mean)ᵀ cov⁻¹ (x − mean)]`.
    public static func logDensity(_ x: [Double], mean: [Double], covariance chol: Cholesky) -> Double {
        precondition(x.count == mean.count && x.count == chol.size)
        let diff = zip(x, mean).map { $0 - $1 }
        return -0.5 * (Double(x.count) * log(2 * Double.pi) + chol.logDeterminant + chol.inverseQuadraticForm(diff))
    }

    /// Log-density of a normal with diagonal covariance `diag(variance)`.
    public static func diagonalLogDensity(_ x: [Double], mean: [Double], variance: [Double]) -> Double {
        precondition(x.count == mean.count && x.count == variance.count)
        var s = 0.0
        for i in 0..<x.count {
            let d = x[i] - mean[i]
            s += log(2 * Double.pi * variance[i]) + d * d / variance[i]
        }
        return -0.5 * s
    }

    /// `KL(N(m0, S0) ‖ N(m1, S1)) = ½ [tr(S1⁻¹ S0) + (m1 − m0)ᵀ S1⁻¹ (m1 − m0) − n + log det S1 − log det S0]`.
    public static func kl(mean0: [Double], covariance0: DenseMatrix,
                           mean1: [Double], covariance1: DenseMatrix) throws -> Double {
        let c0 = try Cholesky(covariance0.symmetrized)
        let c1 = try Cholesky(covariance1.symmetrized)
        let n = Double(mean0.count)
        let diff = zip(mean1, mean0).map { $0 - $1 }
        let tr = c1.solve(covariance0).trace
        return 0.5 * (tr + c1.inverseQuadraticForm(diff) - n + c1.logDeterminant - c0.logDeterminant)
    }

    /// Dot product.
    public static func dot(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }
}
