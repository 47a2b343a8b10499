import DVAEScript

/// The shell requests about code that run nothing: completion, inspection (`?cmd` help) and
/// whether a cell is a complete statement.
extension KernelSession {
    /// `complete_reply` content: the REPL's completion by context for the word at the cursor, or
    /// file names inside a string.
    public func complete(_ content: JSONValue) -> JSONValue {
        let code = content["code"]?.stringValue ?? ""
        let cursor = CodeCursor(code: code, position: content["cursor_pos"]?.intValue ?? code.unicodeScalars.count)
        let matches: [String]
        let start: Int
        if cursor.inString, let quote = cursor.line.lastIndex(of: "\"") {
            let partial = String(cursor.line[cursor.line.index(after: quote)...])
            matches = PathCompletion.candidates(partial)
            start = cursor.position - partial.unicodeScalars.count
        } else {
            matches = interpreter.completions(prefix: cursor.word, line: cursor.line)
            start = cursor.wordStart
        }
        return ["status": "ok", "matches": .array(matches.map(JSONValue.string)), "cursor_start": .int(start),
                "cursor_end": .int(cursor.position), "metadata": [:]]
    }

    /// `inspect_reply` content: the help of the command or topic at the cursor (`?train` prints
    /// the same), or a variable's summary.
    public func inspect(_ content: JSONValue) -> JSONValue {
        let code = content["code"]?.stringValue ?? ""
        let word = CodeCursor.word(in: code, at: content["cursor_pos"]?.intValue ?? code.unicodeScalars.count)
        guard !word.isEmpty, let text = interpreter.inspection(of: word) else {
            return ["status": "ok", "found": false, "data": [:], "metadata": [:]]
        }
        return ["status": "ok", "found": true, "data": ["text/plain": .string(text)], "metadata": [:]]
    }

    /// `is_complete_reply` content: `incomplete` (with an indent) while a bracket, brace or
    /// string is open or a line ends in `\`, `invalid` for a syntax error, else `complete`.
    public func isComplete(_ content: JSONValue) -> JSONValue {
        switch interpreter.inputStatus(content["code"]?.stringValue ?? "") {
        case .complete: return ["status": "complete"]
        case .invalid: return ["status": "invalid"]
        case .incomplete: return ["status": "incomplete", "indent": "    "]
        }
    }

    /// `history_reply` content.
    public func historyReply(_ content: JSONValue) -> JSONValue {
        ["status": "ok", "history": .array(history.reply(to: content))]
    }
}
