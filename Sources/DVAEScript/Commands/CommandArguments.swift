import DVAE

/// A command's arguments, evaluated on demand, with typed accessors that raise errors located at
/// the offending argument (or at the command name when a required one is missing).
struct CommandArguments {
    /// The parsed call.
    let call: CommandCall
    /// The command's declaration.
    let spec: CommandSpec
    /// The interpreter (for evaluation and seeds).
    unowned let interpreter: Interpreter
    /// The scope the arguments are evaluated in.
    let env: Environment

    /// The keyword argument `name`, if given.
    func keyword(_ name: String) -> KeywordArgument? { call.keywords.first { $0.name == name } }

    /// True when the flag or keyword `name` was given.
    func has(_ name: String) -> Bool { keyword(name) != nil }

    /// Where keyword `name` is (or the command name).
    func location(of name: String) -> SourceLocation { keyword(name)?.location ?? call.location }

    /// The first expression value of keyword `name`.
    func expr(_ name: String) -> Expr? {
        guard let k = keyword(name) else { return nil }
        for v in k.values { if case .expr(let e) = v { return e } }
        return nil
    }

    /// Evaluates positional argument `i` (nil when absent).
    func positional(_ i: Int) throws -> (Value, SourceLocation)? {
        guard i < call.positional.count else { return nil }
        let e = call.positional[i]
        return (try interpreter.evaluate(e, in: env), e.location)
    }

    /// Positional argument `i`, which must be present; `what` describes it for the message.
    func required(_ i: Int, _ what: String) throws -> (Value, SourceLocation) {
        if let v = try positional(i) { return v }
        throw LocatedError("`\(call.name)` needs \(what)", at: call.location,
                           suggestion: "usage: \(spec.usage.split(separator: "\n")[0]); see `help \(call.name)`")
    }

    /// Evaluates keyword `name`'s value (nil when absent).
    func value(_ name: String) throws -> (Value, SourceLocation)? {
        guard let e = expr(name) else { return nil }
        return (try interpreter.evaluate(e, in: env), e.location)
    }

    /// The bare word given to keyword `name` (such as the decoder kind).
    func word(_ name: String) -> (String, SourceLocation)? {
        guard let k = keyword(name) else { return nil }
        for v in k.values { if case .word(let w, let l) = v { return (w, l) } }
        return nil
    }

    /// Keyword `name` as a number.
    func number(_ name: String) throws -> (Double, SourceLocation)? {
        guard let (v, at) = try value(name) else { return nil }
        guard let x = v.numeric else {
            throw LocatedError("`\(name)` must be a number, got \(v.typeWithArticle)", at: at)
        }
        guard x.isFinite else { throw LocatedError("`\(name)` must be finite, got \(formatNumber(x))", at: at) }
        return (x, at)
    }

    /// The largest count any argument accepts unless it says otherwise (epochs, batch, K, M,
    /// sizes, samples): far beyond any real use, and small enough that products of two counts
    /// are checked rather than trapping.
    static let maximumCount = 1_000_000_000

    /// Keyword `name` as a whole number in `minimum...maximum`, or `defaultValue` when absent.
    func int(_ name: String, default defaultValue: Int, minimum: Int, maximum: Int = CommandArguments.maximumCount) throws -> Int {
        guard let (v, at) = try value(name) else { return defaultValue }
        return try CommandArguments.int(v, at: at, name: "`\(name)`", minimum: minimum, maximum: maximum)
    }

    /// `v` as a whole number in `minimum...maximum` — the one place a script number becomes a
    /// count, so every argument says the same thing about the same mistake: not a number, not
    /// finite, too large (before "not whole": 1e12 is whole but absurd), not whole, too small.
    static func int(_ v: Value, at: SourceLocation, name: String, minimum: Int,
                    maximum: Int = CommandArguments.maximumCount) throws -> Int {
        guard let x = v.numeric else { throw LocatedError("\(name) must be a number, got \(v.typeWithArticle)", at: at) }
        guard !x.isNaN else { throw LocatedError("\(name) must be a number, got nan", at: at) }
        guard x <= Double(maximum) else {
            throw LocatedError("\(name) \(formatNumber(x)) is too large (at most \(Interpreter.grouped(maximum)))", at: at,
                               suggestion: "use a whole number between \(minimum) and \(Interpreter.grouped(maximum))")
        }
        guard x >= Double(minimum) else {
            let bound = minimum == 0 ? "negative" : "less than \(minimum)"
            throw LocatedError("\(name) cannot be \(bound), got \(formatNumber(x))", at: at,
                               suggestion: "use a whole number ≥ \(minimum)")
        }
        guard x == x.rounded() else {
            throw LocatedError("\(name) must be a whole number, got \(formatNumber(x))", at: at,
                               suggestion: "for example \(formatNumber(x.rounded(.down)))")
        }
        return Int(x)
    }

    /// The largest seed accepted: every whole number up to 2⁵³ is exact in a script's Double.
    static let maximumSeed = 1 << 53

    /// Keyword `seed`, or a fresh seed derived from the global one.
    func seed() throws -> UInt64 {
        if has("seed") { return UInt64(try int("seed", default: 0, minimum: 0, maximum: CommandArguments.maximumSeed)) }
        return interpreter.nextSeed()
    }

    /// The corruption after `noise` (`noise salt_pepper 0.1`), validated, with `law authors`
    /// turning textbook salt-and-pepper into the authors' law (the one spelling of that law in
    /// scripts; other kinds are unchanged; `law` with another kind is an error).
    func noise() throws -> Corruption? {
        guard let k = keyword("noise"), case .noiseKind(let kind, _)? = k.values.first else { return nil }
        if !kind.takesLevel { return kind.corruption(level: 0) }
        guard k.values.count > 1, case .expr(let levelExpr) = k.values[1] else { return nil }
        return try corruption(kind, level: try interpreter.evaluate(levelExpr, in: env), levelAt: levelExpr.location,
                              suggestion: "noise salt_pepper")
    }

    /// `law textbook|authors` (a word or a string), or nil when absent.
    func law() throws -> (SaltPepperLaw, SourceLocation)? {
        guard let (w, at) = try choice("law", from: SaltPepperLaw.names), let law = SaltPepperLaw(name: w) else { return nil }
        return (law, at)
    }

    /// The learning-rate schedule after `schedule` (`constant`, `authors`, `decay T`), or nil when absent.
    /// An expression may stand for the words: "constant", "authors", "decay T", or a number T (decay T).
    func schedule() throws -> LearningRateSchedule? {
        guard let k = keyword("schedule"), let first = k.values.first else { return nil }
        if case .expr(let e) = first {
            let v = try interpreter.evaluate(e, in: env)
            if let t = v.numeric, case .number = v {
                guard t.isFinite, t > 0 else {
                    throw LocatedError("a `schedule` number is the T of `decay T` and must be positive, got \(formatNumber(t))", at: e.location)
                }
                return .inverse(t)
            }
            guard case .string(let s) = v else {
                throw LocatedError("`schedule` needs constant, authors or decay T, got \(v.typeWithArticle)", at: e.location)
            }
            if let schedule = LearningRateSchedule(name: s) { return schedule }
            throw LocatedError("unknown schedule \"\(s)\"", at: e.location,
                               suggestion: "use \"constant\", \"authors\" or \"decay T\" (e.g. \"decay 3000\")")
        }
        guard case .word(let kind, _) = first else { return nil }
        switch kind {
        case "constant": return .constant
        case "authors": return .authors
        default:
            guard k.values.count > 1, case .expr(let e) = k.values[1] else { return nil }
            let v = try interpreter.evaluate(e, in: env)
            guard let t = v.numeric, t.isFinite, t > 0 else {
                throw LocatedError("`decay` T must be a positive number of epochs, got \(v.typeWithArticle == "a number" ? formatNumber(v.numeric ?? 0) : v.typeWithArticle)",
                                   at: e.location, suggestion: "for example: schedule decay 3000 (the rate halves by epoch 3000)")
            }
            return .inverse(t)
        }
    }

    /// Keyword `name` as one of `choices`: a bare word, or any expression giving one as a string
    /// (so a notebook can pass it from a variable). Nil when the keyword is absent.
    func choice(_ name: String, from choices: [String]) throws -> (String, SourceLocation)? {
        if let w = word(name) { return w }
        guard let e = expr(name) else { return nil }
        var word: String
        if case .variable(let w) = e.kind, env.lookup(w) == nil {
            word = w
        } else {
            let v = try interpreter.evaluate(e, in: env)
            guard case .string(let s) = v else {
                throw LocatedError("`\(name)` needs \(choices.joined(separator: " or ")), got \(v.typeWithArticle)", at: e.location)
            }
            word = s
        }
        guard choices.contains(word) else {
            throw LocatedError("unknown \(name) `\(word)`", at: e.location,
                               suggestion: Suggestions.didYouMean(word, in: choices) ?? "choose one of \(choices.joined(separator: ", "))")
        }
        return (word, e.location)
    }

    /// The level given after keyword `name` (`noise gaussian 1.3` → 1.3) exactly as the script's
    /// Double, for computations done in Double (the exact linear-Gaussian model); nil when absent.
    func noiseLevel(_ name: String = "noise") throws -> Double? {
        guard let k = keyword(name), k.values.count > 1, case .expr(let levelExpr) = k.values[1] else { return nil }
        return try interpreter.evaluate(levelExpr, in: env).numeric
    }

    /// The validated corruption of `kind` (resolved once, by the parser) at level `v` under the
    /// call's `law` (`SaltPepperLaw`, applied to the kind before the corruption is built): the
    /// kind's rules are `NoiseKind`'s. `suggestion` is what to write instead of a `law` that does
    /// not apply (a zero level of another kind is no corruption, and any law leaves it so).
    func corruption(_ kind: NoiseKind, level v: Value, levelAt: SourceLocation, suggestion: String) throws -> Corruption {
        guard let level = v.numeric else {
            throw LocatedError("the `\(kind.name)` level must be a number, got \(v.typeWithArticle)", at: levelAt)
        }
        guard kind.accepts(level: level) else {
            if kind.levelIsProbability {
                throw LocatedError("noise level \(formatNumber(level)) is outside [0, 1]", at: levelAt,
                                   suggestion: "`\(kind.name)` takes a probability, e.g. 0.1 for 10%")
            }
            throw LocatedError("\(kind.name) noise σ must be ≥ 0, got \(formatNumber(level))", at: levelAt)
        }
        guard let (law, lawAt) = try law() else { return kind.corruption(level: Float(level)) }
        guard let lawful = law.applied(to: kind) else {
            if kind.corruption(level: Float(level)).isIdentity { return kind.corruption(level: Float(level)) }
            throw LocatedError("`law \(law.name)` is a salt-and-pepper law; the noise is \(kind.name)", at: lawAt,
                               suggestion: "drop `law`, or use \(suggestion)")
        }
        return lawful.corruption(level: Float(level))
    }

    /// Checks the sample budget of one training step (`ObjectiveConfig.sampleBudgetProblem`),
    /// pointing at `K` (or the command) when it is exceeded.
    func checkSampleBudget(_ objective: ObjectiveConfig, batch: Int) throws {
        if let problem = objective.sampleBudgetProblem(batch: batch) {
            throw LocatedError(problem, at: location(of: "K"), suggestion: "lower K, M or batch")
        }
    }

    /// Positional argument `i` as a dataset (splits are rejected with a hint).
    func dataset(_ i: Int, _ what: String = "a dataset") throws -> (Dataset, SourceLocation) {
        let (v, at) = try required(i, what)
        return (try CommandArguments.dataset(v, at: at), at)
    }

    /// Keyword `name` as a dataset.
    func dataset(keyword name: String) throws -> (Dataset, SourceLocation)? {
        guard let (v, at) = try value(name) else { return nil }
        return (try CommandArguments.dataset(v, at: at), at)
    }

    /// `v` as a non-empty dataset.
    static func dataset(_ v: Value, at: SourceLocation) throws -> Dataset {
        switch v {
        case .dataset(let d):
            guard d.count > 0 else { throw LocatedError("the dataset `\(d.name)` is empty", at: at) }
            return d
        case .splits(let s):
            throw LocatedError("expected a dataset, got the splits of `\(s.name)`", at: at,
                               suggestion: "pick one: `.train`, `.valid` or `.test`")
        default:
            throw LocatedError("expected a dataset, got \(v.typeWithArticle)", at: at)
        }
    }

    /// Positional argument `i` as a neural model.
    func model(_ i: Int) throws -> (ModelHandle, SourceLocation) {
        let (v, at) = try required(i, "a model")
        switch v {
        case .model(let m): return (m, at)
        case .exactModel:
            throw LocatedError("`\(call.name)` needs a neural model; this is the linear-Gaussian model", at: at,
                               suggestion: call.name == "bound" ? nil : "the linear-Gaussian model has closed forms: see `help exact`")
        default:
            throw LocatedError("`\(call.name)` needs a model, got \(v.typeWithArticle)", at: at,
                               suggestion: "make one with `model vae for DATA`")
        }
    }

    /// Checks that `data` fits `model`'s input, pointing at the data argument otherwise.
    static func checkShape(_ data: Dataset, fits model: VAEModel, at: SourceLocation) throws {
        guard data.dimension == model.config.inputSize else {
            throw LocatedError("shape mismatch: the data has \(data.dimension) pixels (\(data.height)×\(data.width)) "
                               + "but the model expects \(model.config.inputSize) (\(model.config.height)×\(model.config.width))",
                               at: at, suggestion: "make a model for this data with `model vae for DATA`")
        }
    }

    /// Rejects flags and keywords that `allowed` does not contain (for commands with two modes).
    func reject(_ names: [String], because reason: String) throws {
        for n in names where has(n) {
            throw LocatedError("`\(n)` \(reason)", at: location(of: n))
        }
    }
}
