/// What a front end (a Jupyter kernel, an editor) asks about code without running it: whether an
/// input is a finished statement, and the help or summary for the word under the cursor.
extension Interpreter {
    /// Whether an input is ready to run.
    public enum InputStatus: Equatable, Sendable {
        /// It parses: run it.
        case complete
        /// An open bracket, brace or string, or a trailing `\`: read another line.
        case incomplete
        /// It will not parse however it goes on; running it shows the located error.
        case invalid
    }

    /// Whether `source` is complete, incomplete (as ``needsMoreInput(_:)``) or a syntax error.
    public func inputStatus(_ source: String) -> InputStatus {
        if needsMoreInput(source) { return .incomplete }
        return (try? Parser.parse(source, budget: budget)) == nil ? .invalid : .complete
    }

    /// The help text for `word` (a command, statement or topic, as `?word` prints it), or else a
    /// one-line summary of the variable named `word` (`name: a dataset, …`); nil when it is
    /// neither. Nothing is computed: variables are only looked up.
    public func inspection(of word: String) -> String? {
        let name = word.hasPrefix("?") ? String(word.dropFirst()) : word
        guard !name.isEmpty else { return try? Help.text(for: nil, at: nil) }
        if Help.topics.contains(name), let text = try? Help.text(for: name, at: nil) { return text }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, var value = globals.lookup(first) else { return nil }
        for member in parts.dropFirst() {
            guard Interpreter.memberNames(of: value).contains(member),
                  let next = try? self.member(value, member, at: SourceLocation(line: 0, column: 0)) else { return nil }
            value = next
        }
        var text = "\(name): \(value.typeWithArticle)\n\(value.description)"
        let members = Interpreter.memberNames(of: value)
        if !members.isEmpty { text += "\nmembers: " + members.joined(separator: ", ") }
        return text
    }
}
