import DVAE
import Foundation

/// Computes table cells: train one `ExperimentConfig` and measure its test bounds, reusing and
/// filling a `ResultCache`.
public enum ExperimentRunner {
    /// Returns the finished result of `config` on `data`.
    ///
    /// The configuration is first checked against `data` (so a cell that does not fit its data
    /// fails the same way cached or not). Then, with a cache:
    /// - a hit is returned as is (`cached == true`) without training;
    /// - an unusable result file (corrupt, edited, another version or configuration) is moved
    ///   aside (`ResultCache.setAside`), reported through `onRejected`, and the cell recomputed;
    /// - when `config.extraIWAE` is set and the same cell *without* the extra bound is cached with
    ///   its model, that model is loaded and only the extra bound is computed (no retraining);
    /// - an unusable partial checkpoint is likewise moved aside and reported, and training starts
    ///   from epoch 0;
    /// - otherwise the model is built from `config.seed`, trained with `Trainer` (resuming from
    ///   `<key>.partial.safetensors` when an earlier run was interrupted), and the test bounds are
    ///   estimated on the clean first `testCount` test examples with `estimateBound` (seed
    ///   `evaluationSeed(for:)`); the model is saved to `<key>.safetensors`, the result to
    ///   `<key>.json`, and the partial checkpoint is deleted.
    ///
    /// While training, the state at an epoch boundary is saved to the partial checkpoint when at
    /// least `checkpointInterval` seconds have passed since the last save, after the last epoch,
    /// and whenever `onEvent` answers `.stop` to an `.epochEnd` event. A resumed run gives the same
    /// numbers as an uninterrupted one (the trainer's epoch streams are seeded per epoch).
    ///
    /// Claim: with a cache, the cell is computed only while holding its `CellClaim` (`<key>.lock`),
    /// so it never runs in two places at once; when another process holds it, nothing is
    /// computed and `ExperimentError.busy` is thrown. A finished cell clears its sweep records.
    ///
    /// Interruption: when `onEvent` returns `.stop`, nothing is stored as a result and
    /// `ExperimentError.interrupted` is thrown (resumable when a partial checkpoint exists; the
    /// updates after its epoch boundary are discarded on resume).
    ///
    /// Also throws `ExperimentError` for a configuration that does not fit the data
    /// (`datasetMismatch`, `dataDigestMismatch`, `notEnoughData`, `shapeMismatch`, `invalidConfig`) and `.io` when the
    /// cache cannot be written. Without a cache nothing is saved and `checkpointFile` is nil.
    public static func run(_ config: ExperimentConfig, data: DataSplits, cache: ResultCache?,
                           checkpointInterval: Double = 60,
                           onEvent: (TrainingEvent) -> TrainingControl = { _ in .proceed },
                           onRejected: (CacheRejection) -> Void = { _ in }) throws -> ExperimentResult {
        let splits = try prepare(config, data: data)
        if let cache {
            switch cache.probe(config) {
            case .hit(let result): return result
            case .miss: break
            case let .unusable(path, reason):
                onRejected(CacheRejection(path: path, reason: reason, movedTo: cache.setAside(path)))
            }
        }
        // One process per cell: the claim is held until the result is stored (or we fail).
        var claim: CellClaim?
        defer { claim?.release() }
        if let cache {
            let lock = cache.lockPath(for: config)
            guard let c = try CellClaim.acquire(lock) else {
                throw ExperimentError.busy(key: config.key, holder: CellClaim.holder(of: lock)?.description ?? "another process")
            }
            claim = c
            if let hit = cache.lookup(config) { return hit }   // finished while we were getting here
        }
        let clock = ContinuousClock()
        let started = clock.now
        func elapsed() -> Double { (clock.now - started).inSeconds }

        if let cache, let derived = try deriveExtraBound(config, test: splits.test, cache: cache, elapsed: elapsed) {
            return derived
        }

        let model = VAEModel(config: config.model, seed: config.seed)
        let trainer = Trainer(model: model, config: config.trainConfig)
        let partial = cache?.partialCheckpointPath(for: config)
        var curve: [EpochRecord] = []
        var previousWall = 0.0
        if let cache, let partial {
            switch ExperimentCheckpoint.resume(trainer, config: config, from: partial) {
            case .absent: break
            case .resumed(let resumed):
                curve = resumed.curve
                previousWall = resumed.wallSeconds
            case .unusable(let reason):
                // Kept for inspection, not overwritten by this run's first save.
                onRejected(CacheRejection(path: partial, reason: reason, movedTo: cache.setAside(partial),
                                          kind: .partialCheckpoint))
            }
        }
        let stepsPerEpoch = config.trainConfig.stepsPerEpoch(examples: splits.train.count)
        var savedEpoch: Int? = partial != nil && trainer.epochsCompleted > 0 ? trainer.epochsCompleted : nil
        var lastSave = clock.now
        let report = trainer.run(train: splits.train, validation: splits.valid) { event in
            let control = onEvent(event)
            if case .epochEnd(let record) = event {
                if trainer.config.evaluates(epoch: record.epoch) { curve.append(record) }
                if let cache, let partial, control == .stop || trainer.epochsCompleted >= config.epochs
                    || (clock.now - lastSave).inSeconds >= checkpointInterval {
                    // Best effort: a failed save only loses resumability, never the run.
                    let wall = previousWall + elapsed()
                    if (try? ExperimentCheckpoint.save(trainer, config: config, curve: curve,
                                                       wallSeconds: wall, to: partial)) != nil {
                        savedEpoch = trainer.epochsCompleted
                        lastSave = clock.now
                        try? cache.storeProgress(CellProgress(config: config, epochsCompleted: trainer.epochsCompleted,
                                                              wallSeconds: wall, curve: curve))
                    }
                }
            }
            return control
        }
        if report.stoppedEarly {
            throw ExperimentError.interrupted(key: config.key, epochsCompleted: savedEpoch ?? report.epochsCompleted,
                                              resumable: savedEpoch != nil)
        }

        let seed = evaluationSeed(for: config)
        let testBound = estimateBound(model, on: splits.test, kind: config.testBoundKind, seed: seed)
        let extraBound = config.extraIWAE.map { estimateBound(model, on: splits.test, kind: .iwae($0), seed: seed) }
        let skipped = max(0, config.epochs * stepsPerEpoch - trainer.optimizer.step)
        var result = ExperimentResult(config: config, testBound: testBound, extraBound: extraBound, curve: curve,
                                      skippedSteps: skipped, checkpointFile: nil, wallSeconds: 0)
        if let cache {
            result.checkpointFile = cache.checkpointFileName(for: config)
            result.wallSeconds = previousWall + elapsed()
            let path = cache.checkpointPath(for: config)
            do {
                try ExperimentCheckpoint.save(trainer, config: config, curve: curve, wallSeconds: result.wallSeconds, to: path)
            } catch {
                throw ExperimentError.io(path: path, reason: "cannot save the trained model: \(error)")
            }
            result.checkpointPath = path
            try cache.store(result)
            cache.clearSweepRecords(config)
            if let partial { try? FileManager.default.removeItem(atPath: partial) }
            cache.removeProgress(of: config)
        } else {
            result.wallSeconds = previousWall + elapsed()
        }
        return result
    }

    /// The seed of the test-bound estimates of `config` (fixed per configuration, so a resumed or
    /// derived result equals a fresh one).
    public static func evaluationSeed(for config: ExperimentConfig) -> UInt64 {
        config.seed ^ 0x7E57_B0D5_0000_0001
    }

    /// Checks `config` against `data` as `run` does first, without training or touching a cache:
    /// throws the same `ExperimentError` (`datasetMismatch`, `dataDigestMismatch`, `notEnoughData`,
    /// `shapeMismatch`, `invalidConfig`). Used to plan a sweep, so a cell that cannot run fails
    /// at planning time rather than in a task.
    public static func check(_ config: ExperimentConfig, data: DataSplits) throws {
        _ = try prepare(config, data: data)
    }

    /// The splits a configuration trains, validates and tests on.
    struct Splits {
        var train: Dataset
        var valid: Dataset?
        var test: Dataset
    }

    /// Checks `config` against `data` and cuts the subsets it asks for.
    static func prepare(_ config: ExperimentConfig, data: DataSplits) throws -> Splits {
        func invalid(_ reason: String) -> ExperimentError { .invalidConfig(reason: reason) }
        guard config.K >= 1 else { throw invalid("K = \(config.K); need K ≥ 1") }
        guard config.M >= 1 else { throw invalid("M = \(config.M); need M ≥ 1") }
        guard config.epochs >= 0 else { throw invalid("epochs = \(config.epochs); need epochs ≥ 0") }
        guard config.batchSize >= 1 else { throw invalid("batch size \(config.batchSize); need ≥ 1") }
        if let problem = (config.trainKL ?? .monteCarlo).problem(with: config.objective) { throw invalid(problem) }
        if let every = config.curveEvery, every < 1 { throw invalid("curve every \(every) epochs; need ≥ 1") }
        guard config.learningRate.isFinite, config.learningRate > 0 else {
            throw invalid("learning rate \(config.learningRate); need a finite positive rate")
        }
        if let clip = config.clipNorm, !(clip.isFinite && clip > 0) { throw invalid("clip norm \(clip); need a finite positive norm") }
        if let k = config.extraIWAE, k < 1 { throw invalid("extra IWAE-\(k); need k ≥ 1") }
        do { try config.corruption.validate() } catch { throw invalid("\(error)") }
        for (name, count) in [("train", config.trainCount), ("valid", config.validCount), ("test", config.testCount)] {
            if let n = count, n < 0 { throw invalid("\(name) count \(n); need ≥ 0") }
        }

        guard data.name == config.dataset else { throw ExperimentError.datasetMismatch(expected: config.dataset, found: data.name) }
        if let expected = config.dataDigest {
            let found = ExperimentConfig.dataDigest(of: data, validCount: config.validCount)
            guard found == expected else {
                throw ExperimentError.dataDigestMismatch(dataset: data.name, expected: expected, found: found)
            }
        }
        let m = config.model
        guard data.train.dimension == m.inputSize else {
            throw ExperimentError.shapeMismatch(reason: "the data has \(data.train.dimension) pixels, the model expects \(m.inputSize)")
        }
        if m.encoder == .gru, data.train.height != m.height || data.train.width != m.width {
            throw ExperimentError.shapeMismatch(reason: "the GRU encoder reads \(m.height)×\(m.width) images, the data is \(data.train.height)×\(data.train.width)")
        }
        func subset(_ d: Dataset, _ name: String, _ n: Int?) throws -> Dataset {
            guard let n else { return d }
            guard n <= d.count else { throw ExperimentError.notEnoughData(split: name, requested: n, available: d.count) }
            return n == d.count ? d : d.sample(n)  // seeded random subset: some splits are sorted by class
        }
        let train = try subset(data.train, "train", config.trainCount)
        guard train.count > 0 || config.epochs == 0 else { throw ExperimentError.notEnoughData(split: "train", requested: 1, available: 0) }
        if config.batchOrder == .fixed, train.count < config.batchSize, config.epochs > 0 {
            // Fixed batches use full minibatches only: fewer examples than one batch train nothing.
            throw ExperimentError.notEnoughData(split: "train", requested: config.batchSize, available: train.count)
        }
        let test = try subset(data.test, "test", config.testCount)
        guard test.count > 0 else { throw ExperimentError.notEnoughData(split: "test", requested: 1, available: 0) }
        let valid: Dataset? = config.curveOnTest == true ? test
            : (config.validCount == 0 ? nil : try subset(data.valid, "valid", config.validCount))
        return Splits(train: train, valid: valid?.count == 0 ? nil : valid, test: test)
    }

    /// When `config` asks for an extra IWAE-k bound and the same cell without it is cached with
    /// its model: loads that model, computes only the extra bound, and stores the result under
    /// `config`'s key (with a copy of the checkpoint). Nil when there is nothing to reuse.
    static func deriveExtraBound(_ config: ExperimentConfig, test: Dataset, cache: ResultCache,
                                 elapsed: () -> Double) throws -> ExperimentResult? {
        guard let k = config.extraIWAE else { return nil }
        var base = config
        base.extraIWAE = nil
        guard let baseResult = cache.lookup(base), let baseCheckpoint = baseResult.checkpointPath,
              let model = try? cache.loadModel(for: baseResult),
              let bytes = FileManager.default.contents(atPath: baseCheckpoint) else { return nil }
        let extra = estimateBound(model, on: test, kind: .iwae(k), seed: evaluationSeed(for: config))
        let path = cache.checkpointPath(for: config)
        do {
            try writeFileAtomically([UInt8](bytes), to: path)
        } catch {
            throw ExperimentError.io(path: path, reason: "cannot copy the trained model: \(error)")
        }
        var result = ExperimentResult(config: config, testBound: baseResult.testBound, extraBound: extra,
                                      curve: baseResult.curve, skippedSteps: baseResult.skippedSteps,
                                      checkpointFile: cache.checkpointFileName(for: config),
                                      wallSeconds: baseResult.wallSeconds + elapsed())
        result.checkpointPath = path
        try cache.store(result)
        cache.clearSweepRecords(config)
        return result
    }
}
