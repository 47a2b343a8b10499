import DVAE

/// Tab completion for the REPL, aware of where the cursor is.
extension Interpreter {
    /// Completions of `prefix`, the word under the cursor in `line` (the text up to the cursor):
    /// - after `help` or `?`: help topics;
    /// - after a keyword whose value is a word from a fixed set (`objective`, `encoder`,
    ///   `decoder`) or a noise kind (`noise`, `corrupt DATA …`): those values only;
    /// - elsewhere inside a command: that command's keywords first, then what can be a value
    ///   (variables, value-giving commands, functions);
    /// - at the start of a statement: variables, commands, statement words and functions.
    /// A dotted prefix (`mnist.te`) completes members of the value the path names.
    public func completions(prefix: String, line: String) -> [String] {
        if let dot = prefix.lastIndex(of: ".") {
            return memberCompletions(base: String(prefix[..<dot]), partial: String(prefix[prefix.index(after: dot)...]))
        }
        var before = line
        if !prefix.isEmpty, before.hasSuffix(prefix) { before.removeLast(prefix.count) }
        // Only the current statement matters: text after the last `;`, `{` or `}`.
        if let cut = before.lastIndex(where: { ";{}".contains($0) }) { before = String(before[before.index(after: cut)...]) }
        let trimmed = before.trimmingCharacters(in: .whitespaces)
        let words = trimmed.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)

        func matching(_ candidates: [String]) -> [String] {
            var seen = Set<String>()
            return candidates.filter { $0.hasPrefix(prefix) && seen.insert($0).inserted }
        }
        let values = globals.visibleNames + Commands.specs.filter(\.returnsValue).map(\.name) + Builtins.names
            + ["true", "false", "if", "not"]

        if trimmed == "?" || (words == ["help"] && trimmed == "help") { return matching(Help.topics) }
        if let index = words.lastIndex(where: { Commands.spec(named: $0) != nil }),
           let spec = Commands.spec(named: words[index]) {
            let after = Array(words[(index + 1)...])
            // The value of the keyword just typed, when it comes from a fixed set.
            if let last = after.last, let keyword = spec.keyword(last), let slot = keyword.slots.first, before.hasSuffix(" ") {
                switch slot {
                case .word(_, let choices): return matching(choices)
                case .noise: return matching(NoiseKind.scriptNames)
                case .schedule: return matching(CommandSpec.scheduleKinds)
                case .expr where last == "law": return matching(SaltPepperLaw.names)
                case .expr: return matching(values)
                }
            }
            // `corrupt DATA KIND LEVEL`: the kind is a keyword of `corrupt`, offered with the others.
            var candidates = spec.keywords.map(\.name)
            if after.count >= 2, after[after.count - 2] == "noise", NoiseKind(name: after[after.count - 1]) != nil {
                candidates = []                       // a level comes next: a number or a variable
            }
            return matching(candidates + values)
        }
        if words.isEmpty || ["let", "set", "for", "in", "print", "show", "assert", "time"].contains(words.last ?? "") {
            let starts = words.isEmpty || words.last == "time" ? Parser.statementWords : []
            return matching(globals.visibleNames + starts + values)
        }
        return matching(globals.visibleNames + Commands.names + Parser.keywords + Builtins.names)
    }

    /// `mnist.te<TAB>` → `mnist.test`: members of the value a dotted variable path names. Only
    /// variables and members are followed (nothing is computed), so completion has no effects.
    private func memberCompletions(base: String, partial: String) -> [String] {
        let parts = base.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, var value = globals.lookup(first) else { return [] }
        for name in parts.dropFirst() {
            guard Interpreter.memberNames(of: value).contains(name),
                  let next = try? member(value, name, at: SourceLocation(line: 0, column: 0)) else { return [] }
            value = next
        }
        return Interpreter.memberNames(of: value).filter { $0.hasPrefix(partial) }.map { base + "." + $0 }
    }
}
