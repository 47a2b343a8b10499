import Foundation
import XCTest
@testable import DVAENotebook

/// The self-contained HTML page of a notebook (its look in a real browser is checked by the
/// dvaeTests' HTMLPageTests, with Chromium).
final class NotebookHTMLRendererTests: XCTestCase {
    let source = """
    # Demo of σ and x̃

    Prose with **bold**, `code`, L_dvae ≥ L_cvae and a table:

    | a | b |
    |---|---|
    | 1 | 2 |

    ## Pictures

    ```dvae
    show noisy
    ```

    ## Pictures

    ```dvae
    train m
    ```

    ```dvae
    print "after"
    ```

    """

    func outputs() -> [Int: [OutputItem]] {
        let grid = ImageGrid(images: [testImage(height: 28, width: 28, seed: 0)], height: 28, width: 28, columns: 1,
                             title: "noisy <0:1>")
        let plot = LinePlot(title: "curves", xLabel: "epoch", yLabel: "nats",
                            series: [.init(name: "a", x: [1, 2], y: [3, 4], errors: [0.5, 0.5])])
        let log = (1...40).map { "epoch \($0)/40  train -\(100 - $0)" }.joined(separator: "\n")
        return [1: [.text("before <tag>"), .image(grid), .plot(plot)],
                2: [.text(log)],
                3: [.text("after")]]
    }

    func render(failure: NotebookRenderer.Failure? = nil) -> String {
        let notebook = Notebook.parse(text: source, path: "/x/demo.md")
        return NotebookHTMLRenderer(notebook: notebook).render(outputs: outputs(), seconds: [1: 0.126, 2: 75, 3: 0.001],
                                                               failure: failure)
    }

    func testPageHasContentsPicturesTimesAndFoldedLogs() throws {
        let html = render()
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"), String(html.prefix(40)))
        XCTAssertTrue(html.contains("<meta charset=\"UTF-8\""), "declares UTF-8 so the Unicode mathematics shows")
        XCTAssertTrue(html.contains("<title>Demo of σ and x̃</title>"))
        // Contents: each heading linked; the repeated heading gets its own id.
        XCTAssertTrue(html.contains("<h1 id=\"demo-of-σ-and-x̃\">"), html)
        XCTAssertTrue(html.contains("<h2 id=\"pictures\">"))
        XCTAssertTrue(html.contains("<h2 id=\"pictures-2\">"))
        XCTAssertTrue(html.contains("href=\"#pictures-2\""))
        XCTAssertTrue(html.contains("3 code cells, ran in 1 min 15 s"))
        // Prose through Ink: a table, inline code, and no emphasis made of L_dvae's underscore.
        XCTAssertTrue(html.contains("<table>"))
        XCTAssertTrue(html.contains("<code>code</code>"))
        XCTAssertTrue(html.contains("L<sub>dvae</sub> ≥ L<sub>cvae</sub>"), "a subscript written without dollars is a subscript")
        // Cells: source escaped, time, pictures inlined, no external reference at all.
        XCTAssertTrue(html.contains("<section class=\"cell\" id=\"cell-1\">"))
        XCTAssertTrue(html.contains("0.13 s"))
        XCTAssertTrue(html.contains("before &lt;tag&gt;"))
        XCTAssertTrue(html.contains("src=\"data:image/png;base64,"))
        XCTAssertTrue(html.contains("src=\"data:image/svg+xml;base64,"))
        XCTAssertTrue(html.contains("<figcaption>noisy &lt;0:1&gt;</figcaption>"))
        XCTAssertFalse(html.contains("http://") && !html.contains("http://www.w3.org/2000/svg"), "no network reference")
        XCTAssertFalse(html.contains("https://"))
        XCTAssertFalse(html.contains("<script"))
        // The 40-line log is folded, its last line in the summary; short output is not.
        XCTAssertTrue(html.contains("<details class=\"output\"><summary>40 lines of output — last: <code>epoch 40/40  train -60</code>"))
        XCTAssertEqual(html.components(separatedBy: "<details").count - 1, 1)
        XCTAssertTrue(html.contains("print &quot;after&quot;"))
    }

    func testInlinedPicturesDecode() throws {
        let html = render()
        let pattern = try NSRegularExpression(pattern: "src=\"data:image/png;base64,([^\"]+)\"")
        let match = try XCTUnwrap(pattern.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)))
        let base64 = String(html[Range(match.range(at: 1), in: html)!])
        let png = try XCTUnwrap(Data(base64Encoded: base64))
        XCTAssertEqual(Array(png.prefix(8)), PNGEncoder.signature)
        let svgPattern = try NSRegularExpression(pattern: "src=\"data:image/svg\\+xml;base64,([^\"]+)\"")
        let svgMatch = try XCTUnwrap(svgPattern.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)))
        let svg = String(decoding: try XCTUnwrap(Data(base64Encoded: String(html[Range(svgMatch.range(at: 1), in: html)!]))),
                         as: UTF8.self)
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.contains("class=\"errorbar\""))
    }

    func testErrorIsShownAtItsCellAndThePageStops() {
        let html = render(failure: NotebookRenderer.Failure(cell: 2, message: "demo.md:21:1: error: unknown command `train`"))
        XCTAssertTrue(html.contains("<section class=\"cell failed\" id=\"cell-2\">"))
        XCTAssertTrue(html.contains("<div class=\"error\" role=\"alert\"><pre>demo.md:21:1: error: unknown command `train`</pre></div>"))
        XCTAssertTrue(html.contains("href=\"#cell-2\">Error in cell 2</a>"))
        XCTAssertTrue(html.contains("stopped with an error in cell 2 of 3"))
        XCTAssertFalse(html.contains("print &quot;after&quot;"), "cells after the failure did not run")
        let errorAt = html.range(of: "role=\"alert\"")!.lowerBound
        let cellAt = html.range(of: "id=\"cell-2\"")!.lowerBound
        XCTAssertLessThan(cellAt, errorAt)
    }

    func testWriteRefusesToOverwriteTheNotebook() throws {
        let dir = try temporaryDirectory()
        let notebook = Notebook.parse(text: source, path: dir + "/demo.md")
        let renderer = NotebookHTMLRenderer(notebook: notebook)
        XCTAssertThrowsError(try renderer.write(to: dir + "/demo.md", outputs: [:], seconds: [:], failure: nil))
        try renderer.write(to: dir + "/sub/demo.html", outputs: outputs(), seconds: [:], failure: nil)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/sub/demo.html"))
    }

    func testDurations() {
        XCTAssertEqual(NotebookHTMLRenderer.duration(0.004), "0.00 s")
        XCTAssertEqual(NotebookHTMLRenderer.duration(12.34), "12.3 s")
        XCTAssertEqual(NotebookHTMLRenderer.duration(245), "4 min 05 s")
        XCTAssertEqual(NotebookHTMLRenderer.duration(7300), "2 h 01 min")
    }

    /// Issue 17, item 3: a line starting with a code span continues its paragraph.
    func testLineStartingWithCodeContinuesTheParagraph() {
        let html = ProseHTML().html("The command\n`bound` prints a bound;\n`train` trains.\n\n`alone` starts one.\n")
        XCTAssertTrue(html.contains("<p>The command <code>bound</code> prints a bound; <code>train</code> trains.</p>"), html)
        XCTAssertTrue(html.contains("<p><code>alone</code> starts one.</p>"), html)
        // A fenced block and a heading are left alone.
        let fenced = ProseHTML().html("# Title\n`x` is code\n\n```text\na\n`b`\n```\n")
        XCTAssertTrue(fenced.contains("<h1 id=\"title\">Title</h1>"), fenced)
        XCTAssertTrue(fenced.contains("a\n`b`"), fenced)
    }

    /// Issue 17, item 3: subscripts written before formulas had dollars render as subscripts,
    /// except in code.
    func testUndelimitedScriptsAreSubscriptsOutsideCode() {
        let html = ProseHTML().html("E_{p(x̃|x)} and 2^D, (1 − p)^(D − f), σ_q(x̃) but `L_dvae` and snake_case_\n")
        XCTAssertTrue(html.contains("E<sub>p(x̃|x)</sub>"), html)
        XCTAssertTrue(html.contains("2<sup>D</sup>"), html)
        XCTAssertTrue(html.contains("(1 − p)<sup>(D − f)</sup>"), html)
        XCTAssertTrue(html.contains("σ<sub>q</sub>(x̃)"), html)
        XCTAssertTrue(html.contains("<code>L_dvae</code>"), html)
        XCTAssertFalse(html.contains("_{") || html.contains("^{"), html)
    }

    /// Issue 17, item 5: small images are shown large enough to see (the browser enlarges the
    /// pixels; the PNG is not bigger).
    func testSmallPicturesAreShownAtAReadableSize() {
        XCTAssertEqual(NotebookHTMLRenderer.displayScale(rowsPerImage: 12, scale: 2), 4)
        XCTAssertEqual(NotebookHTMLRenderer.displayScale(rowsPerImage: 28, scale: 2), 2)
        XCTAssertEqual(NotebookHTMLRenderer.displayScale(rowsPerImage: 100, scale: 2), 1)
        let grid = ImageGrid(images: [testImage(height: 12, width: 12, seed: 0)], height: 12, width: 12, columns: 1, title: "small")
        let notebook = Notebook.parse(text: "```dvae\nshow x\n```\n", path: "/x/small.md")
        let html = NotebookHTMLRenderer(notebook: notebook).render(outputs: [1: [.image(grid)]], seconds: [:], failure: nil)
        let size = grid.rasterSize(scale: 2)
        XCTAssertTrue(html.contains("width=\"\(size.width * 4)\" height=\"\(size.height * 4)\""), html)
    }

    /// Issue 17, item 4: wide output is not cut at the prose width: a cell grows to its output
    /// (up to the window), and what is still wider scrolls with a visible scroll bar.
    func testWideOutputIsNotHiddenAtTheProseWidth() {
        let css = NotebookHTMLRenderer.styleSheet
        XCTAssertTrue(css.contains("main > section.cell{max-width:100%;width:max-content"), css)
        XCTAssertTrue(css.contains("pre::-webkit-scrollbar-thumb"), css)
        XCTAssertFalse(css.contains("main{margin-left:260px;padding:20px 40px 60px;max-width"), "main is not capped")
    }
}
