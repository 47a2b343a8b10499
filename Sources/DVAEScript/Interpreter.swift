import DVAE
import DVAEExperiments
import DVAENotebook
import Foundation

/// Runs dvae scripts: parses source text and executes it statement by statement against the
/// engine, sending text, pictures and plots to an `OutputSink`.
///
/// State (variable bindings, the global seed) persists across `run` calls and survives errors,
/// so a REPL or a notebook can keep going after a mistake.
public final class Interpreter {
    /// Where output goes.
    let sink: OutputSink
    /// Data lookup, test mode, predefined variables.
    let options: InterpreterOptions
    /// The global scope.
    let globals = Environment()
    /// Set by a SIGINT handler; training stops cleanly at the next step, other work at the next statement.
    public let interrupt = InterruptFlag()
    /// Every `experiment` cell met so far and what became of it (planned, computed, cached, pending).
    public let cells = CellLedger()

    /// `cells.gatherReport`, each cell named as the language's progress lines name it.
    public func gatherReport() -> [String] { cells.gatherReport(label: Interpreter.shortLabel) }
    /// Called by the `run "file.md"` command with the path; set by the notebook runner.
    public var runNotebookHook: ((String) throws -> Void)?
    /// When set, receives the display of an input's final bare expression (`Out[n]` in a Jupyter
    /// kernel) instead of the sink; everything else still goes to the sink. Nil: the REPL and
    /// notebooks show that value like any other output.
    public var resultHandler: ((OutputItem) -> Void)?

    /// The global seed (`seed N`); commands without their own `seed` derive one from it.
    var globalSeed: UInt64 = 0
    /// How many seeds have been derived since the last `seed N`.
    var seedCounter: UInt64 = 0
    /// Datasets already read from disk, by name and search path (loading MNIST takes seconds).
    var loadCache: [String: DataSplits] = [:]
    /// The notebooks `run` is inside now (a file that runs itself would otherwise recurse until
    /// the stack overflows).
    var notebooksRunning: [String] = []
    /// The files `export` wrote in this session (resolved paths): it replaces these without asking.
    var exportedPaths: Set<String> = []
    /// The longest range a loop or `list(…)` expands.
    static let maximumRangeLength = 10_000_000
    /// Names given with `--set`, which top-level `let` does not overwrite.
    private let overridden: Set<String>

    /// Whether top-level statements that ran are kept in ``sessionLog`` (the REPL sets it, for
    /// `export`).
    public var recordsSession = false
    /// The statements of this session that ran without error (when ``recordsSession`` is set).
    var sessionLog = SessionLog()
    /// How many top-level inputs (`run` calls that are not nested) the session has had.
    private var inputCount = 0

    /// The file and lines being run (a stack: `run "nb.md"` nests).
    private var sources: [(file: String, lines: [Substring], firstLine: Int)] = []

    /// An interpreter writing to `sink`.
    public init(sink: OutputSink, options: InterpreterOptions = .init()) {
        self.sink = sink
        self.options = options
        globals.define("testing", .bool(options.testMode))
        for (name, text) in options.variables.sorted(by: { $0.key < $1.key }) {
            globals.define(name, Interpreter.parseSetting(text))
        }
        overridden = Set(options.variables.keys)
    }

    /// Reads a `--set` value: a number, `true`/`false`, or else a string.
    static func parseSetting(_ text: String) -> Value {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let x = Double(t.replacingOccurrences(of: "_", with: "")) { return .number(x) }
        if t == "true" || t == "false" { return .bool(t == "true") }
        if t.count >= 2, t.hasPrefix("\""), t.hasSuffix("\"") { return .string(String(t.dropFirst().dropLast())) }
        return .string(t)
    }

    /// Runs `source`, whose first line is line `firstLine` of `file`.
    ///
    /// Throws a `ScriptError` (located, with the source line) on the first runtime error;
    /// statements before it have run and their bindings are kept. When the source does not parse
    /// nothing runs, and the error lists every syntax error (`ScriptError.more`). A top-level
    /// statement that fails leaves the seed derivation where it was before it, so the statements
    /// that did run are a script that replays to the same numbers (`export`). `exit` throws
    /// ``SessionExit``.
    public func run(_ source: String, file: String, firstLine: Int = 1) throws {
        sources.append((file, source.split(separator: "\n", omittingEmptySubsequences: false), firstLine))
        defer { sources.removeLast() }
        let outermost = sources.count == 1
        if outermost {
            interrupt.reset()
            inputCount += 1
        }
        do {
            let program = try Parser.parse(source, firstLine: firstLine, boundNames: Set(globals.bindings.map(\.0)),
                                           budget: budget)
            let texts = outermost && recordsSession ? SessionLog.statementTexts(source, program, firstLine: firstLine) : []
            let resultIndex = outermost && resultHandler != nil ? program.count - 1 : -1
            for (i, statement) in program.enumerated() {
                let seeds = (globalSeed, seedCounter)
                do {
                    try execute(statement, in: globals, topLevel: true, asResult: i == resultIndex)
                } catch is SessionExit {
                    throw SessionExit()
                } catch {
                    (globalSeed, seedCounter) = seeds
                    throw error
                }
                if i < texts.count && SessionLog.isReplayed(texts[i]) { sessionLog.record(texts[i], input: inputCount) }
            }
        } catch let error as LocatedError {
            throw scriptError(error)
        }
    }

    /// The session so far as a notebook (see ``SessionLog``), with the `--set` variables and
    /// test mode it started with.
    public func sessionNotebook(date: Date = Date()) -> String {
        sessionLog.notebook(variables: options.variables, testMode: options.testMode, date: date)
    }

    /// True when `source` is an unfinished statement (open bracket, brace or string, or a
    /// trailing `\`): the REPL should read another line.
    public func needsMoreInput(_ source: String) -> Bool {
        Lexer.needsMoreInput(source, budget: budget)
    }

    /// Turns a located error into a `ScriptError` with the current file and source line.
    func scriptError(_ e: LocatedError) -> ScriptError {
        var error: ScriptError
        if let current = sources.last {
            let index = e.location.line - current.firstLine
            let line = index >= 0 && index < current.lines.count ? String(current.lines[index]) : ""
            error = ScriptError(file: current.file, line: e.location.line, column: e.location.column,
                                length: e.location.length, message: e.message,
                                sourceLine: line.hasSuffix("\r") ? String(line.dropLast()) : line,
                                suggestion: e.suggestion)
        } else {
            error = ScriptError(file: "<input>", line: e.location.line, column: e.location.column,
                                length: e.location.length, message: e.message, sourceLine: "", suggestion: e.suggestion)
        }
        error.more = e.more.map(scriptError)
        return error
    }

    /// The name of the file being run (for messages and relative paths).
    var currentFile: String { sources.last?.file ?? "<input>" }

    /// A fresh seed derived from the global seed (for commands given no `seed`).
    func nextSeed() -> UInt64 {
        seedCounter += 1
        return SplitMix64.mix(globalSeed &+ seedCounter &* SplitMix64.increment)
    }

    /// Emits a line of text.
    func say(_ text: String) { sink.emit(.text(text)) }

    /// Emits a located warning (`FILE:LINE:COL: warning: …` with the source line and a caret) as
    /// output, so it stays beside what it warns about in a notebook's rendered copy.
    func warn(_ message: String, at location: SourceLocation, suggestion: String? = nil) {
        var warning = scriptError(LocatedError(message, at: location, suggestion: suggestion))
        warning.isWarning = true
        say(warning.description)
    }

    // MARK: - Statements

    /// Throws "interrupted" (and clears the flag) when Ctrl-C was pressed.
    private func checkInterrupt(at location: SourceLocation) throws {
        if interrupt.isSet {
            interrupt.reset()
            throw LocatedError("interrupted", at: location)
        }
    }

    /// Executes one statement in `env`; a bare expression with `asResult` goes to ``resultHandler``.
    func execute(_ statement: Stmt, in env: Environment, topLevel: Bool = false, asResult: Bool = false) throws {
        try checkInterrupt(at: statement.location)
        switch statement.kind {
        case .let(let name, _, let expr):
            if topLevel, env === globals, overridden.contains(name), globals.lookup(name) != nil { return }
            env.define(name, try evaluate(expr, in: env))
        case .set(let name, let location, let expr):
            guard env.lookup(name) != nil else {
                throw LocatedError("`\(name)` is not defined", at: location,
                                   suggestion: Suggestions.didYouMean(name, in: env.visibleNames)
                                       ?? "create it first with `let \(name) = …`")
            }
            if try appendInPlace(to: name, expr, in: env) { return }
            _ = env.assign(name, try evaluate(expr, in: env))
        case .expression(let expr):
            let value: Value
            if case .command(let call) = expr.kind {
                value = try runCommand(call, in: env)
            } else {
                value = try evaluate(expr, in: env)
            }
            if case .images(let g) = value { try checkPictureSize(g, at: expr.location) }
            if asResult, let resultHandler {
                displayItems(value).forEach(resultHandler)
            } else {
                display(value)
            }
            // `_` is the last value shown at the top level, as in IPython (Julia's `ans`).
            if topLevel && env === globals && !value.isNothing { globals.define("_", value) }
        case .print(let items):
            let values = try items.map { try evaluate($0, in: env) }
            say(values.map(\.text).joined(separator: " "))
        case .show(let items):
            for item in items { try show(try evaluate(item, in: env), at: item.location) }
        case .assert(let condition, let message):
            try executeAssert(condition, message, at: statement.location, in: env)
        case .for(let name, _, let sequenceExpr, let body):
            let sequence = try evaluate(sequenceExpr, in: env)
            func iteration(_ item: Value) throws {
                let scope = Environment(parent: env)
                scope.define(name, item)
                for s in body { try execute(s, in: scope) }
            }
            switch sequence {
            case .list(let xs):
                for item in xs { try iteration(item) }
            case .range(let lo, let hi):
                guard hi - lo <= Interpreter.maximumRangeLength else {
                    throw LocatedError("the range \(lo):\(hi) is too long to loop over (at most \(Interpreter.maximumRangeLength))",
                                       at: sequenceExpr.location)
                }
                // One number at a time: a long range costs time (Ctrl-C stops it), not memory.
                var i = lo
                while i < hi {
                    try iteration(.number(Double(i)))
                    i += 1
                }
            default:
                throw LocatedError("`for` needs a list or a range, got \(sequence.typeWithArticle)", at: sequenceExpr.location,
                                   suggestion: "for example: for p in [0 0.05 0.1] { … } or for i in 0:5 { … }")
            }
        case .if(let condition, let thenBody, let elseBody):
            let c = try evaluate(condition, in: env)
            guard case .bool(let b) = c else {
                throw LocatedError("`if` needs a true/false condition, got \(c.typeWithArticle)", at: condition.location,
                                   suggestion: "compare explicitly, e.g. `if x > 0 { … }`")
            }
            let scope = Environment(parent: env)
            for s in (b ? thenBody : elseBody ?? []) { try execute(s, in: scope) }
        case .help(let topic, let location):
            say(try Help.text(for: topic, at: location))
        case .time(let timed):
            let start = DispatchTime.now().uptimeNanoseconds
            try execute(timed, in: env, topLevel: topLevel)
            say("time: " + Interpreter.wallTime(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        case .exit:
            throw SessionExit()
        }
    }

    private func executeAssert(_ condition: Expr, _ message: Expr?, at location: SourceLocation, in env: Environment) throws {
        var detail = ""
        let holds: Bool
        if case .binary(let op, let l, let r) = condition.kind, op.isComparison {
            let lv = try evaluate(l, in: env), rv = try evaluate(r, in: env)
            holds = try compare(op, lv, rv, at: condition.location)
            detail = "  (\(Interpreter.brief(lv)) vs \(Interpreter.brief(rv)))"
        } else {
            let v = try evaluate(condition, in: env)
            guard case .bool(let b) = v else {
                throw LocatedError("`assert` needs a true/false condition, got \(v.typeWithArticle)", at: condition.location)
            }
            holds = b
        }
        if holds { return }
        var text = "assert failed: \(condition.sourceText)\(detail)"
        if let message { text += ": " + (try evaluate(message, in: env)).text }
        // With experiment cells missing (a sweep still running, or only being planned) the
        // numbers an assert checks are not there yet: report it, do not stop the notebook.
        if options.cellMode != .compute || cells.hasUnfinishedCells {
            say("not checked (experiment cells pending): " + text)
            return
        }
        throw LocatedError(text, at: condition.location.line == location.line ? location : condition.location)
    }

    /// A short rendering of a value for assert messages (bounds as their value).
    static func brief(_ v: Value) -> String {
        if case .bound(let b) = v { return formatFixed(b.value, 2) }
        if case .number(let x) = v { return formatNumber(x) }
        if case .string(let s) = v { return "\"\(s)\"" }
        // A list in an assert's message is a reminder of what was compared, not a listing.
        if case .list(let items) = v { return Value.listText(items, limit: 200) }
        return v.description
    }
}

/// Thrown by `exit` and `quit`: the REPL ends the session, `dvae run` and piped scripts stop
/// there with success.
public struct SessionExit: Error, Equatable {
    /// Creates the signal.
    public init() {}
}

extension Interpreter {
    /// A wall time for `time`: `0.42 ms`, `12.3 ms`, `1.23 s`, `2 min 05 s`.
    static func wallTime(_ seconds: Double) -> String {
        if seconds < 1e-2 { return formatFixed(seconds * 1e3, 2) + " ms" }
        if seconds < 1 { return formatFixed(seconds * 1e3, 1) + " ms" }
        if seconds < 60 { return formatFixed(seconds, 2) + " s" }
        let whole = Int(seconds.rounded())
        return "\(whole / 60) min " + (whole % 60 < 10 ? "0" : "") + "\(whole % 60) s"
    }
}
