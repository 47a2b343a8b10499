import CKernels

// The training step as one parallel region (see `Trainer.step`):
//
//   phase 0  worker w: objective and backward pass of its shard of the batch. Affine layers keep
//            dL/dy and skip their parameter gradients; other parameters' gradients (a GRU's,
//            a Gaussian log-variance) accumulate in the worker's own buffers
//   ─ barrier ─
//   phase 1  worker w, for its run of units: an affine layer's output rows — dL/dW and dL/db
//            of those rows from every worker's (dL/dy, x), one gemm per worker for all of the
//            worker's consecutive rows of the layer (so there are no per-worker copies of these
//            gradients to clear and sum; a first layer on 0/1 input sums rows instead) — or a
//            block of another parameter, summed over the workers in worker order; and the
//            unit's Σ g²
//   ─ barrier ─
//   phase 2  worker w: global norm from all units (each worker sums the same values in the same
//            order), clip scale, Adam on its units
//
// The units are fixed pieces of each parameter (≤ 16k elements), so the norm's summation order
// does not depend on the worker count, and the sums over workers run in worker order, so the
// result equals per-worker gradients added in that order.

/// The work units of one model and worker count, and the step's shared scratch.
final class FusedStepPlan {
    /// Elements per unit (64 KiB of floats): small enough to balance two workers, large enough
    /// for the kernels' vector loops.
    static let blockSize = 16_384

    /// A piece of the gradient that one worker finishes in phases 1 and 2.
    enum Unit {
        /// Elements `range` of parameter `parameter`, summed over the workers' own gradients.
        case block(parameter: Int, range: Range<Int>)
        /// Output rows `rows` of affine layer `layer` (weight rows and bias entries), written from
        /// every worker's (dL/dy, x) (`Affine.writeParameterGradients`).
        case rows(layer: Int, rows: Range<Int>)
    }

    /// The workers (the model, then its replicas) this plan was made for.
    let workers: [VAEModel]
    /// layers[w][ℓ]: worker w's affine layer ℓ (the layers whose gradients are written by rows).
    let layers: [[Affine]]
    /// Parameter indices of layer ℓ's weight and bias.
    let layerParameters: [(weight: Int, bias: Int)]
    /// The other parameters (kept per worker and summed).
    let summedParameters: [Int]
    /// All units, in parameter order.
    let units: [Unit]
    /// Worker w's units: `units[workerUnits[w]]`, contiguous, near-equal in elements.
    let workerUnits: [Range<Int>]
    /// grads[w][j]: worker w's gradient of parameter j.
    let grads: [[UnsafeMutablePointer<Float>]]
    /// Each shard's objective sum (phase 0) and each unit's Σ g² (phase 1).
    let totals: UnsafeMutableBufferPointer<Double>
    let partialSquares: UnsafeMutableBufferPointer<Double>

    init(workers: [VAEModel]) {
        self.workers = workers
        let parameters = workers[0].parameters
        let sizes = parameters.map(\.grad.count)
        // Affine layers whose parameters are in the list, with the same layout in every worker.
        let perWorker = workers.map(\.affineLayers)
        var layerParameters: [(weight: Int, bias: Int)] = [], kept: [Int] = []
        for (l, layer) in perWorker[0].enumerated() {
            guard perWorker.allSatisfy({ $0.count == perWorker[0].count && $0[l].outputSize == layer.outputSize
                                         && $0[l].inputSize == layer.inputSize }),
                  let w = parameters.firstIndex(where: { $0 === layer.weight }),
                  let b = parameters.firstIndex(where: { $0 === layer.bias }) else { continue }
            layerParameters.append((w, b))
            kept.append(l)
        }
        layers = perWorker.map { layers in kept.map { layers[$0] } }
        self.layerParameters = layerParameters
        let byRows = Set(layerParameters.flatMap { [$0.weight, $0.bias] })
        summedParameters = parameters.indices.filter { !byRows.contains($0) }
        var units: [Unit] = [], unitSizes: [Int] = []
        for (j, n) in sizes.enumerated() {
            if let l = layerParameters.firstIndex(where: { $0.weight == j }) {
                let layer = layers[0][l], chunk = max(1, Self.blockSize / max(1, layer.inputSize))
                for lo in stride(from: 0, to: layer.outputSize, by: chunk) {
                    let rows = lo ..< min(layer.outputSize, lo + chunk)
                    units.append(.rows(layer: l, rows: rows))
                    unitSizes.append(rows.count * (layer.inputSize + 1))
                }
            } else if !byRows.contains(j) {
                for lo in stride(from: 0, to: n, by: Self.blockSize) {
                    units.append(.block(parameter: j, range: lo ..< min(n, lo + Self.blockSize)))
                    unitSizes.append(min(n, lo + Self.blockSize) - lo)
                }
            }
        }
        self.units = units
        // Worker of unit u: the one whose share of the elements holds the unit's first element.
        let total = max(1, unitSizes.reduce(0, +)), count = workers.count
        var owner: [Int] = [], offset = 0
        for size in unitSizes {
            owner.append(min(count - 1, offset * count / total))
            offset += size
        }
        workerUnits = (0..<count).map { w in
            let lo = owner.firstIndex { $0 >= w } ?? units.count
            let hi = owner.firstIndex { $0 > w } ?? units.count
            return lo ..< max(lo, hi)
        }
        grads = workers.map { $0.parameters.map(\.grad.data) }
        totals = .allocate(capacity: count)
        totals.initialize(repeating: 0)
        partialSquares = .allocate(capacity: max(1, units.count))
        partialSquares.initialize(repeating: 0)
    }

    deinit {
        totals.deallocate()
        partialSquares.deallocate()
    }

    /// The output rows of unit `u`'s layer covered by `u` and the units after it in `units` (a
    /// worker's run) that continue the same layer's rows without a gap.
    func rowRun(startingAt u: Int, within units: Range<Int>) -> Range<Int> {
        guard case .rows(let layer, let first) = self.units[u] else { preconditionFailure("not a row unit") }
        var upper = first.upperBound
        for v in (u + 1) ..< units.upperBound {
            guard case .rows(let l, let rows) = self.units[v], l == layer, rows.lowerBound == upper else { break }
            upper = rows.upperBound
        }
        return first.lowerBound ..< upper
    }
}

extension Trainer {
    /// `step` as one parallel region (the layout at the top of this file). Returns nil when the
    /// optimiser does not update exactly the model's parameters (then `step` runs the phases as
    /// separate calls).
    func fusedStep(batch x: Tensor, rng: inout RNG) -> FusedStepOutcome? {
        let params = model.parameters
        guard optimizer.parameters.count == params.count,
              zip(optimizer.parameters, params).allSatisfy({ $0 === $1 }) else { return nil }
        let objectiveConfig = config.objective
        let M = objectiveConfig.effectiveM, n = x.rows
        guard n > 0 else { return nil }
        let noiseSeed = rng.next()
        var shards = shardRanges(n, workers: threads, minimumSize: minimumExamplesPerWorker)
        var workers = [model]
        if shards.count > 1, let w = model.workers(shards.count) { workers = w } else { shards = [0..<n] }
        let plan: FusedStepPlan
        if let p = stepPlan, p.workers.count == workers.count, zip(p.workers, workers).allSatisfy({ $0 === $1 }) {
            plan = p
        } else {
            plan = FusedStepPlan(workers: workers)
            stepPlan = plan
        }
        let count = workers.count, optimizer = self.optimizer
        let coefficients = optimizer.coefficients(step: optimizer.step + 1)
        let clip = config.clipNorm
        let parameters = params
        runWorkers(count, phases: 3) { w, phase in
            switch phase {
            case 0:
                // Affine layers keep dL/dy for phase 1; the other gradients accumulate per worker.
                if !plan.summedParameters.isEmpty {
                    let mine = workers[w].parameters
                    for j in plan.summedParameters { mine[j].grad.zero() }
                }
                for layer in plan.layers[w] { layer.defersParameterGradients = true }
                plan.totals[w] = shardObjective(workers[w], batch: x, rows: shards[w], config: objectiveConfig,
                                                noiseSeed: noiseSeed, batchSize: n, accumulateGradients: true)
                for layer in plan.layers[w] { layer.defersParameterGradients = false }
            case 1:
                guard Self.sum(plan.totals).isFinite else { return }
                var written: (layer: Int, rows: Range<Int>)?      // the layer rows already written
                for u in plan.workerUnits[w] {
                    switch plan.units[u] {
                    case .rows(let l, let rows):
                        let layer = plan.layers[0][l]
                        if written?.layer != l || written?.rows.contains(rows.lowerBound) != true {
                            // All of this worker's consecutive rows of the layer in one write: one
                            // product (or one pass of the 0/1 sums) rather than one per unit.
                            let run = plan.rowRun(startingAt: u, within: plan.workerUnits[w])
                            layer.writeParameterGradients(rows: run, from: plan.layers.map { $0[l] })
                            written = (l, run)
                        }
                        let (wj, bj) = plan.layerParameters[l]
                        plan.partialSquares[u] =
                            dvae_sum_squares(plan.grads[0][wj] + rows.lowerBound * layer.inputSize, rows.count * layer.inputSize)
                            + dvae_sum_squares(plan.grads[0][bj] + rows.lowerBound, rows.count)
                    case .block(let j, let r):
                        let dst = plan.grads[0][j] + r.lowerBound
                        if count == 1 {
                            plan.partialSquares[u] = dvae_sum_squares(dst, r.count)
                            continue
                        }
                        // Σ over workers in worker order (the model's own shard first).
                        for s in 1 ..< count - 1 { dvae_add(dst, plan.grads[s][j] + r.lowerBound, r.count) }
                        plan.partialSquares[u] = dvae_add_sum_squares(dst, plan.grads[count - 1][j] + r.lowerBound, r.count)
                    }
                }
            default:
                guard Self.sum(plan.totals).isFinite else { return }
                let sumSquares = Self.sum(plan.partialSquares)
                guard sumSquares.isFinite else { return }
                var scale: Float = 1
                if let clip, clip > 0 {
                    let norm = sumSquares.squareRoot()
                    if norm > Double(clip) { scale = Float(Double(clip) / norm) }
                }
                for u in plan.workerUnits[w] {
                    switch plan.units[u] {
                    case .rows(let l, let rows):
                        let (wj, bj) = plan.layerParameters[l], width = parameters[wj].value.cols
                        optimizer.apply(coefficients, parameter: wj,
                                        range: rows.lowerBound * width ..< rows.upperBound * width, gradientScale: scale)
                        optimizer.apply(coefficients, parameter: bj, range: rows, gradientScale: scale)
                    case .block(let j, let r):
                        optimizer.apply(coefficients, parameter: j, range: r, gradientScale: scale)
                    }
                }
            }
        }
        let total = Self.sum(plan.totals)
        guard total.isFinite, Self.sum(plan.partialSquares).isFinite else { return .nonFinite }
        optimizer.step += 1
        return .applied(total / Double(n * M))
    }

    /// Σ values in index order.
    private static func sum(_ values: UnsafeMutableBufferPointer<Double>) -> Double {
        var s = 0.0
        for v in values { s += v }
        return s
    }
}

/// What `fusedStep` did.
enum FusedStepOutcome {
    /// The update was applied; the batch's mean objective.
    case applied(Double)
    /// The objective or the gradient was not finite: nothing was applied.
    case nonFinite
}
