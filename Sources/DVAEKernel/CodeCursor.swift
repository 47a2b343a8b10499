/// A position in a cell's code as Jupyter gives it (`cursor_pos`, counted in Unicode code points
/// since protocol 5.2), and the word and line around it.
public struct CodeCursor: Equatable, Sendable {
    /// The code before the cursor.
    public var before: String
    /// The word ending at the cursor: letters, digits, `_` and `.` (so `data.te` completes members).
    public var word: String
    /// The word's first code point (`cursor_start` of a completion).
    public var wordStart: Int
    /// The cursor (`cursor_end` of a completion).
    public var position: Int
    /// The current line up to the cursor.
    public var line: String
    /// Whether the cursor is inside a string literal (an odd number of `"` on the line before it).
    public var inString: Bool

    /// The cursor at code point `position` of `code` (clamped to the code).
    public init(code: String, position: Int) {
        let scalars = Array(code.unicodeScalars)
        let cursor = min(max(0, position), scalars.count)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[..<cursor])
        before = String(view)
        var start = cursor
        while start > 0, Self.isWordScalar(scalars[start - 1]) { start -= 1 }
        var wordView = String.UnicodeScalarView()
        wordView.append(contentsOf: scalars[start..<cursor])
        word = String(wordView)
        wordStart = start
        self.position = cursor
        line = before.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        inString = line.filter { $0 == "\"" }.count % 2 == 1
    }

    /// The whole word around the cursor (for inspection, where the cursor may be inside it).
    public static func word(in code: String, at position: Int) -> String {
        let scalars = Array(code.unicodeScalars)
        let cursor = min(max(0, position), scalars.count)
        var start = cursor, end = cursor
        while start > 0, isWordScalar(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, isWordScalar(scalars[end]) { end += 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        var word = String(view)
        // `?train`: the help form names the command after the question mark.
        if word.isEmpty, cursor < scalars.count, scalars[cursor] == "?" {
            return Self.word(in: code, at: cursor + 1)
        }
        while word.hasSuffix(".") { word.removeLast() }
        return word
    }

    /// Letters, digits, `_` and `.`.
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        s.properties.isAlphabetic || s.properties.numericType != nil || s == "_" || s == "."
    }
}
