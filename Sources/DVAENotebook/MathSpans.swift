import Foundation

/// Finds the formulas in Markdown prose: `$…$` inline and `$$…$$` display.
///
/// The convention is pandoc's (and GitHub's): an inline formula's opening `$` is not followed by
/// a space and its closing `$` is not preceded by one nor followed by a digit, so "costs $5 and
/// $6" stays text; `\$` is a literal dollar; a formula does not cross a blank line; nothing
/// inside a code span or a fenced block is a formula. In a table row, `\|` inside a formula is
/// the Markdown escape of the cell separator, so it stands for `|` (write `‖` or `\Vert` for a
/// norm there).
enum MathSpans {
    /// A piece of prose: Markdown to leave alone, or a formula.
    enum Piece: Equatable {
        /// Markdown text, verbatim.
        case text(String)
        /// A formula: its TeX source (without the dollars), whether display, and the 0-based
        /// offset (in characters) of its first source character in the prose.
        case math(source: String, display: Bool, offset: Int)
    }

    /// Splits `markdown` into text and formulas.
    static func split(_ markdown: String) -> [Piece] {
        let c = Array(markdown)
        var pieces: [Piece] = []
        var text = ""
        var i = 0
        var atLineStart = true
        var inFence: (Character, Int)? = nil
        var lineIsTableRow = false

        func flush() {
            if !text.isEmpty { pieces.append(.text(text)) }
            text = ""
        }
        /// Whether the text from `j` up to the end of its line starts a fence; returns its
        /// character and length.
        func fence(at j: Int) -> (Character, Int)? {
            var k = j, indent = 0
            while k < c.count, c[k] == " ", indent < 4 { k += 1; indent += 1 }
            guard indent < 4, k < c.count, c[k] == "`" || c[k] == "~" else { return nil }
            let ch = c[k]
            var n = 0
            while k < c.count, c[k] == ch { k += 1; n += 1 }
            return n >= 3 ? (ch, n) : nil
        }
        func endOfLine(_ j: Int) -> Int {
            var k = j
            while k < c.count, c[k] != "\n" { k += 1 }
            return k
        }
        /// Index of a blank line's start after `j` (the paragraph's end), or the text's end.
        func paragraphEnd(_ j: Int) -> Int {
            var k = j
            while k < c.count {
                if c[k] == "\n" {
                    var m = k + 1
                    while m < c.count, c[m] == " " || c[m] == "\t" { m += 1 }
                    if m >= c.count || c[m] == "\n" { return k }
                }
                k += 1
            }
            return c.count
        }

        while i < c.count {
            if atLineStart {
                atLineStart = false
                let trimmed = c[i..<endOfLine(i)].drop(while: { $0 == " " })
                lineIsTableRow = trimmed.first == "|"
                if let open = inFence {
                    // Inside a fenced block: copy lines until the closing fence.
                    let end = endOfLine(i)
                    let line = Array(c[i..<end])
                    if let f = fence(at: i), f.0 == open.0, f.1 >= open.1,
                       line.drop(while: { $0 == " " }).allSatisfy({ $0 == open.0 || $0 == " " }) {
                        inFence = nil
                    }
                    text += String(line)
                    i = end
                    continue
                }
                if let f = fence(at: i) {
                    inFence = f
                    let end = endOfLine(i)
                    text += String(c[i..<end])
                    i = end
                    continue
                }
            }
            let ch = c[i]
            if ch == "\n" {
                text.append(ch)
                i += 1
                atLineStart = true
                continue
            }
            if ch == "\\", i + 1 < c.count {
                text.append(ch)
                text.append(c[i + 1])
                i += 2
                if c[i - 1] == "\n" { atLineStart = true }
                continue
            }
            if ch == "`" {
                // A code span: a run of n backticks up to the next run of exactly n.
                var n = 0
                while i + n < c.count, c[i + n] == "`" { n += 1 }
                let limit = paragraphEnd(i)
                var k = i + n
                var close: Int? = nil
                while k < limit {
                    if c[k] == "`" {
                        var m = 0
                        while k + m < c.count, c[k + m] == "`" { m += 1 }
                        if m == n { close = k; break }
                        k += m
                    } else {
                        k += 1
                    }
                }
                let end = close.map { $0 + n } ?? (i + n)
                text += String(c[i..<end])
                i = end
                continue
            }
            if ch == "$" {
                let limit = paragraphEnd(i)
                if i + 1 < c.count, c[i + 1] == "$" {
                    // Display: up to the next `$$` within the paragraph.
                    var k = i + 2
                    while k + 1 < limit, !(c[k] == "$" && c[k + 1] == "$" && c[k - 1] != "\\") { k += 1 }
                    if k + 1 < limit {
                        flush()
                        pieces.append(.math(source: unescapeTable(String(c[(i + 2)..<k]), lineIsTableRow),
                                            display: true, offset: i + 2))
                        i = k + 2
                        continue
                    }
                } else if i + 1 < c.count, !c[i + 1].isWhitespace {
                    var k = i + 1
                    var close: Int? = nil
                    while k < limit {
                        if c[k] == "\\" { k += 2; continue }
                        if c[k] == "`" { break }  // a code span begins: no formula crosses into it
                        if c[k] == "$" {
                            let before = c[k - 1]
                            let after: Character? = k + 1 < c.count ? c[k + 1] : nil
                            if !before.isWhitespace && !(after?.isNumber ?? false) { close = k }
                            break
                        }
                        k += 1
                    }
                    if let close {
                        flush()
                        pieces.append(.math(source: unescapeTable(String(c[(i + 1)..<close]), lineIsTableRow),
                                            display: false, offset: i + 1))
                        i = close + 1
                        continue
                    }
                }
            }
            text.append(ch)
            i += 1
        }
        flush()
        return pieces
    }

    /// In a table row, `\|` is Markdown's escaped cell separator: the formula means `|`.
    private static func unescapeTable(_ source: String, _ tableRow: Bool) -> String {
        tableRow ? source.replacingOccurrences(of: "\\|", with: "|") : source
    }
}
