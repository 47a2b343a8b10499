/// An error in a dvae script, located at the offending token.
///
/// Syntax errors and runtime errors alike carry the file, line and column, the source line and,
/// when one is close enough, a suggestion. `description` renders the familiar compiler layout:
///
/// ```
/// tour.md:12:11: error: unknown command `corupt`
///   let n = corupt mnist.test salt_pepper 0.1
///           ^~~~~~
///   help: did you mean `corrupt`?
/// ```
public struct ScriptError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The script or notebook the error is in (as given to `Interpreter.run`).
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// 1-based column.
    public var column: Int
    /// Number of characters the caret underline covers.
    public var length: Int
    /// What went wrong, in one sentence without a trailing period.
    public var message: String
    /// The full text of the offending line (empty when unknown).
    public var sourceLine: String
    /// A hint such as "did you mean `corrupt`?", or nil.
    public var suggestion: String?
    /// Further syntax errors of the same source, in order (the parser reports every bad
    /// statement, not only the first); empty for runtime errors.
    public var more: [ScriptError] = []
    /// True for a warning: the statement ran, but what it made should not be trusted as it is
    /// (pictures drawn from non-finite values, points a plot left out). Written `warning:`.
    public var isWarning = false

    /// An error with every field given explicitly.
    public init(file: String, line: Int, column: Int, length: Int = 1, message: String,
                sourceLine: String, suggestion: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.length = max(1, length)
        self.message = message
        self.sourceLine = sourceLine
        self.suggestion = suggestion
    }

    /// Longest stretch of a source line an error shows (longer lines are cut around the column).
    public static let maximumShownWidth = 160

    /// `file:line:col: error: message`, the source line, a caret line and an optional help line.
    public var description: String {
        var out = "\(file):\(line):\(column): \(isWarning ? "warning" : "error"): \(message)"
        if !sourceLine.isEmpty {
            // A very long line is shown as a window around the column (a generated line may be
            // megabytes long), with … where it was cut.
            var chars = Array(sourceLine.replacingTabs())
            var caretColumn = column
            let window = ScriptError.maximumShownWidth
            if chars.count > window {
                let start = max(0, min(column - 1 - window / 2, chars.count - window))
                let end = min(chars.count, start + window)
                chars = (start > 0 ? ["…"] : []) + Array(chars[start..<end]) + (end < chars.count ? ["…"] : [])
                caretColumn = column - start + (start > 0 ? 1 : 0)
            }
            let shown = String(chars)
            out += "\n  " + shown
            let pad = String(repeating: " ", count: max(0, caretColumn - 1))
            let width = max(1, min(length, max(1, chars.count - (caretColumn - 1))))
            out += "\n  " + pad + "^" + String(repeating: "~", count: width - 1)
        }
        if let suggestion { out += "\n  help: \(suggestion)" }
        for e in more { out += "\n" + e.description }
        return out
    }
}

/// An error raised while lexing, parsing or running, before the file name and source line are
/// attached; the interpreter turns it into a `ScriptError`.
struct LocatedError: Error {
    /// Where the problem is.
    var location: SourceLocation
    /// What went wrong.
    var message: String
    /// An optional hint.
    var suggestion: String?
    /// Further syntax errors of the same source (see `Parser`).
    var more: [LocatedError] = []

    init(_ message: String, at location: SourceLocation, suggestion: String? = nil) {
        self.message = message
        self.location = location
        self.suggestion = suggestion
    }
}

extension String {
    /// Tabs replaced by single spaces, so caret columns line up with characters.
    func replacingTabs() -> String { String(map { $0 == "\t" ? " " : $0 }) }
}
