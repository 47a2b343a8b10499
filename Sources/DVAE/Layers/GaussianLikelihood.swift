/// The factorised Gaussian log-likelihood with a learned per-pixel log-variance λ (shared by all rows):
/// log p(x_r | μ_r) = Σ_d −½ [ln 2π + λ_d + (x_rd − μ_rd)² e^{−λ_d}].
///
/// Shapes: mean μ and x are `n × D`; `logVariance` is the parameter `1 × D` (named by the owner,
/// e.g. `"decoder.logvar"`). Backward returns dL/dμ and accumulates dL/dλ into the parameter's grad:
/// ∂ log p_r / ∂ μ_rd = (x_rd − μ_rd) e^{−λ_d},  ∂ log p_r / ∂ λ_d = −½ + ½ (x_rd − μ_rd)² e^{−λ_d}.
public final class GaussianLikelihood {
    /// The per-pixel log-variance λ, `1 × D`.
    public let logVariance: Parameter
    private var termBuffer: Tensor?
    private var meanGradientBuffer: Tensor?
    private var inverseVariance: [Float]
    private static let halfLog2Pi: Float = 0.918_938_533

    /// A likelihood over `dimension` pixels with log-variance initialised to `initialLogVariance`.
    public init(name: String, dimension: Int, initialLogVariance: Float = 0) {
        logVariance = Parameter(name: name, value: Tensor(rows: 1, cols: dimension, repeating: initialLogVariance))
        inverseVariance = [Float](repeating: 1, count: dimension)
    }

    /// Writes log p(x_r | μ_r) for each row into `out[0..<n]`, summing each row in Double.
    public func logLikelihood(mean mu: Tensor, x: Tensor, into out: UnsafeMutablePointer<Double>) {
        let d = logVariance.value.cols
        precondition(mu.rows == x.rows && mu.cols == d && x.cols == d, "Gaussian: shape mismatch")
        let lv = logVariance.value.data
        for j in 0..<d { inverseVariance[j] = fastExp(-lv[j]) }
        let term = reuse(&termBuffer, rows: mu.rows, cols: d)
        inverseVariance.withUnsafeBufferPointer { iv in
            let ivp = iv.baseAddress!
            for r in 0..<mu.rows {
                let mp = mu.data + r * d, xp = x.data + r * d, tp = term.data + r * d
                for j in 0..<d {
                    let diff = xp[j] - mp[j]
                    tp[j] = -Self.halfLog2Pi - 0.5 * (lv[j] + diff * diff * ivp[j])
                }
                out[r] = sumAsDouble(tp, d)
            }
        }
    }

    /// Given dL/d log p_r per row (`dLogLik`, n × 1) returns dL/dμ (n × D, own buffer) and adds
    /// dL/dλ into `logVariance.grad`. Must follow `logLikelihood` with the same μ and x.
    public func backward(mean mu: Tensor, x: Tensor, dLogLik: Tensor) -> Tensor {
        let d = logVariance.value.cols
        precondition(mu.rows == x.rows && dLogLik.count == x.rows, "Gaussian.backward: bad shapes")
        let g = reuse(&meanGradientBuffer, rows: mu.rows, cols: d)
        let glv = logVariance.grad.data
        inverseVariance.withUnsafeBufferPointer { iv in
            let ivp = iv.baseAddress!
            for r in 0..<mu.rows {
                let a = dLogLik.data[r]
                let mp = mu.data + r * d, xp = x.data + r * d, gp = g.data + r * d
                for j in 0..<d {
                    let w = (xp[j] - mp[j]) * ivp[j]
                    gp[j] = a * w
                    glv[j] += a * (0.5 * w * (xp[j] - mp[j]) - 0.5)
                }
            }
        }
        return g
    }
}
