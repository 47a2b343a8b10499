import DVAE
import DVAENotebook

/// How values appear: `show` pictures and plots, and the display of a bare expression.
extension Interpreter {
    /// Largest number of images `show DATA` draws.
    static let maximumShownImages = 64

    /// The value of a bare expression statement, as a REPL would echo it.
    func display(_ v: Value) {
        displayItems(v).forEach(sink.emit)
    }

    /// What ``display(_:)`` shows for `v`: a picture, a plot, its text, or nothing.
    func displayItems(_ v: Value) -> [OutputItem] {
        switch v {
        case .nothing: return []
        case .images(let g): return [.image(g)]
        case .curve(let c): return [.plot(c.plot)]
        case .plot(let p): return [.plot(p)]
        default: return [.text(v.text)]
        }
    }

    /// Refuses, at `location`, a picture that an output it goes to (`dvae run --out` or `--html`,
    /// the Jupyter kernel: ``InterpreterOptions/pictureOutputs``) could not encode within the
    /// memory budget: the error names the statement that drew it, before it is drawn, rather than
    /// the notebook after every block has run. When several cannot, the costliest is named.
    func checkPictureSize(_ g: ImageGrid, at location: SourceLocation) throws {
        let refused = options.pictureOutputs.map { ($0, $0.bytes(for: g)) }.filter { !budget.allows($0.1) }
        guard let (output, bytes) = refused.max(by: { ($0.1 ?? Int.max) < ($1.1 ?? Int.max) }) else { return }
        let size = g.rasterSize(scale: output.scale)
        throw LocatedError("this picture of \(g.images.count) image\(g.images.count == 1 ? "" : "s") is \(size.width)×\(size.height) "
                           + "pixels \(output.scaleText) and would need \(bytes.map(MemoryBudget.format) ?? "more than 8 EiB") "
                           + "\(output.purpose), more than the memory limit of \(MemoryBudget.format(budget.limit))", at: location,
                           suggestion: output.suggestion)
    }

    /// `show v`: images and datasets as pictures, reports and curves as plots, the rest as text.
    func show(_ v: Value, at location: SourceLocation) throws {
        switch v {
        case .images(let g):
            guard !g.images.isEmpty else { throw LocatedError("nothing to show: no images", at: location) }
            try checkPictureSize(g, at: location)
            sink.emit(.image(g))
        case .dataset(let d):
            guard d.count > 0 else { throw LocatedError("nothing to show: the dataset `\(d.name)` is empty", at: location) }
            let g = Interpreter.grid(d)
            try checkPictureSize(g, at: location)
            sink.emit(.image(g))
        case .splits(let s):
            let g = s.train.count > 0 ? Interpreter.grid(s.train.subset(first: 16)) : nil
            if let g { try checkPictureSize(g, at: location) }
            say(v.description)
            if let g { sink.emit(.image(g)) }
        case .report(let r):
            guard !r.curve.points.isEmpty else { say(r.description); return }
            sink.emit(.plot(r.curve.plot))
        case .curve(let c):
            guard !c.points.isEmpty else { say("empty curve"); return }
            sink.emit(.plot(c.plot))
        case .experiment(let e):
            say(e.description)
            if !e.curve.points.isEmpty { sink.emit(.plot(e.curve.plot)) }
        case .list(let items) where !items.isEmpty && items.allSatisfy({ Interpreter.curve(of: $0) != nil }):
            // Several runs on one chart, with a legend: the picture that compares noise levels.
            let curves = items.compactMap { Interpreter.curve(of: $0) }
            sink.emit(.plot(CurveValue.overlay(curves)))
        case .plot(let p):
            sink.emit(.plot(p))
        case .statistics(let st) where !st.firstUnit.isEmpty:
            sink.emit(.plot(st.histogram))
        case .nothing:
            throw LocatedError("nothing to show", at: location)
        default:
            say(v.text)
        }
    }

    /// The learning curve inside a report or a curve value, if `v` is one.
    static func curve(of v: Value) -> CurveValue? {
        switch v {
        case .report(let r): return r.curve
        case .curve(let c): return c
        case .experiment(let e): return e.curve
        default: return nil
        }
    }

    /// The first images of a dataset as a grid.
    static func grid(_ d: Dataset) -> ImageGrid {
        let n = min(d.count, maximumShownImages)
        let title = n < d.count ? "\(d.name) (first \(n) of \(d.count))" : d.name
        return ImageGrid(images: (0..<n).map { d.image($0) }, height: d.height, width: d.width,
                         columns: min(n == 0 ? 1 : n, d.width >= 20 ? 8 : 16), title: title)
    }

    /// Calls a built-in function.
    func callBuiltin(_ call: CallArguments) throws -> Value {
        // The functions that make lists of a size the script chooses are charged to the budget
        // first, and `append` keeps nesting within the limit (ValueLimits.swift).
        switch (call.function, call.values.first) {
        case ("list", .range(let lo, let hi)?) where hi - lo <= Interpreter.maximumRangeLength:
            try checkListSize(hi - lo, for: "a list of the \(max(0, hi - lo)) numbers \(lo):\(hi)", at: call.locations[0],
                              fix: "loop over the range itself (`for i in \(lo):\(hi)`) or use a shorter one")
        case ("append", .list(let items)?) where call.values.count == 2:
            try checkListSize(items.count + 1, for: "a list of \(items.count + 1) items", at: call.location,
                              fix: "keep fewer items")
            try checkNesting(of: call.values[1], at: call.locations[1])
        default:
            break
        }
        return try Builtins.callPure(call)
    }
}
