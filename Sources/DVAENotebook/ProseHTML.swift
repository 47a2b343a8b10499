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

    /// The HTML of one prose cell.
    func html(_ markdown: String) -> String {
        ProseHTML.restoreSubscripts(parser.html(from: ProseHTML.protectSubscripts(markdown)))
    }

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

    /// Adds an `id` to the heading element `html` (`<h2>…</h2>`) and records it.
    private func anchor(_ html: String) -> String {
        guard html.hasPrefix("<h"), html.count >= 9,
              let level = Int(String(html[html.index(html.startIndex, offsetBy: 2)])),
              let close = html.firstIndex(of: ">"), let end = html.range(of: "</h\(level)>", options: .backwards)
        else { return html }
        let inner = ProseHTML.restoreSubscripts(String(html[html.index(after: close)..<end.lowerBound]))
        let text = ProseHTML.plainText(inner)
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
