import DVAE
import DVAENotebook
import Foundation

/// `plot`: a line chart of any series against x, with a legend, labels, log axes and error bars.
enum PlotCommand: Command {
    static let spec = CommandSpec(
        name: "plot", positional: ["Y"], variadic: true,
        keywords: [
            Keyword(name: "against", slots: [.expr("X")], summary: "the x values: a list or a range (default 0, 1, 2, …)"),
            Keyword(name: "title", slots: [.expr("TEXT")], summary: "the chart's title"),
            Keyword(name: "xlabel", slots: [.expr("TEXT")], summary: "label of the x axis"),
            Keyword(name: "ylabel", slots: [.expr("TEXT")], summary: "label of the y axis"),
            Keyword(name: "legend", slots: [.expr("NAMES")], summary: "one name per series: a list of strings"),
            Keyword(name: "logx", slots: [], summary: "logarithmic x axis (x must be > 0)"),
            Keyword(name: "logy", slots: [], summary: "logarithmic y axis (y must be > 0)"),
        ],
        returnsValue: true,
        summary: "a line chart of series against x: bounds get error bars (± standard error)",
        usage: "plot Y… [against X] [title TEXT] [xlabel TEXT] [ylabel TEXT] [legend NAMES] [logx] [logy]",
        details: [
            "Each Y is a series — a list of numbers, or of bounds (drawn with ± their standard error) —",
            "or a list of such series; training reports and curves plot their learning curves against epoch.",
            "Series are told apart by marker and dash pattern as well as colour. The value is a plot:",
            "at the start of a line it is drawn (terminal: Braille; notebooks: SVG), `show p` draws it again.",
        ],
        example: "let sigmas = [0.1 0.25 0.5 1 2]\n"
            + "plot [lps dvs cvs] against sigmas legend [\"log p(x)\" \"L_dvae\" \"L_cvae\"] logx xlabel \"σ\" ylabel \"nats\" title \"Eq. 7\"")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { .plot(try a.interpreter.plot(a)) }
}

extension Interpreter {
    /// One series before it has x values: y, error half-widths, a default name, where it was written.
    private struct PendingSeries {
        var y: [Double]
        var errors: [Double]?
        var name: String
        /// The epochs, for a learning curve (nil: x comes from `against`).
        var x: [Double]?
        var location: SourceLocation
        /// For a learning curve: which run (report or curve) it belongs to, and the run's title.
        var run: Int? = nil
        var runTitle = ""
    }

    /// `plot Y… [against X] …`: builds the chart.
    func plot(_ a: CommandArguments) throws -> LinePlot {
        guard !a.call.positional.isEmpty else {
            throw LocatedError("`plot` needs the values to plot", at: a.call.location,
                               suggestion: "for example: plot [1 4 9 16] or plot [a b] against xs legend [\"a\" \"b\"]")
        }
        var series: [PendingSeries] = []
        var runs = 0
        for i in a.call.positional.indices {
            let (v, at) = try a.positional(i)!
            series += try self.series(from: v, at: at, runs: &runs)
        }
        let curveSeries = runs > 0
        let points = series.reduce(0) { $0 + $1.y.count }
        try checkBudget(ByteCount.product(points, Interpreter.bytesPerPlotPoint), for: "a chart of \(points) points",
                        at: a.call.location, fix: "plot fewer points")

        var xs: [Double]? = nil
        if let (xv, xAt) = try a.value("against") {
            if curveSeries {
                throw LocatedError("learning curves are plotted against their epochs; `against` is for lists", at: xAt)
            }
            xs = try numbers(xv, at: xAt, what: "`against`")
        }
        // Several runs' curves are told apart by their titles unless a legend names them.
        var names = series.map { runs > 1 && $0.run != nil ? "\($0.runTitle) \($0.name)" : $0.name }
        if let (lv, lAt) = try a.value("legend") {
            let given: [String]
            switch lv {
            case .string(let s): given = [s]
            case .list(let items):
                given = try items.map { item in
                    guard case .string(let s) = item else {
                        throw LocatedError("legend names must be strings, found \(item.typeWithArticle)", at: lAt,
                                           suggestion: "write them in quotes: legend [\"a\" \"b\"]")
                    }
                    return s
                }
            default:
                throw LocatedError("`legend` needs a list of names, got \(lv.typeWithArticle)", at: lAt)
            }
            if curveSeries && given.count == runs && given.count != series.count {
                // One name per run: each run's train/valid series carry it as a prefix.
                names = series.map { s in s.run.map { given[$0] + " " + s.name } ?? s.name }
            } else {
                guard given.count == series.count else {
                    throw LocatedError("`legend` has \(given.count) name\(given.count == 1 ? "" : "s") for \(series.count) series", at: lAt,
                                       suggestion: "give one name per series")
                }
                names = given
            }
        }

        var out: [LinePlot.Series] = []
        for (k, s) in series.enumerated() {
            let x = s.x ?? xs ?? (0..<s.y.count).map(Double.init)
            guard x.count == s.y.count else {
                throw LocatedError("the series has \(s.y.count) value\(s.y.count == 1 ? "" : "s") but `against` has \(x.count)",
                                   at: s.location, suggestion: "give one x value per y value")
            }
            out.append(LinePlot.Series(name: names[k], x: x, y: s.y, errors: s.errors))
        }
        let logX = a.has("logx"), logY = a.has("logy")
        var chart = LinePlot(title: try text(a, "title") ?? "", xLabel: try text(a, "xlabel") ?? (curveSeries ? "epoch" : ""),
                             yLabel: try text(a, "ylabel") ?? (curveSeries ? "bound (nats)" : ""), series: out,
                             logX: logX, logY: logY)
        if chart.drawablePoints.isEmpty {
            let why = logX || logY ? " (a log axis needs values > 0)" : ""
            throw LocatedError("nothing to plot: no point has finite coordinates\(why)", at: a.call.location)
        }
        if out.count == 1 && a.keyword("legend") == nil && !curveSeries { chart.series[0].name = chart.yLabel }
        warnAboutLeftOutPoints(chart, locations: series.map(\.location))
        return chart
    }

    /// Warns, at each series' expression, how many of its points the chart leaves out (nan or
    /// inf, or ≤ 0 on a log axis): the line breaks there, and nothing else would say so.
    private func warnAboutLeftOutPoints(_ chart: LinePlot, locations: [SourceLocation]) {
        for (s, at) in zip(chart.series, locations) {
            let (notFinite, notPositive) = s.leftOut(logX: chart.logX, logY: chart.logY)
            guard notFinite + notPositive > 0 else { continue }
            let total = min(s.x.count, s.y.count)
            var reasons: [String] = []
            if notFinite > 0 { reasons.append("\(notFinite) not finite (nan or inf)") }
            if notPositive > 0 {
                let axes = [chart.logX ? "x" : nil, chart.logY ? "y" : nil].compactMap { $0 }.joined(separator: " or ")
                reasons.append("\(notPositive) ≤ 0 on the log \(axes) axis")
            }
            let name = chart.series.count > 1 || !s.name.isEmpty ? " of series “\(s.name)”" : ""
            warn("\(notFinite + notPositive) of \(total) point\(total == 1 ? "" : "s")\(name) left out: "
                 + reasons.joined(separator: ", ") + "; the line breaks there", at: at)
        }
    }

    /// The string given to keyword `name`, if any.
    private func text(_ a: CommandArguments, _ name: String) throws -> String? {
        guard let (v, at) = try a.value(name) else { return nil }
        guard case .string(let s) = v else {
            throw LocatedError("`\(name)` needs text in quotes, got \(v.typeWithArticle)", at: at)
        }
        return s
    }

    /// The series a value stands for: a list of numbers or bounds is one; a list of those, or a
    /// list of reports and curves, is several; a report or curve is its train (and valid) curve.
    private func series(from v: Value, at: SourceLocation, runs: inout Int) throws -> [PendingSeries] {
        if let curve = Interpreter.curve(of: v) {
            guard !curve.points.isEmpty else { throw LocatedError("the learning curve is empty", at: at) }
            runs += 1
            return curve.plot.series.map { PendingSeries(y: $0.y, errors: nil, name: $0.name, x: $0.x, location: at,
                                                         run: runs - 1, runTitle: curve.title) }
        }
        guard case .list(let items) = v else {
            if case .range = v { return [try single(v, at: at, name: "")] }
            throw LocatedError("`plot` needs a list of numbers or bounds, got \(v.typeWithArticle)", at: at,
                               suggestion: "for example: plot [1 4 9 16] or plot [b1 b2 b3] against [0 0.05 0.1]")
        }
        let nested = items.contains { if case .list = $0 { return true }; return Interpreter.curve(of: $0) != nil }
        guard nested else { return [try single(v, at: at, name: "")] }
        var out: [PendingSeries] = []
        for (k, item) in items.enumerated() {
            if let curve = Interpreter.curve(of: item) {
                guard !curve.points.isEmpty else { throw LocatedError("learning curve \(k + 1) is empty", at: at) }
                runs += 1
                out += curve.plot.series.map {
                    PendingSeries(y: $0.y, errors: nil, name: $0.name, x: $0.x, location: at, run: runs - 1, runTitle: curve.title)
                }
            } else {
                out.append(try single(item, at: at, name: "\(k + 1)"))
            }
        }
        return out
    }

    /// One series from a list (or range) of numbers and bounds.
    private func single(_ v: Value, at: SourceLocation, name: String) throws -> PendingSeries {
        let items: [Value]
        switch v {
        case .list(let xs): items = xs
        case .range(let lo, let hi): items = try rangeNumbers(lo, hi, at: at).map { .number($0) }
        default:
            throw LocatedError("a series must be a list of numbers or bounds, got \(v.typeWithArticle)", at: at)
        }
        var y: [Double] = [], errors: [Double] = []
        var hasErrors = false
        for (k, item) in items.enumerated() {
            switch item {
            case .number(let x): y.append(x); errors.append(0)
            case .bound(let b): y.append(b.value); errors.append(b.se); hasErrors = true
            default:
                throw LocatedError("a series must hold numbers or bounds; item \(k) is \(item.typeWithArticle)", at: at)
            }
        }
        guard !y.isEmpty else { throw LocatedError("nothing to plot: the series is empty", at: at) }
        return PendingSeries(y: y, errors: hasErrors ? errors : nil, name: name, x: nil, location: at)
    }

    /// The numbers `lo`, `lo + 1`, …, `hi − 1` of a range plotted as a series or given as x values,
    /// measured first: `plot 0:99999999999` asked for 1.6 TB (found by the fuzzer).
    private func rangeNumbers(_ lo: Int, _ hi: Int, at: SourceLocation) throws -> [Double] {
        let count = max(0, hi - lo)
        guard count <= Interpreter.maximumRangeLength else {
            throw LocatedError("the range \(lo):\(hi) is too long to plot (at most \(Interpreter.maximumRangeLength) points)", at: at,
                               suggestion: "plot a shorter range")
        }
        try checkBudget(ByteCount.product(count, Interpreter.bytesPerPlotPoint), for: "a chart of the \(count) points \(lo):\(hi)",
                        at: at, fix: "plot fewer points")
        return (lo..<(lo + count)).map(Double.init)
    }

    /// What one point of a chart takes while it is made and drawn: x, y and an error bar as
    /// numbers, with room for the list it came from and about 30 bytes of SVG.
    static let bytesPerPlotPoint = 64

    /// The numbers of a list or range (for `against`).
    private func numbers(_ v: Value, at: SourceLocation, what: String) throws -> [Double] {
        switch v {
        case .range(let lo, let hi): return try rangeNumbers(lo, hi, at: at)
        case .list(let items):
            return try items.enumerated().map { k, item in
                guard let x = item.numeric else {
                    throw LocatedError("\(what) needs numbers; item \(k) is \(item.typeWithArticle)", at: at)
                }
                return x
            }
        default:
            throw LocatedError("\(what) needs a list or a range of numbers, got \(v.typeWithArticle)", at: at)
        }
    }
}
