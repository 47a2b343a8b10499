import Foundation

/// Translates a formula in the notebooks' TeX subset (see ``TeXMathParser``) into MathML, which
/// browsers lay out natively: no script, no font, no network.
///
/// The MathML keeps the source as an `application/x-tex` annotation (not shown; copied by
/// readers that know it).
public enum TeXMath {
    /// The `<math>` element for `source`; `display` gives a centred block (`$$…$$`), otherwise an
    /// inline formula (`$…$`). Throws a ``MathError`` located in `source`.
    public static func mathML(_ source: String, display: Bool) throws -> String {
        var parser = TeXMathParser(source)
        let node = try parser.parseFormula(display: display)
        var writer = MathMLWriter()
        writer.write(node)
        let trimmed = source.trimmingCharacters(in: .whitespacesAndNewlines)
        return "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"\(display ? "block" : "inline")\">"
            + "<semantics><mrow>\(writer.output)</mrow>"
            + "<annotation encoding=\"application/x-tex\">\(MathMLWriter.escape(trimmed))</annotation>"
            + "</semantics></math>"
    }
}
