import DVAE
import Foundation

/// `train`: train a model; returns a report with the learning curve.
enum TrainCommand: Command {
    static let spec = CommandSpec(
        name: "train", positional: ["M"],
        keywords: [
            Keyword(name: "on", slots: [.expr("DATA")], summary: "training data"),
            Keyword(name: "objective", slots: [.word("OBJ", ObjectiveKind.names)],
                    summary: "\(ObjectiveKind.namesInProse) (default: vae, or dvae when noise is given)"),
            Keyword(name: "noise", slots: [.noise], summary: "corruption seen by the encoder: \(NoiseKind.usage)"),
            Keyword(name: "K", slots: [.expr("N")], summary: "latent samples per corruption (default 1)"),
            Keyword(name: "M", slots: [.expr("N")], summary: "corruptions per example (default 1)"),
            Keyword(name: "epochs", slots: [.expr("N")], summary: "passes over the data (default 10)"),
            Keyword(name: "batch", slots: [.expr("N")], summary: "minibatch size (default 100)"),
            Keyword(name: "seed", slots: [.expr("S")], summary: "seed for shuffling and sampling (default: the global seed)"),
            Keyword(name: "validate", slots: [.expr("DATA")], summary: "report the bound on DATA after each epoch"),
        ] + CommandSpec.recipeKeywords(.basic) + CommandSpec.protocolKeywords,
        returnsValue: true,
        summary: "train a model; returns a report with the learning curve",
        usage: "train M on DATA [objective \(ObjectiveKind.names.joined(separator: "|"))] [noise KIND LEVEL] [K N] [M N] [epochs N] "
            + "[batch N] [lr X] [seed S] [clip X] [validate DATA]",
        details: ["Ctrl-C stops training cleanly; the model keeps what it learned."],
        example: "let r = train m on mnist.train objective dvae noise salt_pepper 0.05 epochs 5 validate mnist.valid\nshow r")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.train(a) }
}

/// `train M on DATA …`: minibatch training with live progress and clean Ctrl-C.
extension Interpreter {
    /// The most epochs one `train` or `experiment` accepts.
    static let maximumEpochs = 1_000_000

    /// Trains in place and returns a report with the learning curve.
    func train(_ a: CommandArguments) throws -> Value {
        let (handle, _) = try a.model(0)
        guard let (data, dataAt) = try a.dataset(keyword: "on") else {
            throw LocatedError("`train` needs training data", at: a.call.location,
                               suggestion: "write: train M on DATA, e.g. train m on mnist.train epochs 5")
        }
        try CommandArguments.checkShape(data, fits: handle.model, at: dataAt)
        let validation = try a.dataset(keyword: "validate")
        if let (v, at) = validation { try CommandArguments.checkShape(v, fits: handle.model, at: at) }

        var recipe = try trainingRecipe(a, objective: a.word("objective"), base: handle.training?.recipe ?? .engine,
                                        continuing: handle.training != nil)
        // The weights exist already: the recipe records how they were drawn.
        recipe.initialisation = handle.model.config.initialisation
        recipe.encoderSigma = handle.model.config.encoderSigma
        let batch = recipe.batchSize
        let epochs = try a.int("epochs", default: 10, minimum: 0, maximum: Interpreter.maximumEpochs)
        // Without its own `seed`, a model trained before continues with the seed of that run.
        let seed = try handle.training.map { a.has("seed") ? try a.seed() : $0.seed } ?? a.seed()
        let objective = recipe.objectiveConfig
        try a.checkSampleBudget(objective, batch: min(batch, data.count))
        let rows = objective.samplesPerStep(batch: min(batch, data.count))
        let argument = a.has("K") ? "K" : a.has("M") ? "M" : "batch"
        try checkBudget(handle.model.config.activationBytes(rows: rows),
                        for: "one training step with K × M × batch = \(Interpreter.grouped(rows)) samples",
                        at: a.location(of: argument), fix: "lower K, M or batch")
        if handle.optimizer == nil {
            try checkBudget(handle.model.config.trainingStateBytes, for: "this model's parameters, gradients and Adam state",
                            at: a.call.location, fix: "train a smaller model")
        }
        let start = handle.epochsTrained
        let config = recipe.trainConfig(epochs: start + epochs, seed: seed, validateEveryEpoch: validation != nil)
        let trainer = Trainer(model: handle.model, config: config, optimizer: handle.optimizer, epochsCompleted: start)
        let stepsPerEpoch = config.stepsPerEpoch(examples: data.count)
        guard stepsPerEpoch > 0 || epochs == 0 else {
            throw LocatedError("`batches fixed` uses full minibatches only, and \(data.count) examples fill none of \(batch)",
                               at: a.location(of: "batches"), suggestion: "lower `batch`, or use batches shuffled")
        }
        let clock = ContinuousClock()
        let began = clock.now
        var progress = TrainingProgressLine(batch: batch, lastEpoch: start + epochs, epochOffset: start)
        var interruptedAt: (epoch: Int, step: Int)?
        let label = "\(recipe.objective.rawValue)" + (objective.effectiveCorruption.isIdentity ? "" : " \(objective.corruption)")

        let report = trainer.run(train: data, validation: validation?.0) { event in
            switch event {
            case let .step(epoch, step, perEpoch, examplesPerSecond, running):
                if self.interrupt.isSet {
                    interruptedAt = (epoch, step)
                    return .stop
                }
                if let line = progress.line(epoch: epoch, step: step, stepsPerEpoch: perEpoch,
                                            examplesPerSecond: examplesPerSecond, runningBound: running) {
                    self.sink.progress(line)
                }
            case .epochEnd(let record):
                self.sink.progressDone()
                var line = "epoch \(record.epoch - start)/\(epochs)  \(label)  train \(formatFixed(record.trainBound, 2))"
                if let v = record.validBound { line += "  valid \(formatFixed(v, 2))" }
                line += "  (\(formatFixed(record.seconds, 1)) s)"
                self.say(line)
            }
            return .proceed
        }
        handle.optimizer = trainer.optimizer
        handle.epochsTrained = trainer.epochsCompleted
        handle.training = (recipe, seed)
        handle.trainedWith = label
        if let (e, s) = interruptedAt {
            sink.progressDone()
            interrupt.reset()
            say("training interrupted at epoch \(e - start) step \(s)/\(stepsPerEpoch); model keeps what it learned")
        }
        let seconds = (clock.now - began).inSeconds
        let points = report.curve.map { CurvePoint(epoch: $0.epoch, train: $0.trainBound, valid: $0.validBound) }
        return .report(TrainingReportValue(epochs: report.curve.count, steps: report.steps, skipped: report.skippedSteps,
                                           interrupted: interruptedAt != nil, seconds: seconds,
                                           curve: CurveValue(title: "\(label) on \(data.name)", points: points)))
    }

    /// 12345 → "12,345".
    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Seconds as `m:ss` or `h:mm:ss`.
    static func clockTime(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
