/// A network that can skip, while it only evaluates, what only its backward pass reads (the
/// activations' derivatives, the Bernoulli probabilities): less work and memory traffic per
/// forward pass of a bound. Networks that do not conform simply compute everything.
protocol EvaluationOnlyCapable: AnyObject {
    /// Whether forward passes are evaluation-only from now on.
    func setEvaluationOnly(_ on: Bool)
}

extension MLP: EvaluationOnlyCapable {
    func setEvaluationOnly(_ on: Bool) { for a in activations { a.keepsDerivative = !on } }
}

extension MLPEncoder: EvaluationOnlyCapable {
    func setEvaluationOnly(_ on: Bool) { body.trunk.setEvaluationOnly(on) }
}

extension MLPDecoder: EvaluationOnlyCapable {
    func setEvaluationOnly(_ on: Bool) {
        body.trunk.setEvaluationOnly(on)
        (likelihood as? BernoulliLikelihood)?.keepsProbabilities = !on
    }
}

extension VAEModel {
    /// Runs `body` with this model's networks in evaluation-only mode (see `EvaluationOnlyCapable`)
    /// and restores training mode afterwards. The values computed are the same; a backward pass
    /// inside `body` stops with a precondition failure. Not for a model that another thread is
    /// using at the same time (each worker has its own replica).
    func evaluatingOnly<T>(_ body: () -> T) -> T {
        let networks = [encoder as AnyObject, decoder as AnyObject].compactMap { $0 as? EvaluationOnlyCapable }
        for n in networks { n.setEvaluationOnly(true) }
        defer { for n in networks { n.setEvaluationOnly(false) } }
        return body()
    }
}
