/// Worker replicas of a model: for data-parallel steps and bounds.
extension VAEModel {
    /// `count` models with this model's architecture whose parameters share this model's value
    /// tensors (an optimiser step on this model is seen by all of them at once) but have their
    /// own gradients, layer buffers and objective workspace. Built once and cached; nil when this
    /// model's networks cannot be rebuilt from its `config` (a custom encoder or decoder whose
    /// parameter names or shapes differ), in which case callers run on one thread.
    func replicas(_ count: Int) -> [VAEModel]? {
        if count <= 0 { return [] }
        while replicaCache.count < count {
            let r = VAEModel(config: config, seed: 0)
            let mine = parameters, theirs = r.parameters
            guard mine.count == theirs.count, zip(mine, theirs).allSatisfy({
                $0.name == $1.name && $0.value.rows == $1.value.rows && $0.value.cols == $1.value.cols
            }) else { return nil }
            for (m, t) in zip(mine, theirs) { t.value = m.value }
            replicaCache.append(r)
        }
        return Array(replicaCache.prefix(count))
    }

    /// [self] followed by `count − 1` replicas (the workers of a data-parallel pass), or nil.
    func workers(_ count: Int) -> [VAEModel]? {
        guard let r = replicas(count - 1) else { return nil }
        return [self] + r
    }

    /// Adds every worker's parameter gradients into this model's (worker order, so the sum is
    /// deterministic for a given worker count), splitting the work across the workers' threads.
    func reduceGradients(from workers: [VAEModel]) {
        guard workers.count > 1 else { return }
        let sources = workers.dropFirst().map { $0.parameters.map(\.grad) }
        forEachElementRange(of: parameters.map(\.grad), threads: workers.count) { j, range in
            let dst = parameters[j].grad.data
            for s in sources {
                let src = s[j].data
                for i in range { dst[i] += src[i] }
            }
        }
    }
}
