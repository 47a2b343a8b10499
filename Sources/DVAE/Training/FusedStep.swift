import CKernels

// The training step as one parallel region (see `Trainer.step`):
//
//   phase 0  worker w: zero its gradients; objective and gradient of its shard of the batch
//   ─ barrier ─
//   phase 1  worker w: for its run of gradient blocks, sum the workers' gradients into the
//            model's (worker order) and the block's Σ g² (for the norm)
//   ─ barrier ─
//   phase 2  worker w: global norm from all blocks (each worker sums the same values in the same
//            order), clip scale, Adam on its run of blocks
//
// Each thread does a third of the serial work the three separate regions left to the calling
// thread (zeroing the model's gradients, the norm), and the barriers replace two region
// hand-overs. The blocks are fixed pieces of each parameter, so the norm's summation order does
// not depend on the worker count.

/// The gradient blocks of one model and worker count, and the step's shared scratch.
final class FusedStepPlan {
    /// Elements per block (64 KiB of floats): small enough to balance two workers, large enough
    /// for the kernels' vector loops.
    static let blockSize = 16_384

    /// The workers (the model, then its replicas) this plan was made for.
    let workers: [VAEModel]
    /// Block b: parameter `parameter`, elements `range`.
    let blocks: [(parameter: Int, range: Range<Int>)]
    /// Worker w's blocks: `blocks[workerBlocks[w]]`, contiguous, near-equal in elements.
    let workerBlocks: [Range<Int>]
    /// grads[w][j]: worker w's gradient of parameter j.
    let grads: [[UnsafeMutablePointer<Float>]]
    /// Each shard's objective sum (phase 0) and each block's Σ g² (phase 1).
    let totals: UnsafeMutableBufferPointer<Double>
    let partialSquares: UnsafeMutableBufferPointer<Double>

    init(workers: [VAEModel]) {
        self.workers = workers
        let sizes = workers[0].parameters.map(\.grad.count)
        var blocks: [(parameter: Int, range: Range<Int>)] = []
        for (j, n) in sizes.enumerated() {
            for lo in stride(from: 0, to: n, by: Self.blockSize) { blocks.append((j, lo ..< min(n, lo + Self.blockSize))) }
        }
        self.blocks = blocks
        // Worker of block b: the one whose share of the elements holds the block's first element.
        let total = max(1, sizes.reduce(0, +)), count = workers.count
        var owner: [Int] = [], offset = 0
        for b in blocks {
            owner.append(min(count - 1, offset * count / total))
            offset += b.range.count
        }
        workerBlocks = (0..<count).map { w in
            let lo = owner.firstIndex { $0 >= w } ?? blocks.count
            let hi = owner.firstIndex { $0 > w } ?? blocks.count
            return lo ..< max(lo, hi)
        }
        grads = workers.map { $0.parameters.map(\.grad.data) }
        totals = .allocate(capacity: count)
        totals.initialize(repeating: 0)
        partialSquares = .allocate(capacity: max(1, blocks.count))
        partialSquares.initialize(repeating: 0)
    }

    deinit {
        totals.deallocate()
        partialSquares.deallocate()
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
        runWorkers(count, phases: 3) { w, phase in
            switch phase {
            case 0:
                workers[w].zeroGradients()
                plan.totals[w] = shardObjective(workers[w], batch: x, rows: shards[w], config: objectiveConfig,
                                                noiseSeed: noiseSeed, batchSize: n, accumulateGradients: true)
            case 1:
                guard Self.sum(plan.totals).isFinite else { return }
                for b in plan.workerBlocks[w] {
                    let (j, r) = plan.blocks[b]
                    let dst = plan.grads[0][j] + r.lowerBound
                    if count == 1 {
                        plan.partialSquares[b] = dvae_sum_squares(dst, r.count)
                        continue
                    }
                    // Σ over workers in worker order (the model's own shard first).
                    for s in 1 ..< count - 1 { dvae_add(dst, plan.grads[s][j] + r.lowerBound, r.count) }
                    plan.partialSquares[b] = dvae_add_sum_squares(dst, plan.grads[count - 1][j] + r.lowerBound, r.count)
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
                for b in plan.workerBlocks[w] {
                    let (j, r) = plan.blocks[b]
                    optimizer.apply(coefficients, parameter: j, range: r, gradientScale: scale)
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
