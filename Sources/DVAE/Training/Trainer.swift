import CBLAS
import CKernels

/// Minibatch training of a `VAEModel` with Adam.
///
/// Each epoch shuffles the training set (or, with `BatchOrder.fixed`, walks it in file order)
/// with its own stream `RNG(seed: config.seed, epoch)`, so a
/// run resumed at epoch e (restore the weights, `optimizer.step/m/v` and `epochsCompleted`)
/// continues exactly as the uninterrupted run would. The learning rate of each epoch is
/// `config.learningRate(epoch:)` (the schedule is a function of the epoch, so it resumes too).
/// A step whose objective or gradient is not finite is skipped (never applied) or, under
/// `NonFiniteRule.shrink`, applied with every gradient replaced by 0.1 × its parameter; either way
/// it is counted. The same seed gives identical results.
public final class Trainer {
    /// The model trained in place.
    public let model: VAEModel
    /// The run's settings; `epochs` is the total to reach and may be raised between runs.
    public var config: TrainConfig
    /// The optimiser (its state is part of a checkpoint).
    public let optimizer: Adam
    /// Epochs completed so far; `run` continues with epoch `epochsCompleted + 1`.
    public var epochsCompleted: Int
    /// Every completed epoch's record, across runs.
    public private(set) var history: [EpochRecord] = []
    /// Worker threads per step (see `evaluateObjective`): results are deterministic for a given
    /// seed and thread count, and agree across thread counts up to floating-point rounding.
    public let threads: Int
    private var batchBuffer: Tensor?
    /// The fused step's gradient blocks and scratch for the current workers (see `FusedStep.swift`).
    var stepPlan: FusedStepPlan?

    /// A trainer for `model`. Pass an `optimizer` and `epochsCompleted` to resume from a checkpoint;
    /// by default a fresh Adam over `model.parameters` with `config.adam`. `threads` defaults to
    /// `ComputeThreads.count`.
    public init(model: VAEModel, config: TrainConfig, optimizer: Adam? = nil, epochsCompleted: Int = 0,
                threads: Int? = nil) {
        self.model = model
        self.config = config
        self.optimizer = optimizer ?? Adam(parameters: model.parameters, config: config.adam)
        self.epochsCompleted = epochsCompleted
        self.threads = max(1, threads ?? ComputeThreads.count)
    }

    /// The random stream of epoch `epoch` (1-based) for this run's seed.
    public static func epochRNG(seed: UInt64, epoch: Int) -> RNG {
        RNG(seed: seed ^ (UInt64(epoch) &* SplitMix64.increment))
    }

    /// Trains from epoch `epochsCompleted + 1` to `config.epochs`, calling `onEvent` after every
    /// step and epoch; returning `.stop` ends the run at once with all applied updates kept.
    /// `validation`, when given, is scored with the ELBO after each epoch (fixed seed). The
    /// optimiser's hyper-parameters are set from `config.adam` at the start (its state is kept).
    @discardableResult
    public func run(train: Dataset, validation: Dataset? = nil,
                    onEvent: (TrainingEvent) -> TrainingControl = { _ in .proceed }) -> TrainingReport {
        precondition(train.dimension == model.config.inputSize,
                     "training data has \(train.dimension) pixels, model expects \(model.config.inputSize)")
        precondition(config.batchSize > 0, "batch size must be positive")
        optimizer.config = config.adam
        var report = TrainingReport(epochsCompleted: epochsCompleted, steps: 0, skippedSteps: 0, curve: [], stoppedEarly: false)
        let n = train.count
        guard n > 0 else { return report }
        let stepsPerEpoch = config.stepsPerEpoch(examples: n)
        guard stepsPerEpoch > 0 else { return report }
        let clock = ContinuousClock()
        while epochsCompleted < config.epochs {
            let epoch = epochsCompleted + 1
            optimizer.config.lr = config.learningRate(epoch: epoch)
            var rng = Trainer.epochRNG(seed: config.seed, epoch: epoch)
            var order = Array(0..<n)
            if config.batchOrder == .shuffled { rng.shuffle(&order) }
            let started = clock.now
            var boundSum = 0.0, boundCount = 0
            for s in 0..<stepsPerEpoch {
                let lo = s * config.batchSize, hi = min(n, lo + config.batchSize)
                let batch = reuse(&batchBuffer, rows: hi - lo, cols: train.dimension)
                train.x.gather(rows: order[lo..<hi], into: batch)
                if let objective = step(batch: batch, rng: &rng) {
                    boundSum += objective * Double(hi - lo)
                    boundCount += hi - lo
                    report.steps += 1
                } else {
                    report.skippedSteps += 1
                    if config.nonFinite == .shrink { report.steps += 1 }
                }
                let elapsed = (clock.now - started).inSeconds
                let event = TrainingEvent.step(epoch: epoch, step: s + 1, stepsPerEpoch: stepsPerEpoch,
                                               examplesPerSecond: elapsed > 0 ? Double(hi) / elapsed : 0,
                                               runningBound: boundCount > 0 ? boundSum / Double(boundCount) : .nan)
                if onEvent(event) == .stop {
                    report.stoppedEarly = true
                    report.epochsCompleted = epochsCompleted
                    return report
                }
            }
            var valid: Double? = nil, cleanTrain: Double? = nil
            if config.evaluates(epoch: epoch) {
                if let v = validation, config.validateEveryEpoch, v.count > 0 {
                    valid = estimateBound(model, on: v.x, kind: config.curveBound, seed: config.seed ^ 0x5EED_0F_FA11D,
                                          threads: threads).mean
                }
                if config.scoreCleanTraining {
                    cleanTrain = estimateBound(model, on: train.x, kind: config.curveBound, seed: config.seed ^ 0x7EA1_0F_C1EA,
                                               threads: threads).mean
                }
            }
            let record = EpochRecord(epoch: epoch, trainBound: boundCount > 0 ? boundSum / Double(boundCount) : .nan,
                                     validBound: valid, seconds: (clock.now - started).inSeconds, cleanTrainBound: cleanTrain)
            epochsCompleted = epoch
            history.append(record)
            report.curve.append(record)
            report.epochsCompleted = epochsCompleted
            if onEvent(.epochEnd(record)) == .stop {
                report.stoppedEarly = true
                return report
            }
        }
        return report
    }

    /// One optimiser step on `batch`: zero the gradients, evaluate the objective with gradients,
    /// clip, update. Returns the objective, or nil when the objective or the gradient is not
    /// finite — then nothing is applied (`skip`) or the update uses 0.1 × each parameter as its
    /// gradient (`shrink`, the authors' rule, not clipped, as in their code).
    ///
    /// The phases run as one parallel region of `threads` workers (see `FusedStep.swift`); the
    /// result is the same as running them one after another (`separateStep`), up to the order of
    /// the gradient norm's summation.
    public func step(batch: Tensor, rng: inout RNG) -> Double? {
        switch fusedStep(batch: batch, rng: &rng) {
        case .applied(let objective): return objective
        case .nonFinite: return nonFiniteStep()
        case nil: return separateStep(batch: batch, rng: &rng)
        }
    }

    /// `step` as separate calls: for an optimiser that does not update exactly the model's parameters.
    private func separateStep(batch: Tensor, rng: inout RNG) -> Double? {
        model.zeroGradients()
        let objective = evaluateObjective(model, batch: batch, config: config.objective, rng: &rng,
                                          accumulateGradients: true, threads: threads)
        guard objective.isFinite else { return nonFiniteStep() }
        // Squares summed in Double: a large but finite gradient must not overflow the norm; a NaN
        // or ∞ anywhere still makes the sum non-finite.
        var sumSquares = 0.0
        for p in optimizer.parameters { sumSquares += dvae_sum_squares(p.grad.data, p.grad.count) }
        guard sumSquares.isFinite else { return nonFiniteStep() }
        if let clip = config.clipNorm, clip > 0 {
            let norm = sumSquares.squareRoot()
            if norm > Double(clip) {
                let scale = Float(Double(clip) / norm)
                for p in optimizer.parameters { cblas_sscal(Int32(p.grad.count), scale, p.grad.data, 1) }
            }
        }
        optimizer.update(threads: threads)
        return objective
    }

    /// The non-finite case of `step`: under `shrink` sets every gradient to 0.1 × its parameter
    /// and applies the update. Returns nil (the step's objective is not a number to average).
    private func nonFiniteStep() -> Double? {
        guard config.nonFinite == .shrink else { return nil }
        for p in optimizer.parameters {
            let n = p.value.count
            p.grad.data.update(from: p.value.data, count: n)
            cblas_sscal(Int32(n), 0.1, p.grad.data, 1)
        }
        optimizer.update(threads: threads)
        return nil
    }
}
