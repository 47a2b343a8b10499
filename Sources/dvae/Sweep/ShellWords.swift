import ArgumentParser

/// Shell-style words: splitting `--sbatch "…"` into arguments, quoting paths into scripts.
enum ShellWords {
    /// Splits `text` at unquoted blanks; single and double quotes group, backslash escapes one
    /// character (outside single quotes). Throws a validation error for an unclosed quote.
    static func split(_ text: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for c in text {
            if escaped { current.append(c); escaped = false; continue }
            if let q = quote {
                if c == q { quote = nil } else if c == "\\" && q == "\"" { escaped = true } else { current.append(c) }
                continue
            }
            switch c {
            case "'", "\"": quote = c; inWord = true
            case "\\": escaped = true; inWord = true
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            default: current.append(c); inWord = true
            }
        }
        if quote != nil || escaped { throw ValidationError("--sbatch: unclosed quote or trailing backslash in `\(text)`") }
        if inWord { words.append(current) }
        return words
    }

    /// `word` quoted for a POSIX shell when it needs it (single quotes; `'` as `'\''`).
    static func quote(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:@%+,".contains($0) }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
