import Foundation

/// Writes a ``MathNode`` tree as MathML Core presentation markup.
struct MathMLWriter {
    /// The markup so far.
    private(set) var output = ""

    /// Appends the markup of `node`.
    mutating func write(_ node: MathNode) {
        switch node {
        case let .identifier(s, upright):
            // One-letter `<mi>` is italic by default; a longer one is upright already.
            let attribute = upright && s.count == 1 ? " mathvariant=\"normal\"" : ""
            output += "<mi\(attribute)>\(Self.escape(s))</mi>"
        case .number(let s):
            output += "<mn>\(Self.escape(s))</mn>"
        case let .op(s, stretchy, size):
            var attributes = ""
            if let stretchy { attributes += " stretchy=\"\(stretchy)\"" }
            if let size { attributes += " minsize=\"\(size)em\" maxsize=\"\(size)em\"" }
            // `|` and `‖` in p(x|z) and ‖·‖: TeX sets them with no space; MathML's dictionary
            // would give the vertical bar relation spacing.
            if s == "|" || s == "‖" { attributes += " lspace=\"0.1em\" rspace=\"0.1em\"" }
            if s == "∣" { attributes += " lspace=\"0.2em\" rspace=\"0.2em\"" }
            // A slash and a prime are ordinary characters in TeX: no space around them.
            if s == "/" || s == "′" || s == "″" { attributes += " lspace=\"0\" rspace=\"0\"" }
            output += "<mo\(attributes)>\(Self.escape(s))</mo>"
        case .text(let s):
            // Spaces at the ends of `\text{ and }` would collapse: keep them as no-break spaces.
            var t = s
            if t.hasPrefix(" ") { t = "\u{A0}" + t.dropFirst() }
            if t.hasSuffix(" ") { t = t.dropLast() + "\u{A0}" }
            output += "<mtext>\(Self.escape(t))</mtext>"
        case .space(let em):
            if em >= 0 {
                output += "<mspace width=\"\(Self.number(em))em\"></mspace>"
            } else {
                output += "<mspace style=\"margin-left:\(Self.number(em))em\"></mspace>"
            }
        case .row(let items) where items.count == 1:
            write(items[0])
        case .row(let items):
            output += "<mrow>"
            for (k, item) in items.enumerated() {
                write(item)
                // `log p`: an operator name is followed by a thin space unless a bracket follows
                // (TeX's `\log p` versus `\log(p)`).
                if k + 1 < items.count, Self.isOperatorName(item), !Self.isOpeningBracket(items[k + 1]) {
                    output += "<mspace width=\"0.1667em\"></mspace>"
                }
            }
            output += "</mrow>"
        case let .fraction(num, den, display, thickness):
            var attributes = ""
            if let thickness { attributes += " linethickness=\"\(thickness)\"" }
            if let display {
                output += "<mstyle displaystyle=\"\(display)\">"
            }
            output += "<mfrac\(attributes)>"
            wrapped(num)
            wrapped(den)
            output += "</mfrac>"
            if display != nil { output += "</mstyle>" }
        case let .root(base, index):
            if let index {
                output += "<mroot>"
                wrapped(base)
                wrapped(index)
                output += "</mroot>"
            } else {
                output += "<msqrt>"
                write(base)
                output += "</msqrt>"
            }
        case let .scripts(base, sub, sup, limits):
            let tag: String
            switch (sub != nil, sup != nil, limits) {
            case (true, true, true): tag = "munderover"
            case (true, false, true): tag = "munder"
            case (false, true, true): tag = "mover"
            case (true, true, false): tag = "msubsup"
            case (true, false, false): tag = "msub"
            default: tag = "msup"
            }
            output += "<\(tag)>"
            wrapped(base)
            if let sub { wrapped(sub) }
            if let sup { wrapped(sup) }
            output += "</\(tag)>"
        case let .accent(base, mark, stretchy):
            output += "<mover accent=\"true\">"
            wrapped(base)
            output += "<mo stretchy=\"\(stretchy)\">\(Self.escape(mark))</mo></mover>"
        case let .table(rows, align):
            let alignments = Array(align)
            output += "<mtable>"
            for row in rows {
                output += "<mtr>"
                for (column, cell) in row.enumerated() {
                    let a = alignments.isEmpty ? "c" : alignments[column % alignments.count]
                    let textAlign = a == "r" ? "right" : a == "l" ? "left" : "center"
                    // Pairs of `aligned` columns (right, left) meet at the `&` with no gap.
                    var style = "text-align:\(textAlign)"
                    if align == "rl" { style += column % 2 == 0 ? ";padding-right:0" : ";padding-left:0" }
                    output += "<mtd style=\"\(style)\">"
                    write(cell)
                    output += "</mtd>"
                }
                output += "</mtr>"
            }
            output += "</mtable>"
        }
    }

    /// Writes `node` as exactly one element (script and fraction children must be single
    /// elements; an empty row is still one `<mrow>`).
    private mutating func wrapped(_ node: MathNode) {
        write(node)
    }

    /// Whether `node` is an operator name such as `log` or `tr` (possibly with scripts).
    static func isOperatorName(_ node: MathNode) -> Bool {
        switch node {
        case .identifier(let s, true): return s.count > 1
        case .scripts(let base, _, _, _): return isOperatorName(base)
        default: return false
        }
    }

    /// Whether `node` is an opening bracket (after which an operator name needs no space).
    static func isOpeningBracket(_ node: MathNode) -> Bool {
        if case .op(let s, _, _) = node { return ["(", "[", "{", "⟨", "|", "‖"].contains(s) }
        if case .row(let items) = node, let first = items.first { return isOpeningBracket(first) }
        return false
    }

    /// `0.1667`, `1`, `-0.1667`.
    static func number(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(format: "%.4g", x)
    }

    /// Escapes `&`, `<`, `>` and `"` for MathML text and attributes (the SVG renderer's XML escape).
    static func escape(_ s: String) -> String { SVGPlotRenderer.escape(s) }
}
