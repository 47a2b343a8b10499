import Foundation

/// The statements of a session that ran without error, kept so `export "FILE.md"` can write the
/// session as a notebook that `dvae run` replays to the same numbers.
///
/// Replaying gives the same numbers because commands without `seed` derive theirs from the global
/// seed in order, and a statement that fails puts the derivation back where it was (see
/// ``Interpreter/run(_:file:firstLine:)``): the replay derives exactly the seeds the session used.
struct SessionLog {
    /// One statement that ran: its source text and the input (REPL entry) it came from.
    struct Entry: Equatable {
        /// Counts the inputs given to the session (one per `Interpreter.run` call).
        var input: Int
        /// The statement as typed (comments and line breaks inside it kept).
        var source: String
    }

    /// The statements, in the order they ran.
    private(set) var entries: [Entry] = []

    /// Records a statement of input `input`.
    mutating func record(_ source: String, input: Int) {
        let trimmed = source.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        entries.append(Entry(input: input, source: trimmed))
    }

    /// The source text of each statement of `program` (parsed from `source`, whose first line is
    /// `firstLine`): from its first token to the next statement's, without the separating `;`.
    static func statementTexts(_ source: String, _ program: [Stmt], firstLine: Int) -> [String] {
        let characters = Array(source)
        var lineStarts = [0]
        for (i, ch) in characters.enumerated() where ch == "\n" { lineStarts.append(i + 1) }
        func offset(_ l: SourceLocation) -> Int {
            let line = l.line - firstLine
            guard line >= 0, line < lineStarts.count else { return characters.count }
            return min(characters.count, lineStarts[line] + max(0, l.column - 1))
        }
        let starts = program.map { offset($0.location) } + [characters.count]
        return program.indices.map { i in
            var text = String(characters[starts[i]..<max(starts[i], starts[i + 1])])
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            while text.hasSuffix(";") {
                text.removeLast()
                text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return text
        }
    }

    /// Statements that do not change the session's state are not worth replaying.
    static func isReplayed(_ source: String) -> Bool {
        let first = source.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "(" }).first ?? ""
        return !["help", "vars", "export", "exit", "quit"].contains(first) && !source.hasPrefix("?")
    }

    /// The notebook text: a heading, what the file is and how to replay it, the predefined
    /// variables, then one ```` ```dvae ```` block per input.
    ///
    /// - Parameters:
    ///   - variables: values predefined with `--set` (written as `let` lines of a first block).
    ///   - testMode: whether the session ran with `--test` (the replay needs it too).
    ///   - date: when the export was made.
    func notebook(variables: [String: String], testMode: Bool, date: Date) -> String {
        let stamp = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!,
                                                formatOptions: [.withFullDate, .withTime, .withColonSeparatorInTime])
        var text = """
        # dvae session

        Exported from the REPL at \(stamp) UTC. The blocks are the statements that ran without
        error, one block per input, in order; `dvae run\(testMode ? " --test" : "") FILE.md` replays them
        and prints the same numbers (commands without `seed` derive theirs from the global seed in
        the same order).

        """
        if !variables.isEmpty {
            text += "\nVariables given with `--set` when the session started:\n\n```dvae\n"
            for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
                text += "let \(name) = \(Self.literal(Interpreter.parseSetting(value)))\n"
            }
            text += "```\n"
        }
        var current: Int? = nil
        for entry in entries {
            if entry.input != current {
                if current != nil { text += "```\n" }
                text += "\n```dvae\n"
                current = entry.input
            }
            text += entry.source + "\n"
        }
        if current != nil { text += "```\n" }
        return text
    }

    /// A value of `--set` written back as source: numbers and booleans as they are, strings quoted.
    static func literal(_ v: Value) -> String {
        switch v {
        case .string(let s):
            let escaped = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t")
            return "\"\(escaped)\""
        case .number(let x):
            return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
        default:
            return v.description
        }
    }
}
