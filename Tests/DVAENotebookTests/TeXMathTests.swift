import Foundation
import XCTest
@testable import DVAENotebook

/// The TeX-subset → MathML translator: every construct the notebooks use, the Unicode
/// conveniences, and located errors.
final class TeXMathTests: XCTestCase {
    /// The MathML between `<semantics><mrow>` and `</mrow><annotation`, for short assertions.
    func body(_ tex: String, display: Bool = false) throws -> String {
        let full = try TeXMath.mathML(tex, display: display)
        let start = full.range(of: "<semantics><mrow>")!.upperBound
        let end = full.range(of: "</mrow><annotation", options: .backwards)!.lowerBound
        return String(full[start..<end])
    }

    func testSubscriptsAndSuperscripts() throws {
        XCTAssertEqual(try body("x_1"), "<msub><mi>x</mi><mn>1</mn></msub>")
        XCTAssertEqual(try body("x^{3/2}"),
                       "<msup><mi>x</mi><mrow><mn>3</mn><mo lspace=\"0\" rspace=\"0\">/</mo><mn>2</mn></mrow></msup>")
        XCTAssertEqual(try body("x_i^2"), "<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>")
        XCTAssertEqual(try body("x^2_i"), "<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>")
        // A word as a subscript is a label, set upright; two letters stay variables.
        XCTAssertEqual(try body("L_dvae"), "<msub><mi>L</mi><mi>dvae</mi></msub>")
        XCTAssertEqual(try body("z_km"), "<msub><mi>z</mi><mrow><mi>k</mi><mi>m</mi></mrow></msub>")
        XCTAssertEqual(try body("E_{q_Φ(z|x)}").hasPrefix("<msub><mi>E</mi><mrow><msub><mi>q</mi><mi mathvariant=\"normal\">Φ</mi></msub>"), true)
    }

    func testUnicodeScriptsAccentsAndPrimes() throws {
        XCTAssertEqual(try body("σ²"), "<msup><mi>σ</mi><mn>2</mn></msup>")
        XCTAssertEqual(try body("V⁻¹"), "<msup><mi>V</mi><mrow><mo>−</mo><mn>1</mn></mrow></msup>")
        XCTAssertEqual(try body("Aᵀ"), "<msup><mi>A</mi><mi mathvariant=\"normal\">T</mi></msup>")
        XCTAssertEqual(try body("x̃"), "<mover accent=\"true\"><mi>x</mi><mo stretchy=\"false\">~</mo></mover>")
        XCTAssertEqual(try body("\\tilde{x}"), try body("x̃"))
        XCTAssertEqual(try body("z′"), "<mrow><mi>z</mi><mo lspace=\"0\" rspace=\"0\">′</mo></mrow>")
        XCTAssertEqual(try body("z'"), try body("z′"))
        XCTAssertEqual(try body("½"), "<mfrac><mn>1</mn><mn>2</mn></mfrac>")
    }

    func testFractionsRootsGreekFonts() throws {
        XCTAssertEqual(try body("\\frac{a}{b}"), "<mfrac><mi>a</mi><mi>b</mi></mfrac>")
        XCTAssertEqual(try body("\\frac12"), "<mfrac><mn>1</mn><mn>2</mn></mfrac>")
        XCTAssertEqual(try body("\\sqrt{N}"), "<msqrt><mi>N</mi></msqrt>")
        XCTAssertTrue(try body("\\sqrt[3]{x}").hasPrefix("<mroot>"))
        XCTAssertEqual(try body("\\alpha\\Phi"), "<mrow><mi>α</mi><mi mathvariant=\"normal\">Φ</mi></mrow>")
        XCTAssertEqual(try body("\\mathbb{E}"), "<mi mathvariant=\"normal\">𝔼</mi>")
        XCTAssertEqual(try body("\\mathbb{R}"), "<mi mathvariant=\"normal\">ℝ</mi>")
        XCTAssertEqual(try body("\\mathcal{N}"), "<mi mathvariant=\"normal\">𝒩</mi>")
        XCTAssertEqual(try body("\\text{ if }"), "<mtext>\u{A0}if\u{A0}</mtext>")
    }

    func testSumsNormsOperatorsAndNames() throws {
        XCTAssertEqual(try body("\\sum_{k=1}^K"),
                       "<munderover><mo>∑</mo><mrow><mi>k</mi><mo>=</mo><mn>1</mn></mrow><mi>K</mi></munderover>")
        // The notebooks write Σ for a sum.
        XCTAssertEqual(try body("Σ_k"), "<munder><mo>∑</mo><mi>k</mi></munder>")
        XCTAssertTrue(try body("\\|x\\|").contains("<mo stretchy=\"false\" lspace=\"0.1em\" rspace=\"0.1em\">‖</mo>"))
        XCTAssertEqual(try body("a ≥ b"), "<mrow><mi>a</mi><mo>≥</mo><mi>b</mi></mrow>")
        XCTAssertEqual(try body("a - b"), "<mrow><mi>a</mi><mo>−</mo><mi>b</mi></mrow>")
        XCTAssertEqual(try body("z ~ q"), "<mrow><mi>z</mi><mo>∼</mo><mi>q</mi></mrow>")
        // Operator names need no backslash; `log p` gets TeX's thin space, `KL(` none.
        XCTAssertEqual(try body("log p"), "<mrow><mi>log</mi><mspace width=\"0.1667em\"></mspace><mi>p</mi></mrow>")
        XCTAssertEqual(try body("\\log p"), try body("log p"))
        XCTAssertTrue(try body("KL(q)").hasPrefix("<mrow><mi>KL</mi><mo stretchy=\"false\">(</mo>"))
        // Any other run of letters is a product of variables.
        XCTAssertEqual(try body("Wz"), "<mrow><mi>W</mi><mi>z</mi></mrow>")
        XCTAssertEqual(try body("\\left( \\frac{a}{b} \\right)"),
                       "<mrow><mo stretchy=\"true\">(</mo><mfrac><mi>a</mi><mi>b</mi></mfrac><mo stretchy=\"true\">)</mo></mrow>")
    }

    func testAlignedDisplay() throws {
        let html = try body("a &= b \\\\ &= c", display: true)
        XCTAssertTrue(html.hasPrefix("<mtable><mtr><mtd style=\"text-align:right;padding-right:0\"><mi>a</mi></mtd>"), html)
        XCTAssertEqual(html.components(separatedBy: "<mtr>").count - 1, 2)
        XCTAssertTrue(try body("\\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}").contains("<mtable>"))
        XCTAssertTrue(try TeXMath.mathML("x", display: true).contains("display=\"block\""))
        XCTAssertTrue(try TeXMath.mathML("a<b", display: false).contains("<annotation encoding=\"application/x-tex\">a&lt;b</annotation>"))
    }

    func testErrorsAreLocatedAndSayWhatToDo() {
        func error(_ tex: String, display: Bool = false) -> MathError? {
            do { _ = try TeXMath.mathML(tex, display: display); return nil } catch { return error as? MathError }
        }
        XCTAssertEqual(error("a + \\foo")?.offset, 4)
        XCTAssertEqual(error("a + \\foo")?.message, "unknown command `\\foo`")
        XCTAssertEqual(error("x_{1")?.offset, 2)
        XCTAssertEqual(error("x_{1")?.message, "unclosed `{`")
        XCTAssertEqual(error("x}")?.message, "unmatched `}`")
        XCTAssertEqual(error("x_1_2")?.message, "double subscript")
        XCTAssertEqual(error("x^")?.message, "`^` with nothing after it")
        XCTAssertEqual(error("\\frac{a}")?.message, "`\\frac` is missing an argument")
        XCTAssertEqual(error("\\left( x")?.message, "`\\left` without `\\right`")
        XCTAssertEqual(error("a \\\\ b")?.message, "`&` and `\\\\` (alignment and line breaks) need a display formula")
        XCTAssertNil(error("a \\\\ b", display: true))
        XCTAssertEqual(error("\\begin{foo} x \\end{foo}")?.message, "unknown environment `foo`")
    }

    func testSpansFollowTheDollarConvention() {
        let pieces = MathSpans.split("a $x_1$ costs $5 and $6, `$y$` code, \\$z$ and $$ \\frac12 $$.")
        let formulas = pieces.compactMap { p -> String? in
            if case let .math(source, display, _) = p { return "\(display ? "D" : "I"):\(source)" }
            return nil
        }
        XCTAssertEqual(formulas, ["I:x_1", "D: \\frac12 "])
        // Not across a blank line; not inside a fenced block.
        XCTAssertEqual(MathSpans.split("$a\n\nb$").count, 1)
        XCTAssertEqual(MathSpans.split("```\n$a$\n```\n").count, 1)
        // In a table row `\|` is the escaped separator and means `|`.
        XCTAssertEqual(MathSpans.split("| $p(x\\|z)$ |").dropFirst().first, .math(source: "p(x|z)", display: false, offset: 3))
    }

    func testProsePageTypesetsFormulasAndReportsBadOnes() {
        let prose = ProseHTML()
        let html = prose.html("# Bound $L_dvae$\n\nWe have $log p(x) ≥ L_dvae$ and $\\oops$.\n\n$$ a = b $$\n", line: 10)
        XCTAssertTrue(html.contains("<h1 id=\"bound-l-dvae\">Bound <math"), html)
        XCTAssertEqual(prose.headings.first?.text, "Bound L_dvae")
        XCTAssertEqual(html.components(separatedBy: "<math ").count - 1, 3, html)
        XCTAssertTrue(html.contains("display=\"block\""))
        XCTAssertTrue(html.contains("<code class=\"math-error\""))
        XCTAssertEqual(prose.mathProblems.map { "\($0.line):\($0.column)" }, ["12:34"])
    }

    /// Every formula of every notebook is typeset (none falls back to its source).
    func testEveryNotebookFormulaTranslates() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("notebooks")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".md") }.sorted()
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let notebook = try Notebook.load(path: dir.appendingPathComponent(name).path)
            let warnings = NotebookHTMLRenderer(notebook: notebook).mathWarnings()
            XCTAssertEqual(warnings, [], name)
        }
    }
}
