/// What a training step does when the objective or a gradient is not finite.
public enum NonFiniteRule: String, Codable, Equatable, Sendable, CaseIterable, NamedChoice {
    /// Skip the step: nothing is applied, the step is counted as skipped (the engine's default).
    case skip
    /// The authors' rule (`Optimize.clip_gradient` in their `optimize.py`): every gradient is
    /// replaced by 0.1 × its parameter and the optimiser step is applied with it — a small pull of
    /// all weights towards zero.
    case shrink

    /// The word the language writes (`nonfinite skip|shrink`).
    public var name: String { rawValue }
}

/// How each epoch walks the training set.
public enum BatchOrder: String, Codable, Equatable, Sendable, CaseIterable, NamedChoice {
    /// Reshuffled every epoch by the epoch's stream; the last minibatch may be smaller (default).
    case shuffled
    /// The authors' loop: the same minibatches every epoch, in file order, full ones only
    /// (⌊n / batch⌋ steps; the remainder is never seen — 72 of Frey Face's 1 572 faces).
    case fixed

    /// The word the language writes.
    public var name: String { rawValue }
}

/// Everything that determines a training run besides the model and the data.
public struct TrainConfig: Codable, Equatable, Sendable {
    /// The objective maximised.
    public var objective: ObjectiveConfig
    /// Number of epochs (passes over the training set) to reach.
    public var epochs: Int
    /// Examples per minibatch (the last minibatch of an epoch may be smaller).
    public var batchSize: Int
    /// Optimiser settings.
    public var adam: AdamConfig
    /// When set, gradients are rescaled so their global L2 norm is at most this.
    public var clipNorm: Float?
    /// Seed of the shuffling, corruption and sampling streams (weights are seeded by the model).
    public var seed: UInt64
    /// Compute the validation ELBO at the end of each epoch (when a validation set is given).
    public var validateEveryEpoch: Bool
    /// How the learning rate `adam.lr` is scaled epoch by epoch (`constant` by default).
    public var schedule: LearningRateSchedule
    /// What a step with a non-finite objective or gradient does (`skip` by default).
    public var nonFinite: NonFiniteRule
    /// How each epoch walks the training set (`shuffled` by default).
    public var batchOrder: BatchOrder
    /// The curve's bounds (validation, clean training set) are computed after every
    /// `evaluationInterval`-th epoch and after the last (1: every epoch).
    public var evaluationInterval: Int
    /// Also score the clean training set (`EpochRecord.cleanTrainBound`) at evaluated epochs: the
    /// bound the model reaches on the data it fits, without the training noise.
    public var scoreCleanTraining: Bool

    /// A configuration; defaults follow the paper (batch 100) with a faster learning rate.
    public init(objective: ObjectiveConfig = ObjectiveConfig(), epochs: Int = 10, batchSize: Int = 100,
                adam: AdamConfig = AdamConfig(), clipNorm: Float? = nil, seed: UInt64 = 0,
                validateEveryEpoch: Bool = true, schedule: LearningRateSchedule = .constant,
                nonFinite: NonFiniteRule = .skip, batchOrder: BatchOrder = .shuffled,
                evaluationInterval: Int = 1, scoreCleanTraining: Bool = false) {
        self.objective = objective
        self.epochs = epochs
        self.batchSize = batchSize
        self.adam = adam
        self.clipNorm = clipNorm
        self.seed = seed
        self.validateEveryEpoch = validateEveryEpoch
        self.schedule = schedule
        self.nonFinite = nonFinite
        self.batchOrder = batchOrder
        self.evaluationInterval = evaluationInterval
        self.scoreCleanTraining = scoreCleanTraining
    }

    /// True when the curve's bounds are computed after the 1-based `epoch`.
    public func evaluates(epoch: Int) -> Bool {
        epoch % max(1, evaluationInterval) == 0 || epoch == epochs
    }

    /// The bound the curve scores: the ELBO, with its KL in closed form when training uses it.
    public var curveBound: BoundKind { objective.kl == .analytic ? .elboAnalytic : .elbo }

    /// Optimiser steps per epoch on `n` training examples.
    public func stepsPerEpoch(examples n: Int) -> Int {
        switch batchOrder {
        case .shuffled: return (n + batchSize - 1) / batchSize
        case .fixed: return n / batchSize
        }
    }

    /// The learning rate of the 1-based `epoch`: `adam.lr` times the schedule's factor.
    public func learningRate(epoch: Int) -> Float {
        Float(Double(adam.lr) * schedule.factor(epoch: epoch - 1, totalEpochs: epochs))
    }
}

/// One point of the learning curve.
public struct EpochRecord: Codable, Equatable, Sendable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean of the training objective over the epoch's applied steps (weighted by batch size).
    public var trainBound: Double
    /// ELBO on the validation set after the epoch, when computed.
    public var validBound: Double?
    /// ELBO on the clean training set after the epoch, when computed (`scoreCleanTraining`).
    public var cleanTrainBound: Double?
    /// Wall-clock seconds of the epoch (training and validation).
    public var seconds: Double

    /// A record with the given fields.
    public init(epoch: Int, trainBound: Double, validBound: Double?, seconds: Double, cleanTrainBound: Double? = nil) {
        self.epoch = epoch
        self.trainBound = trainBound
        self.validBound = validBound
        self.cleanTrainBound = cleanTrainBound
        self.seconds = seconds
    }
}

/// Progress reported to the caller of `Trainer.run`.
public enum TrainingEvent: Sendable {
    /// After each step (applied or skipped). `step` is 1-based within the epoch; `runningBound`
    /// is the mean objective of the epoch's applied steps so far.
    case step(epoch: Int, step: Int, stepsPerEpoch: Int, examplesPerSecond: Double, runningBound: Double)
    /// After each completed epoch.
    case epochEnd(EpochRecord)
}

/// The caller's answer to a `TrainingEvent`.
public enum TrainingControl: Sendable {
    /// Continue training.
    case proceed
    /// Stop now; the model keeps every update applied so far.
    case stop
}

/// The outcome of `Trainer.run`.
public struct TrainingReport: Sendable {
    /// Completed epochs in total (including those of earlier runs of the same trainer).
    public var epochsCompleted: Int
    /// Optimiser steps applied in this run.
    public var steps: Int
    /// Steps in this run whose objective or gradient was not finite: skipped (rule `skip`), or
    /// applied with the gradient replaced by 0.1 × the parameter (rule `shrink`).
    public var skippedSteps: Int
    /// The learning curve of this run's completed epochs.
    public var curve: [EpochRecord]
    /// True when a callback returned `.stop`.
    public var stoppedEarly: Bool
}
