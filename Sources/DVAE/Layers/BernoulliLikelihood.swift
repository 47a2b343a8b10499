/// The factorised Bernoulli log-likelihood from logits: for each row r,
/// log p(x_r | l_r) = Σ_d [x_rd · l_rd − softplus(l_rd)]  (numerically stable for any logit).
///
/// Shapes: logits and x are `n × D`. Works for x ∈ [0, 1] too (the cross-entropy form).
/// Backward: ∂ log p_r / ∂ l_rd = x_rd − sigmoid(l_rd); the sigmoid is cached by `logLikelihood`.
public final class BernoulliLikelihood {
    private var termBuffer: Tensor?
    private var probabilityBuffer: Tensor?
    private var logitGradientBuffer: Tensor?

    /// A likelihood layer with empty buffers.
    public init() {}

    /// Writes log p(x_r | l_r) for each row into `out[0..<n]`, summing each row in Double.
    public func logLikelihood(logits l: Tensor, x: Tensor, into out: UnsafeMutablePointer<Double>) {
        precondition(l.rows == x.rows && l.cols == x.cols, "Bernoulli: logits \(l.rows)×\(l.cols) vs x \(x.rows)×\(x.cols)")
        let term = reuse(&termBuffer, rows: l.rows, cols: l.cols)
        let prob = reuse(&probabilityBuffer, rows: l.rows, cols: l.cols)
        let lp = l.data, xp = x.data, tp = term.data, pp = prob.data
        for i in 0..<l.count {
            let v = lp[i]
            let (sp, sg) = fastSoftplusAndSigmoid(v)
            tp[i] = xp[i] * v - sp
            pp[i] = sg
        }
        let d = l.cols
        for r in 0..<l.rows { out[r] = sumAsDouble(tp + r * d, d) }
    }

    /// Given dL/d log p_r for each row (`dLogLik`, n × 1), returns dL/dl (n × D, own buffer).
    /// Must follow `logLikelihood` on the same logits and x.
    public func backward(x: Tensor, dLogLik: Tensor) -> Tensor {
        guard let prob = probabilityBuffer else { preconditionFailure("Bernoulli.backward before logLikelihood") }
        precondition(x.rows == prob.rows && x.cols == prob.cols && dLogLik.count == x.rows, "Bernoulli.backward: bad shapes")
        let g = reuse(&logitGradientBuffer, rows: x.rows, cols: x.cols)
        let d = x.cols
        for r in 0..<x.rows {
            let a = dLogLik.data[r]
            let xp = x.data + r * d, pp = prob.data + r * d, gp = g.data + r * d
            for j in 0..<d { gp[j] = a * (xp[j] - pp[j]) }
        }
        return g
    }

    /// sigmoid(l): the Bernoulli means, as a new tensor.
    public static func mean(logits l: Tensor) -> Tensor {
        let m = Tensor(rows: l.rows, cols: l.cols)
        for i in 0..<l.count { m.data[i] = fastSigmoid(l.data[i]) }
        return m
    }
}
