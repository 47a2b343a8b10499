import Foundation
import Ink

/// Markdown prose to HTML with Ink, giving every heading a unique `id` and recording it for the
/// table of contents.
///
/// One instance renders all prose cells of a page in order, so ids stay unique across cells.
final class ProseHTML {
    /// A heading of the page, in document order.
    struct Heading: Equatable {
        /// 1 for `#`, 2 for `##`, …
        var level: Int
        /// The heading's inner HTML (inline formatting kept).
        var html: String
        /// Its plain text.
        var text: String
        /// The `id` attribute it was given.
        var id: String
    }

    /// Headings seen so far.
    private(set) var headings: [Heading] = []
    /// Ids handed out so far.
    private var usedIDs = Set<String>()
    /// Ink, with a modifier that adds ids to headings.
    private var parser = MarkdownParser()

    init() {
        parser.addModifier(Modifier(target: .headings) { [unowned self] input in
            self.anchor(input.html)
        })
    }

    /// A formula that could not be typeset: where it is in the notebook and why.
    struct MathProblem: Equatable {
        /// 1-based line and column in the notebook file.
        var line: Int, column: Int
        /// What is wrong.
        var error: MathError
    }

    /// Formulas of the cells rendered so far that could not be typeset (shown as their source).
    private(set) var mathProblems: [MathProblem] = []
    /// The current cell's formulas as MathML (with their plain source), by placeholder number.
    private var formulas: [(html: String, source: String)] = []

    /// Opens a placeholder for a formula while Ink runs (private-use characters around its number).
    static let formulaOpen: Character = "\u{E001}"
    /// Closes a formula placeholder.
    static let formulaClose: Character = "\u{E002}"

    /// The HTML of one prose cell whose first line is line `line` of the notebook: Markdown by
    /// Ink, formulas (`$…$`, `$$…$$`, see ``MathSpans``) as MathML.
    func html(_ markdown: String, line: Int = 1) -> String {
        formulas = []
        var protected = ""
        for piece in MathSpans.split(markdown) {
            switch piece {
            case .text(let text):
                protected += text
            case let .math(source, display, offset):
                let html: String
                do {
                    html = try TeXMath.mathML(source, display: display)
                } catch let error as MathError {
                    let (l, col) = Self.position(of: offset + error.offset, in: markdown)
                    mathProblems.append(MathProblem(line: line + l - 1, column: col, error: error))
                    let delimiter = display ? "$$" : "$"
                    html = "<code class=\"math-error\" title=\"\(Self.attribute(error.description))\">"
                        + "\(Self.attribute(delimiter + source + delimiter))</code>"
                } catch {
                    html = "<code class=\"math-error\">\(Self.attribute(source))</code>"
                }
                protected += "\(Self.formulaOpen)\(formulas.count)\(Self.formulaClose)"
                formulas.append((html, source))
            }
        }
        let joined = Self.joinLinesStartingWithCode(protected)
        let rendered = ProseHTML.scriptsAsHTML(parser.html(from: ProseHTML.protectSubscripts(joined)))
        return substituteFormulas(rendered, plain: false)
    }

    /// Joins a paragraph line that starts with a code span (`` `x` is …``) to the line before it.
    ///
    /// Ink 0.6 starts a new paragraph at such a line (it takes the backtick for a code fence);
    /// CommonMark continues the paragraph, and a soft line break renders as a space anyway. Lines
    /// after a blank line, a heading, a table row or inside a fenced block are left alone.
    static func joinLinesStartingWithCode(_ markdown: String) -> String {
        var out: [String] = []
        var inFence = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence.toggle()
                out.append(line)
                continue
            }
            if !inFence, trimmed.hasPrefix("`"), let previous = out.last {
                let p = previous.drop(while: { $0 == " " })
                let continues = !p.isEmpty && !p.hasPrefix("#") && !p.hasPrefix("|") && !p.hasPrefix("```")
                    && !p.hasPrefix("~~~") && !p.hasPrefix(">") && !previous.hasPrefix("    ")
                if continues {
                    out[out.count - 1] = previous + " " + trimmed
                    continue
                }
            }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    /// `html` with each formula placeholder replaced by its MathML, or by its source when `plain`.
    private func substituteFormulas(_ html: String, plain: Bool) -> String {
        guard html.contains(Self.formulaOpen) else { return html }
        var out = ""
        var number: String? = nil
        for ch in html {
            if ch == Self.formulaOpen { number = ""; continue }
            if ch == Self.formulaClose, let n = number {
                if let k = Int(n), k < formulas.count {
                    out += plain ? formulas[k].source : formulas[k].html
                }
                number = nil
                continue
            }
            if number != nil { number!.append(ch) } else { out.append(ch) }
        }
        return out
    }

    /// 1-based line and column of the character at `offset` in `text`.
    static func position(of offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for (k, ch) in text.enumerated() {
            if k == offset { break }
            if ch == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    /// Escapes text for an HTML attribute or element.
    static func attribute(_ s: String) -> String { MathMLWriter.escape(s) }

    /// Stands in for a subscript underscore while Ink runs (a private-use character).
    static let subscriptPlaceholder: Character = "\u{E000}"

    /// Hides the underscores of subscripts (`L_dvae`, `E_{p(x̃|x)}`, `σ_q(x̃)`) from Ink, which
    /// would otherwise read `L_vae = E_q` as emphasis (CommonMark says an underscore inside a word
    /// never emphasises; Ink 0.6 does not implement that rule, and a backslash does not escape it).
    /// An underscore counts as a subscript when a letter, digit or closing bracket comes before it
    /// and a letter, digit, `{` or `(` after it; `_emphasis_` between spaces is left alone.
    static func protectSubscripts(_ markdown: String) -> String {
        var out = ""
        var previous: Character? = nil
        let characters = Array(markdown)
        for (i, ch) in characters.enumerated() {
            if ch == "_", let before = previous, i + 1 < characters.count {
                let after = characters[i + 1]
                let opensSubscript = before.isLetter || before.isNumber || ")]}".contains(before)
                let continues = after.isLetter || after.isNumber || after == "{" || after == "("
                if opensSubscript && continues {
                    out.append(subscriptPlaceholder)
                    previous = ch
                    continue
                }
            }
            out.append(ch)
            previous = ch
        }
        return out
    }

    /// Puts the underscores hidden by ``protectSubscripts(_:)`` back.
    static func restoreSubscripts(_ html: String) -> String {
        html.replacingOccurrences(of: String(subscriptPlaceholder), with: "_")
    }

    /// Puts the underscores hidden by ``protectSubscripts(_:)`` back as HTML subscripts, and
    /// `^{…}` as superscripts, in prose written before formulas had dollars (`L_dvae` →
    /// L<sub>dvae</sub>, `E_{p(x̃|x)}`, `2^D`, `(1 − p)^(D − f)`): so no raw `_{` or `^{` is left on
    /// the page. Inside `<code>` and `<pre>` they stay as written. The script is a `{…}` group
    /// (braces dropped), a `(…)` group, or a run of letters and digits.
    static func scriptsAsHTML(_ html: String) -> String {
        let c = Array(html)
        var out = ""
        var i = 0
        var codeDepth = 0
        /// The end (exclusive) of the script starting at `j`, and its inner range.
        func script(at j: Int) -> (end: Int, inner: Range<Int>)? {
            guard j < c.count else { return nil }
            if c[j] == "{" || c[j] == "(" {
                let open = c[j], close: Character = open == "{" ? "}" : ")"
                var depth = 0, k = j
                while k < c.count {
                    if c[k] == open { depth += 1 }
                    if c[k] == close { depth -= 1; if depth == 0 { break } }
                    if c[k] == "\n" { return nil }
                    k += 1
                }
                guard k < c.count, c[k] == close else { return nil }
                return open == "{" ? (k + 1, (j + 1)..<k) : (k + 1, j..<(k + 1))
            }
            var k = j
            while k < c.count, c[k].isLetter || c[k].isNumber || c[k] == subscriptPlaceholder { k += 1 }
            return k > j ? (k, j..<k) : nil
        }
        while i < c.count {
            let ch = c[i]
            if ch == "<" {
                var k = i
                while k < c.count, c[k] != ">" { k += 1 }
                let tag = String(c[i..<min(k + 1, c.count)]).lowercased()
                if tag.hasPrefix("<code") || tag.hasPrefix("<pre") { codeDepth += 1 }
                if tag.hasPrefix("</code") || tag.hasPrefix("</pre") { codeDepth = max(0, codeDepth - 1) }
                out += String(c[i..<min(k + 1, c.count)])
                i = k + 1
                continue
            }
            if codeDepth == 0, ch == subscriptPlaceholder || ch == "^", i > 0,
               c[i - 1].isLetter || c[i - 1].isNumber || ")]}".contains(c[i - 1]),
               ch != "^" || (i + 1 < c.count && (c[i + 1] == "{" || c[i + 1] == "(" || c[i + 1].isLetter || c[i + 1].isNumber)),
               let s = script(at: i + 1) {
                let inner = String(c[s.inner]).replacingOccurrences(of: String(subscriptPlaceholder), with: "_")
                let tag = ch == "^" ? "sup" : "sub"
                out += "<\(tag)>\(inner)</\(tag)>"
                i = s.end
                continue
            }
            out.append(ch == subscriptPlaceholder ? "_" : ch)
            i += 1
        }
        return out
    }

    /// Adds an `id` to the heading element `html` (`<h2>…</h2>`) and records it.
    private func anchor(_ html: String) -> String {
        guard html.hasPrefix("<h"), html.count >= 9,
              let level = Int(String(html[html.index(html.startIndex, offsetBy: 2)])),
              let close = html.firstIndex(of: ">"), let end = html.range(of: "</h\(level)>", options: .backwards)
        else { return html }
        let heading = String(html[html.index(after: close)..<end.lowerBound])
        let inner = substituteFormulas(ProseHTML.scriptsAsHTML(heading), plain: false)
        let text = ProseHTML.plainText(substituteFormulas(ProseHTML.restoreSubscripts(heading), plain: true))
        let id = uniqueID(ProseHTML.slug(text))
        headings.append(Heading(level: level, html: inner, text: text, id: id))
        return "<h\(level) id=\"\(id)\">\(inner)</h\(level)>"
    }

    /// `base`, or `base-2`, `base-3`, … if taken.
    private func uniqueID(_ base: String) -> String {
        var id = base.isEmpty ? "section" : base
        var n = 2
        while usedIDs.contains(id) {
            id = "\(base.isEmpty ? "section" : base)-\(n)"
            n += 1
        }
        usedIDs.insert(id)
        return id
    }

    /// Text of an HTML fragment: tags dropped, the five entities Ink writes decoded.
    static func plainText(_ html: String) -> String {
        var out = "", inTag = false
        for ch in html {
            if ch == "<" { inTag = true } else if ch == ">" { inTag = false } else if !inTag { out.append(ch) }
        }
        for (entity, ch) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            out = out.replacingOccurrences(of: entity, with: ch)
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// A URL fragment for `text`: lower-case letters and digits (any script), words joined by `-`.
    static func slug(_ text: String) -> String {
        var out = "", pendingDash = false
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber {
                if pendingDash && !out.isEmpty { out.append("-") }
                pendingDash = false
                out.append(ch)
            } else {
                pendingDash = true
            }
        }
        return out
    }
}
