import DVAE
import Foundation
import Plot

/// Writes a notebook and its outputs as one self-contained HTML page.
///
/// The page needs no network and no other file: pictures are PNG and plots SVG, both inlined as
/// `data:` URIs; the style sheet is inline; there is no script. It has a table of contents (every
/// heading of the prose, linked), each code cell with its wall time and outputs, long text
/// output folded in `<details>`, and a failed cell's error shown under that cell (the page stops
/// there, as the run did). Prose is Markdown rendered by Ink; mathematics is shown as written
/// (the notebooks write it in Unicode: x̃, σ², ≥, ‖), which needs no typesetting engine.
public struct NotebookHTMLRenderer: Sendable {
    /// The notebook being rendered.
    public var notebook: Notebook
    /// Integer upscale applied to PNG pictures (the browser shows them at this size).
    public var imageScale: Int
    /// Text outputs longer than this many lines are folded (the last line stays visible).
    public var foldLines: Int
    /// The most memory one picture may take while it is encoded and inlined; a larger one is
    /// replaced by a line saying so.
    public var budget: MemoryBudget
    /// The other notebooks rendered with this one (`dvae run DIRECTORY --html`): links to the
    /// contents page, the previous and the next notebook, and from "notebook 05" in the prose.
    public var site: NotebookSite?

    /// Creates a renderer.
    public init(notebook: Notebook, imageScale: Int = 2, foldLines: Int = 25, budget: MemoryBudget = .default,
                site: NotebookSite? = nil) {
        self.notebook = notebook
        self.imageScale = max(1, imageScale)
        self.foldLines = max(1, foldLines)
        self.budget = budget
        self.site = site
    }

    /// The page for `outputs` (items per code cell), `seconds` (wall time per code cell) and the
    /// failed block, if any.
    public func render(outputs: [Int: [OutputItem]], seconds: [Int: Double],
                       failure: NotebookRenderer.Failure?) -> String {
        let prose = ProseHTML()
        var body: [String] = []
        cellLoop: for cell in notebook.cells {
            switch cell {
            case .prose(let p):
                body.append(linked(prose.html(p.text, line: p.line)))
            case .code(let code):
                body.append(codeCell(code, outputs: outputs[code.number] ?? [], seconds: seconds[code.number],
                                     failure: failure?.cell == code.number ? failure : nil))
                if failure?.cell == code.number { break cellLoop }
            }
        }
        let title = prose.headings.first(where: { $0.level == 1 })?.text ?? notebook.baseName
        let navigation = site?.navigation(for: notebook.baseName) ?? ""
        let total = seconds.values.reduce(0, +)
        var summary = "\(notebook.codeCells.count) code cell\(notebook.codeCells.count == 1 ? "" : "s"), "
            + "ran in \(Self.duration(total))"
        if let failure { summary += "; stopped with an error in cell \(failure.cell) of \(notebook.codeCells.count)" }

        let page = HTML(
            .lang(.english),
            .head(
                .encoding(.utf8),
                .viewport(.accordingToDevice),
                .title(title),
                .style(Self.styleSheet)
            ),
            .body(
                .nav(
                    .id("contents"),
                    .h2("Contents"),
                    .p(.class("summary"), .text(summary)),
                    .raw(Self.contents(prose.headings, failure: failure))
                ),
                .main(
                    .raw(navigation + body.joined(separator: "\n") + navigation)
                )
            )
        )
        return page.render() + "\n"
    }

    /// The formulas of the notebook's prose that cannot be typeset, each as
    /// `PATH:LINE:COL: warning: …` (the page shows such a formula as its source).
    public func mathWarnings() -> [String] {
        let prose = ProseHTML()
        for cell in notebook.cells {
            if case .prose(let p) = cell { _ = prose.html(p.text, line: p.line) }
        }
        return prose.mathProblems.map {
            "\(notebook.path):\($0.line):\($0.column): warning: formula not typeset: \($0.error.message); \($0.error.help)"
        }
    }

    /// Renders and writes the page to `path` (atomically); refuses to overwrite the notebook.
    public func write(to path: String, outputs: [Int: [OutputItem]], seconds: [Int: Double],
                      failure: NotebookRenderer.Failure?) throws {
        let target = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let source = URL(fileURLWithPath: notebook.path).standardizedFileURL.resolvingSymlinksInPath().path
        if target == source { throw NotebookRenderer.WriteError.wouldOverwriteSource(notebook.path) }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let html = render(outputs: outputs, seconds: seconds, failure: failure)
        try Data(html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    // MARK: - Pieces

    /// The nested list of headings (levels 1–3), each a link to its section.
    static func contents(_ headings: [ProseHTML.Heading], failure: NotebookRenderer.Failure?) -> String {
        let shown = headings.filter { $0.level <= 3 }
        guard !shown.isEmpty || failure != nil else { return "" }
        let base = shown.map(\.level).min() ?? 1
        var html = "<ul>\n"
        for h in shown {
            html += "<li class=\"toc-\(h.level - base + 1)\"><a href=\"#\(h.id)\">\(h.html)</a></li>\n"
        }
        if let failure {
            html += "<li class=\"toc-1 toc-error\"><a href=\"#cell-\(failure.cell)\">Error in cell \(failure.cell)</a></li>\n"
        }
        return html + "</ul>"
    }

    /// One code cell: header with number and time, the source, its outputs, its error.
    func codeCell(_ code: CodeCell, outputs: [OutputItem], seconds: Double?,
                  failure: NotebookRenderer.Failure?) -> String {
        var html = "<section class=\"cell\(failure == nil ? "" : " failed")\" id=\"cell-\(code.number)\">\n"
        let time = seconds.map { " · <span class=\"time\">\(Self.duration($0))</span>" } ?? ""
        html += "<div class=\"cell-head\">cell \(code.number)\(time)</div>\n"
        html += "<pre class=\"source\"><code>\(Self.escape(code.source))</code></pre>\n"
        var pendingText: [String] = []
        var pictures = 0
        func flushText() {
            if !pendingText.isEmpty { html += textOutput(pendingText.joined(separator: "\n")) }
            pendingText = []
        }
        for item in outputs {
            switch item {
            case .text(let text):
                pendingText.append(text.hasSuffix("\n") ? String(text.dropLast()) : text)
            case .image(let grid):
                // `dvae run --html` refuses such a picture at the statement that shows it
                // (InterpreterOptions.pictureOutputs); this covers other callers.
                let size = grid.rasterSize(scale: imageScale)
                let bytes = PictureOutput.htmlPage(scale: imageScale).bytes(for: grid)
                guard budget.allows(bytes) else {
                    pendingText.append("(picture of \(size.width)×\(size.height) pixels not inlined: it would need "
                                       + "\(bytes.map(MemoryBudget.format) ?? "more than 8 EiB"), more than the memory limit of "
                                       + "\(budget); lower --scale or show fewer images)")
                    continue
                }
                guard let png = try? PNGEncoder.encode(grid, scale: imageScale) else {
                    pendingText.append("(empty picture)")
                    continue
                }
                flushText()
                pictures += 1
                let caption = grid.title ?? "cell \(code.number) picture \(pictures)"
                let shown = Self.displayScale(rowsPerImage: grid.height, scale: imageScale)
                html += figure(mime: "image/png", bytes: png, caption: caption,
                               size: (size.width * shown, size.height * shown), pixelated: true)
            case .plot(let plot):
                flushText()
                pictures += 1
                let renderer = SVGPlotRenderer()
                let caption = plot.title.isEmpty ? "cell \(code.number) plot \(pictures)" : plot.title
                html += figure(mime: "image/svg+xml", bytes: Array(renderer.render(plot).utf8), caption: caption,
                               size: (Int(renderer.width), Int(renderer.height)), pixelated: false)
            }
        }
        flushText()
        if let failure {
            html += "<div class=\"error\" role=\"alert\"><pre>\(Self.escape(failure.message))</pre></div>\n"
            html += "<p class=\"stopped\"><strong>Stopped:</strong> this cell failed, so the rest of the notebook was not run.</p>\n"
        }
        return html + "</section>"
    }

    /// Prose HTML with the site's links: "notebook 05" to its page, `05-….md` links to `.html`.
    func linked(_ html: String) -> String {
        guard let site else { return html }
        var out = site.linkMentions(html, from: notebook.baseName)
        for e in site.entries {
            out = out.replacingOccurrences(of: "href=\"\(e.baseName).md", with: "href=\"\(e.page)")
        }
        return out
    }

    /// The smallest a picture's image should be shown, in CSS pixels of height.
    static let minimumImageHeight = 84

    /// How many times larger than its raster a picture is shown: enough for each image of the grid
    /// to be at least ``minimumImageHeight`` pixels tall (a 12×12 digit at 2× would be 24 pixels).
    /// The browser enlarges it with `image-rendering: pixelated`, so the page carries no more bytes.
    static func displayScale(rowsPerImage: Int, scale: Int) -> Int {
        let height = max(1, rowsPerImage * scale)
        return min(8, max(1, (minimumImageHeight + height - 1) / height))
    }

    /// A text output: shown as is, or folded in `<details>` when long (the last line, usually the
    /// final epoch or the result, stays in the summary).
    func textOutput(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let pre = "<pre class=\"output\">\(Self.escape(text))</pre>\n"
        guard lines.count > foldLines else { return pre }
        let last = lines.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }).map(String.init) ?? ""
        return "<details class=\"output\"><summary>\(lines.count) lines of output — last: "
            + "<code>\(Self.escape(last))</code></summary>\n\(pre)</details>\n"
    }

    /// A picture as a `<figure>` with its bytes inlined as a `data:` URI.
    func figure(mime: String, bytes: [UInt8], caption: String, size: (Int, Int), pixelated: Bool) -> String {
        let uri = "data:\(mime);base64," + Data(bytes).base64EncodedString()
        let style = pixelated ? " class=\"pixels\"" : ""
        return "<figure><img\(style) src=\"\(uri)\" width=\"\(size.0)\" height=\"\(size.1)\" alt=\"\(Self.escape(caption))\">"
            + "<figcaption>\(Self.escape(caption))</figcaption></figure>\n"
    }

    /// `0.42 s`, `12.3 s`, `4 min 05 s`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.2f s", seconds) }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
    }

    /// Escapes `&`, `<`, `>` and `"` for HTML text and attribute values.
    static func escape(_ s: String) -> String { SVGPlotRenderer.escape(s) }

    /// The page's style sheet: readable prose width, code and outputs set apart, nothing fetched.
    static let styleSheet = """
    body{margin:0;font:16px/1.55 -apple-system,"Segoe UI","DejaVu Sans",Helvetica,Arial,sans-serif;color:#1b1b1b;background:#fff}
    nav#contents{position:fixed;top:0;left:0;bottom:0;width:260px;overflow-y:auto;padding:16px 18px;background:#f6f7f9;border-right:1px solid #ddd;font-size:14px;box-sizing:border-box}
    nav#contents h2{font-size:16px;margin:0 0 6px}
    nav#contents ul{list-style:none;margin:0;padding:0}
    nav#contents li{margin:3px 0}
    nav#contents li.toc-2{padding-left:12px}
    nav#contents li.toc-3{padding-left:24px;font-size:13px}
    nav#contents li.toc-error a{color:#b00020;font-weight:bold}
    nav#contents a{color:#1a4f8b;text-decoration:none}
    .summary{color:#555;font-size:13px;margin:0 0 10px}
    main{margin-left:260px;padding:20px 40px 60px}
    main > *{max-width:860px}
    main > section.cell{max-width:100%;width:max-content;min-width:min(860px,100%);box-sizing:border-box}
    main > p:has(> math[display=block]){max-width:100%}
    @media (max-width:900px){nav#contents{position:static;width:auto;border-right:0;border-bottom:1px solid #ddd}main{margin-left:0;padding:16px}}
    h1,h2,h3{line-height:1.25}
    code,pre{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:14px}
    pre{overflow-x:auto;padding:10px 12px;border-radius:4px;margin:6px 0}
    pre::-webkit-scrollbar{height:10px}
    pre::-webkit-scrollbar-thumb{background:#b9c0ca;border-radius:5px}
    pre::-webkit-scrollbar-track{background:#eef0f3}
    pre.output{font-size:13px}
    main > pre, p > code, li > code{background:#f3f3f3}
    table{border-collapse:collapse;margin:10px 0}
    th,td{border:1px solid #ccc;padding:3px 8px}
    blockquote{margin:10px 0;padding:2px 14px;border-left:4px solid #ccc;color:#444}
    .cell{margin:18px 0;border:1px solid #d7dce3;border-radius:6px;padding:6px 10px;background:#fbfcfe}
    .cell.failed{border-color:#b00020}
    .cell-head{font-size:12px;color:#666}
    pre.source{background:#eef2f7;border-left:3px solid #1a4f8b}
    pre.output{background:#fff;border:1px solid #e3e3e3}
    details.output summary{cursor:pointer;color:#444;font-size:14px}
    figure{margin:10px 0}
    figure img{max-width:100%;height:auto;border:1px solid #eee}
    img.pixels{image-rendering:pixelated}
    figcaption{font-size:13px;color:#555}
    .error pre{background:#fff0f0;border:1px solid #b00020;color:#7a0016}
    .stopped{color:#b00020}
    math{font-family:"DejaVu Math TeX Gyre","STIX Two Math","Latin Modern Math","STIXGeneral",math;font-size:1.08em}
    math[display=block]{margin:10px 0;overflow-x:auto;overflow-y:hidden}
    code.math-error{background:#fff0f0;color:#7a0016}
    nav.site{font-size:14px;margin:4px 0 14px;color:#555}
    nav.site a{color:#1a4f8b;text-decoration:none}
    """
}
