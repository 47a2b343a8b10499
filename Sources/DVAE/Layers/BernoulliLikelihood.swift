import CKernels

/// The factorised Bernoulli log-likelihood from logits: for each row r,
/// log p(x_r | l_r) = Σ_d [x_rd · l_rd − softplus(l_rd)]  (numerically stable for any logit).
///
/// Shapes: logits and x are `n × D`. Works for x ∈ [0, 1] too (the cross-entropy form).
/// Backward: ∂ log p_r / ∂ l_rd = x_rd − sigmoid(l_rd); the sigmoid is cached by `logLikelihood`.
public final class BernoulliLikelihood {
    /// False while the network only evaluates (see `VAEModel.evaluatingOnly`): `logLikelihood`
    /// then skips the probabilities, which only `backward` reads.
    var keepsProbabilities = true
    private var probabilitiesAreCurrent = false
    private var probabilityBuffer: Tensor?
    private var logitGradientBuffer: Tensor?

    /// A likelihood layer with empty buffers.
    public init() {}

    /// Writes log p(x_r | l_r) for each row into `out[0..<n]`, summing each row in Double.
    public func logLikelihood(logits l: Tensor, x: Tensor, into out: UnsafeMutablePointer<Double>) {
        precondition(l.rows == x.rows && l.cols == x.cols, "Bernoulli: logits \(l.rows)×\(l.cols) vs x \(x.rows)×\(x.cols)")
        probabilitiesAreCurrent = keepsProbabilities
        guard keepsProbabilities else {
            dvae_bernoulli_loglik_value(l.data, x.data, out, l.rows, l.cols)
            return
        }
        let prob = reuse(&probabilityBuffer, rows: l.rows, cols: l.cols)
        // Σ_d x l − softplus(l) per row (in Double), and p = sigmoid(l) for backward: one pass.
        dvae_bernoulli_loglik(l.data, x.data, prob.data, out, l.rows, l.cols)
    }

    /// Given dL/d log p_r for each row (`dLogLik`, n × 1), returns dL/dl (n × D, own buffer).
    /// Must follow `logLikelihood` on the same logits and x.
    public func backward(x: Tensor, dLogLik: Tensor) -> Tensor {
        guard let prob = probabilityBuffer, probabilitiesAreCurrent else {
            preconditionFailure("Bernoulli.backward without a training logLikelihood (none, or an evaluation-only one)")
        }
        precondition(x.rows == prob.rows && x.cols == prob.cols && dLogLik.count == x.rows, "Bernoulli.backward: bad shapes")
        let g = reuse(&logitGradientBuffer, rows: x.rows, cols: x.cols)
        dvae_bernoulli_backward(x.data, prob.data, dLogLik.data, g.data, x.rows, x.cols)   // g = a_r (x − p)
        return g
    }

    /// sigmoid(l): the Bernoulli means, as a new tensor.
    public static func mean(logits l: Tensor) -> Tensor {
        let m = Tensor(rows: l.rows, cols: l.cols)
        for i in 0..<l.count { m.data[i] = fastSigmoid(l.data[i]) }
        return m
    }
}
