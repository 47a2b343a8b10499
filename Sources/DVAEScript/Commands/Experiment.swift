import DVAE
import DVAEExperiments
import Foundation

/// `experiment`: one table cell: train a fresh model and measure its clean test bound, cached by configuration.
enum ExperimentCommand: Command {
    static let spec = CommandSpec(
        name: "experiment", positional: [],
        keywords: [
            Keyword(name: "on", slots: [.expr("DATA")], summary: "the dataset's splits, as `load` gives them"),
            Keyword(name: "objective", slots: [.expr("OBJ")],
                    summary: "\(ObjectiveKind.namesInProse), a word or a string (default: vae, or dvae with noise)"),
            Keyword(name: "noise", slots: [.noise], summary: "training corruption: \(NoiseKind.usage)"),
            Keyword(name: "K", slots: [.expr("N")], summary: "latent samples per corruption; also the k of IWAE-K (default 1)"),
            Keyword(name: "M", slots: [.expr("N")], summary: "corruptions per example (default 1)"),
            Keyword(name: "hidden", slots: [.expr("LIST")], summary: "hidden layer sizes of encoder and decoder (default [200])"),
            Keyword(name: "decoder_hidden", slots: [.expr("LIST")], summary: "decoder hidden sizes when they differ"),
            Keyword(name: "latent", slots: [.expr("N")], summary: "latent units (default 50)"),
            .encoder,
            Keyword(name: "decoder", slots: [.expr("DEC")],
                    summary: DecoderKind.allCases.map(\.rawValue).joined(separator: "|") + ", a word or a string (default: from the data)"),
            Keyword(name: "epochs", slots: [.expr("N")], summary: "training epochs (default 10)"),
            Keyword(name: "batch", slots: [.expr("N")], summary: "minibatch size (default 100)"),
            Keyword(name: "seed", slots: [.expr("S")], summary: "weights, training and evaluation seed (default 1; part of the key)"),
            Keyword(name: "train_size", slots: [.expr("N")], summary: "train on N training examples, a fixed random subset (default: all)"),
            Keyword(name: "valid_size", slots: [.expr("N")],
                    summary: "validation ELBO on N validation examples after each epoch (default 0: none)"),
            Keyword(name: "curve_on", slots: [.word("SPLIT", ["valid", "test"])],
                    summary: "the per-epoch curve scores valid (default) or the clean test examples"),
            Keyword(name: "curve_every", slots: [.expr("N")],
                    summary: "keep (and score) the curve every N epochs and at the last (default 1)"),
            Keyword(name: "curve_train", slots: [],
                    summary: "the curve also scores the clean training examples (the bound on the data the model fits)"),
            Keyword(name: "test_size", slots: [.expr("N")], summary: "test bound on N test examples, a fixed random subset (default: all)"),
            Keyword(name: "cache", slots: [.expr("DIR")], summary: "reuse a finished cell from DIR, else store it there (\"\": no cache)"),
            Keyword(name: "iwae_extra", slots: [.expr("K")], summary: "also the IWAE-K bound on the test data (5000 in the paper; 0: off)"),
            Keyword(name: "cached_only", slots: [],
                    summary: "never compute this cell here: read it from the cache when finished, else pending with its progress "
                        + "(a notebook that looks at another notebook's long run)"),
            Keyword(name: "analytic", slots: [], summary: "test ELBO with the KL term in closed form (the authors' test cost)"),
            Keyword(name: "protocol", slots: [.expr("PROTOCOL")],
                    summary: "engine (default) or authors: optimizer authors_adam, clip 5, nonfinite shrink, schedule authors, init glorot, encoder_sigma exp, kl analytic, batches fixed, analytic (each overridable)"),
        ] + CommandSpec.recipeKeywords(.basic) + CommandSpec.protocolKeywords + CommandSpec.initKeywords,
        returnsValue: true,
        summary: "one table cell: train a fresh model and measure its clean test bound, cached by configuration",
        usage: "experiment on DATA [objective OBJ] [noise KIND LEVEL] [K N] [M N] [hidden LIST] [latent N] [encoder \(EncoderKind.allCases.map(\.rawValue).joined(separator: "|"))] "
            + "[epochs N] [batch N] [lr X] [seed S] [train_size N] [valid_size N] [test_size N] [cache DIR] [iwae_extra K]",
        details: [
            "The bound: the trained objective's on clean test data (ELBO; IWAE-K for iwae/diwae). `cache DIR` reuses cells.",
        ],
        example: "let mnist = load \"binarized_mnist\"\n"
            + "let r = experiment on mnist objective dvae noise salt_pepper 0.05 epochs 150 lr 3e-3 train_size 1000 seed 1 cache \"results/t1\"\n"
            + "print r, -r.bound    # …: ELBO -139.77 ± 0.45 (10000 test examples), 3.9 s — or (cached); 139.77")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.experiment(a) }
}

/// `experiment on DATA …`: one table cell — a fresh model trained from a configuration and its
/// clean test bound — computed by `ExperimentRunner`, reusing and filling a result cache.
extension Interpreter {
    /// Builds an `ExperimentConfig` from the arguments, runs (or reuses) the cell, and returns its result.
    func experiment(_ a: CommandArguments) throws -> Value {
        let data = try experimentData(a)

        // The architecture, as `model for DATA` builds it.
        var model = ModelConfig(for: data.train)
        try applyArchitecture(a, to: &model)

        // `protocol authors`: every option of the authors' training code at once
        // (`TrainingRecipe.authors`, and the closed-form test ELBO); an option also given
        // explicitly wins. Their closed-form KL falls back to Monte Carlo for an
        // importance-weighted objective (no closed form: an extrapolation of theirs).
        let authors = try a.choice("protocol", from: ["engine", "authors"])?.0 == "authors"
        // The recipe, checked as `train` checks it; its initialisation and encoder σ shape the
        // cell's fresh model.
        var recipe = try trainingRecipe(a, objective: try objectiveArgument(a), base: authors ? .authors : .engine,
                                        continuing: false)
        if !recipe.objective.usesCorruption {   // ignored settings are written as 1 and none (the key's convention)
            recipe.M = 1
            recipe.corruption = .none
        }
        let analytic = a.has("analytic") || authors
        let epochs = try a.int("epochs", default: 10, minimum: 1)
        let curveEvery = a.has("curve_every") ? try a.int("curve_every", default: 1, minimum: 1) : nil
        // The seed is part of the cell's cache key, so it is never derived from the global seed.
        let seed = UInt64(try a.int("seed", default: 1, minimum: 0, maximum: CommandArguments.maximumSeed))
        let extra = try iwaeExtra(a)
        let (trainCount, validCount, testCount) = try subsetSizes(a, data)
        try checkCellFits(model, recipe, trainCount: trainCount, a)
        let cache = try cacheArgument(a)

        let config = ExperimentConfig(
            dataset: data.name, dataDigest: ExperimentConfig.dataDigest(of: data, validCount: validCount),
            trainCount: trainCount, validCount: validCount, testCount: testCount, model: model, recipe: recipe,
            epochs: epochs, seed: seed, extraIWAE: extra, analyticKL: analytic ? true : nil,
            curveOnTest: a.word("curve_on")?.0 == "test" ? true : nil,
            curveEvery: curveEvery.flatMap { $0 == 1 ? nil : $0 },
            curveOnTrain: a.has("curve_train") ? true : nil)
        return try cell(config, data: data, cache: cache, a)
    }

    /// `on DATA`: the splits `load` gives (a single dataset is refused with a hint).
    private func experimentData(_ a: CommandArguments) throws -> DataSplits {
        guard let (dataValue, dataAt) = try a.value("on") else {
            throw LocatedError("`experiment` needs data", at: a.call.location,
                               suggestion: "write: experiment on DATA …, with DATA = load \"binarized_mnist\"")
        }
        switch dataValue {
        case .splits(let s): return s
        case .dataset(let d):
            throw LocatedError("`experiment` needs the train/valid/test splits that `load` gives, got the dataset `\(d.name)`",
                               at: dataAt, suggestion: "pass the whole splits (e.g. `mnist`, not `mnist.train`); "
                                   + "choose subsets with train_size / valid_size / test_size")
        default:
            throw LocatedError("`experiment` needs dataset splits (from `load`), got \(dataValue.typeWithArticle)", at: dataAt)
        }
    }

    /// `iwae_extra K`: the extra IWAE-K test column (nil when absent or 0, so a notebook can pass
    /// a variable to turn it off).
    private func iwaeExtra(_ a: CommandArguments) throws -> Int? {
        guard a.has("iwae_extra") else { return nil }
        let k = try a.int("iwae_extra", default: 1, minimum: 0)
        guard k <= 100_000 else {
            throw LocatedError("`iwae_extra` \(k) samples is too many (at most 100000)", at: a.location(of: "iwae_extra"))
        }
        return k == 0 ? nil : k
    }

    /// `train_size`, `valid_size`, `test_size`: always explicit counts, so the key says exactly which
    /// examples were used (even when the splits were already cut by `load … subset N`).
    private func subsetSizes(_ a: CommandArguments, _ data: DataSplits) throws -> (train: Int, valid: Int, test: Int) {
        func size(_ name: String, _ split: Dataset, default d: Int, minimum: Int) throws -> Int {
            let n = try a.int(name, default: d, minimum: minimum)
            guard n <= split.count else {
                throw LocatedError("`\(name)` \(n) is more than the \(split.count) examples of `\(data.name)`'s "
                                   + "\(name.dropLast(5)) split", at: a.location(of: name),
                                   suggestion: "use at most \(split.count)")
            }
            return n
        }
        return (try size("train_size", data.train, default: data.train.count, minimum: 1),
                try size("valid_size", data.valid, default: 0, minimum: 0),
                try size("test_size", data.test, default: data.test.count, minimum: 1))
    }

    /// The cell can run: its step's samples within budget, a full minibatch for `batches fixed`,
    /// and the model and one step's activations within memory — measured before it is built.
    private func checkCellFits(_ model: ModelConfig, _ recipe: TrainingRecipe, trainCount: Int, _ a: CommandArguments) throws {
        let (kind, K, M, batch) = (recipe.objective, recipe.K, recipe.M, recipe.batchSize)
        try a.checkSampleBudget(ObjectiveConfig(kind: kind, K: K, M: M), batch: min(batch, trainCount))
        if recipe.batchOrder == .fixed, trainCount < batch {
            throw LocatedError("`batches fixed` uses full minibatches only, and \(trainCount) training examples fill none of \(batch)",
                               at: a.location(of: a.has("batches") ? "batches" : "train_size"),
                               suggestion: "lower `batch`, raise `train_size`, or write batches shuffled")
        }
        try checkModelSize(model, at: a.call.location)
        let rows = ObjectiveConfig(kind: kind, K: K, M: M).samplesPerStep(batch: min(batch, trainCount))
        try checkBudget(model.activationBytes(rows: rows),
                        for: "one training step with K × M × batch = \(Interpreter.grouped(rows)) samples",
                        at: a.location(of: a.has("K") ? "K" : a.has("M") ? "M" : "batch"), fix: "lower K, M or batch")
    }

    /// `cache DIR`: the result cache (nil when absent or "", which means: compute, store nothing).
    private func cacheArgument(_ a: CommandArguments) throws -> ResultCache? {
        guard let (v, at) = try a.value("cache") else { return nil }
        guard case .string(let dir) = v else {
            throw LocatedError("`cache` needs a directory name as a string, got \(v.typeWithArticle)", at: at,
                               suggestion: "for example: cache \"results/table1\"")
        }
        guard !dir.isEmpty else { return nil }
        do {
            return try ResultCache(directory: dir)
        } catch {
            throw LocatedError("cannot use the cache directory: \(error)", at: at)
        }
    }

    /// The cell's value under the interpreter's `CellMode` (`CellPolicy`, which also enters it in
    /// the `cells` ledger): a cached result, a freshly computed one, or a pending one (recorded for
    /// a sweep, owned by another task, running elsewhere, failed or queued in a sweep).
    private func cell(_ config: ExperimentConfig, data: DataSplits, cache: ResultCache?,
                      _ a: CommandArguments) throws -> Value {
        // `cached_only`: this cell is only read here (another notebook's run computes it).
        let readOnly = a.has("cached_only")
        if readOnly, cache == nil {
            throw LocatedError("`cached_only` needs a cache to read the cell from", at: a.call.location,
                               suggestion: "add `cache DIR`, the directory the run stores its cells in")
        }
        do {
            let resolution = try CellPolicy.resolve(
                config, data: data, cache: cache, mode: readOnly ? .cachedOnly : options.cellMode, ledger: cells,
                location: "\(currentFile):\(a.call.location.line)",
                failureMessage: { ($0 as? LocatedError)?.message ?? "\($0)" },
                compute: { try runExperiment(config, data: data, cache: cache, a) })
            switch resolution {
            case .finished(let result): return .experiment(ExperimentValue(result: result))
            case let .pending(config, progress): return .experiment(ExperimentValue(pending: config, progress: progress))
            }
        } catch let error as ExperimentError {
            // A cell that does not fit its data (a computed cell's errors are located already).
            throw experimentError(error, config: config, cache: cache, a)
        }
    }

    /// `objective vae|iwae|dvae|diwae`: a bare word, or any expression giving one as a string
    /// (so a notebook can loop over rows: `objective row[1]`).
    private func objectiveArgument(_ a: CommandArguments) throws -> (String, SourceLocation)? {
        guard let e = a.expr("objective") else { return nil }
        if case .variable(let word) = e.kind, a.env.lookup(word) == nil {
            return (word, e.location)
        }
        let v = try evaluate(e, in: a.env)
        guard case .string(let s) = v else {
            throw LocatedError("`objective` needs \(ObjectiveKind.namesInProse), got \(v.typeWithArticle)", at: e.location)
        }
        return (s, e.location)
    }

    /// Runs one cell with a live progress line; Ctrl-C stops it with an error (resumable when the
    /// cache kept a partial checkpoint).
    private func runExperiment(_ config: ExperimentConfig, data: DataSplits, cache: ResultCache?,
                               _ a: CommandArguments) throws -> ExperimentResult {
        let label = Interpreter.shortLabel(config)
        var progress = TrainingProgressLine(prefix: label + "  ", batch: config.batchSize, lastEpoch: config.epochs)
        // Ctrl-C near the end of an epoch lets the epoch finish, so the runner saves a resumable
        // partial checkpoint at its boundary; otherwise training stops at once.
        var stopAtEpochEnd = false
        defer { sink.progressDone() }
        do {
            return try ExperimentRunner.run(config, data: data, cache: cache) { event in
                switch event {
                case let .step(epoch, step, perEpoch, examplesPerSecond, running):
                    if self.interrupt.isSet && !stopAtEpochEnd {
                        let left = Double(perEpoch - step) * Double(config.batchSize) / max(examplesPerSecond, 1)
                        if left > 5 { return .stop }
                        stopAtEpochEnd = true
                        self.sink.progress("\(label)  interrupted: finishing epoch \(epoch) to keep a resumable checkpoint…")
                    }
                    if stopAtEpochEnd { return .proceed }
                    if let line = progress.line(epoch: epoch, step: step, stepsPerEpoch: perEpoch,
                                                examplesPerSecond: examplesPerSecond, runningBound: running) {
                        self.sink.progress(line)
                    }
                case .epochEnd(let record):
                    if stopAtEpochEnd || self.interrupt.isSet { return .stop }
                    if record.epoch >= config.epochs {
                        let extra = config.extraIWAE.map { " and IWAE-\($0)" } ?? ""
                        self.sink.progress("\(label)  test bound (\(Interpreter.boundLabel(config.testBoundKind))\(extra)) "
                                           + "on \(config.testCount ?? data.test.count) examples…")
                    }
                }
                return .proceed
            } onRejected: { rejection in
                // Nothing is lost silently: say which file was set aside and why.
                self.sink.progressDone()
                self.say("\(rejection)")
            }
        } catch let error as ExperimentError {
            if case .busy = error { throw error }
            throw experimentError(error, config: config, cache: cache, a)
        }
    }

    /// An engine error as a located error pointing at the argument at fault.
    private func experimentError(_ error: ExperimentError, config: ExperimentConfig, cache: ResultCache?,
                                 _ a: CommandArguments) -> LocatedError {
        switch error {
        case let .interrupted(_, epochs, resumable):
            interrupt.reset()
            let how = resumable && cache != nil
                ? "; a partial checkpoint after epoch \(epochs) was kept in \(cache!.directory): run it again to resume"
                : "; nothing was stored"
            return LocatedError("experiment interrupted (\(Interpreter.shortLabel(config)))" + how, at: a.call.location)
        case .busy:
            return LocatedError(error.description, at: a.call.location)
        case .datasetMismatch, .dataDigestMismatch, .shapeMismatch:
            return LocatedError(error.description, at: a.location(of: "on"))
        case let .notEnoughData(split, _, _):
            return LocatedError(error.description, at: a.location(of: "\(split)_size"))
        case .invalidConfig:
            return LocatedError(error.description, at: a.call.location)
        case .io:
            return LocatedError(error.description, at: a.location(of: "cache"))
        }
    }

    /// E.g. `dvae K5 salt_pepper 0.05 [200 200] seed 2`, for progress lines.
    static func shortLabel(_ c: ExperimentConfig) -> String {
        var s = "\(c.objective.rawValue) K\(c.K)"
        if c.M != 1 { s += " M\(c.M)" }
        if c.objective.usesCorruption { s += " \(noiseText(c.corruption))" }
        s += " \(c.model.encoder == .gru ? "gru" : "mlp")[\(c.model.encoderHidden.map(String.init).joined(separator: " "))]"
        return s + " seed \(c.seed)"
    }

    /// `none` or e.g. `salt_pepper 0.05` (levels as the language prints numbers).
    static func noiseText(_ c: Corruption) -> String {
        if case .none = c { return "none" }
        return "\(c.name) \(formatNumber(Double(c.level)))"
    }

    /// `ELBO` or `IWAE-k`, as bounds are labelled elsewhere in the language.
    static func boundLabel(_ k: BoundKind) -> String {
        switch k {
        case .elbo: return "ELBO"
        case .elboAnalytic: return "ELBO (analytic KL)"
        case .iwae(let n): return "IWAE-\(n)"
        }
    }
}

/// What `experiment` gives: one finished table cell (freshly computed or read from the cache).
struct ExperimentValue: CustomStringConvertible {
    /// The engine's result (for a pending cell: its configuration with NaN bounds).
    var result: ExperimentResult
    /// True when the cell is not finished (planned for a sweep, or computed elsewhere and not
    /// there yet): its numbers are NaN.
    var pending = false

    /// Epochs trained: all of them for a finished cell, those of the last saved progress for a
    /// pending one.
    var epochsDone: Int

    /// A finished cell.
    init(result: ExperimentResult) {
        self.result = result
        epochsDone = result.config.epochs
    }

    /// A cell whose result is not there yet: NaN bounds, nothing saved, and the curve so far when
    /// an unfinished run left its `progress` (a long cell resumed across sessions).
    init(pending config: ExperimentConfig, progress: CellProgress? = nil) {
        func missing(_ kind: BoundKind) -> BoundEstimate { BoundEstimate(kind: kind, mean: .nan, standardError: .nan, count: 0) }
        result = ExperimentResult(config: config, testBound: missing(config.testBoundKind),
                                  extraBound: config.extraIWAE.map { missing(.iwae($0)) }, curve: progress?.curve ?? [],
                                  skippedSteps: 0, checkpointFile: nil, wallSeconds: progress?.wallSeconds ?? 0)
        pending = true
        epochsDone = progress?.epochsCompleted ?? 0
    }

    /// The test bound of the trained objective on clean test data (ELBO or IWAE-K).
    var bound: BoundValue { ExperimentValue.bound(result.testBound) }

    /// The extra IWAE-k bound, when the cell asked for one.
    var extra: BoundValue? { result.extraBound.map(ExperimentValue.bound) }

    static func bound(_ e: BoundEstimate) -> BoundValue {
        BoundValue(value: e.mean, se: e.standardError, count: e.count, label: Interpreter.boundLabel(e.kind))
    }

    /// The learning curve.
    var curve: CurveValue {
        CurveValue(title: "\(Interpreter.shortLabel(result.config)) on \(result.config.dataset)",
                   points: result.curve.map { CurvePoint(epoch: $0.epoch, train: $0.trainBound, valid: $0.validBound,
                                                         clean: $0.cleanTrainBound) },
                   heldOut: result.config.curveOnTest == true ? "clean test ELBO" : "validation ELBO")
    }

    /// One line: the cell, its bounds, the wall time, and `(cached)` when read from the cache, e.g.
    /// `dvae K1 salt_pepper 0.05 mlp[200] seed 1: ELBO -120.31 ± 0.52 (1000 test examples), 12.3 s`.
    var description: String {
        if pending {
            let done = epochsDone > 0 ? "\(epochsDone) of \(result.config.epochs) epochs so far" : "not computed yet"
            return "\(Interpreter.shortLabel(result.config)): pending (\(done))"
        }
        var s = "\(Interpreter.shortLabel(result.config)): \(bound.label) \(bound.cell)"
        if let x = extra { s += ", \(x.label) \(x.cell)" }
        s += " (\(bound.count) test examples), \(formatFixed(result.wallSeconds, 1)) s"
        if result.skippedSteps > 0 { s += ", \(result.skippedSteps) non-finite steps skipped" }
        return s + (result.cached ? " (cached)" : "")
    }
}

extension ExperimentValue: HasMembers {
    /// `r.bound` ….
    static let members: [Member<ExperimentValue>] = [
        Member("bound", "the test bound of the trained objective") { .bound($0.bound) },
        Member("extra", "the extra IWAE-k bound, if asked for") { $0.extra.map { .bound($0) } ?? .nothing },
        Member("cached", "true when read from the cache") { .bool($0.result.cached) },
        Member("pending", "true when the cell is not finished yet (a sweep computes it; bounds are nan)") { .bool($0.pending) },
        Member("seconds", "wall-clock seconds of the computation") { .number($0.result.wallSeconds) },
        Member("curve", "the learning curve") { .curve($0.curve) },
        Member("key", "the cache key") { .string($0.result.key) },
        Member("seed", "the cell's seed") { .number(Double($0.result.config.seed)) },
        Member("level", "the training noise level") { .number(Double($0.result.config.corruption.level)) },
        Member("noise", "the training noise") { .string(Interpreter.noiseText($0.result.config.corruption)) },
        Member("objective", "the training objective") { .string($0.result.config.objective.rawValue) },
        Member("K", "latent samples per corruption") { .number(Double($0.result.config.K)) },
        Member("epochs", "epochs trained (so far, for a pending cell)") { .number(Double($0.epochsDone)) },
        Member("planned_epochs", "epochs the cell trains in all") { .number(Double($0.result.config.epochs)) },
        Member("skipped", "steps skipped as non-finite") { .number(Double($0.result.skippedSteps)) },
        Member("checkpoint", "the trained model's checkpoint, if kept") { $0.result.checkpointPath.map { .string($0) } ?? .nothing },
        Member("machine", "the machine it ran on") { .string($0.result.machine.description) },
        Member("config", "the whole configuration") { .string($0.result.config.description) },
    ]
}
