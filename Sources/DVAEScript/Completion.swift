import DVAE

/// Tab completion for the REPL.
extension Interpreter {
    /// Completions of `prefix`, the word under the cursor in `line`: after a command name, that
    /// command's keywords come first; then variables, commands, keywords and functions.
    public func completions(prefix: String, line: String) -> [String] {
        if let dot = prefix.lastIndex(of: ".") {
            return memberCompletions(base: String(prefix[..<dot]), partial: String(prefix[prefix.index(after: dot)...]))
        }
        var candidates: [String] = []
        // The command this word belongs to: the last command name before the cursor.
        var words = line.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)
        if !prefix.isEmpty, line.hasSuffix(prefix), words.last == prefix { words.removeLast() }
        if let command = words.last(where: { Commands.spec(named: $0) != nil }), let spec = Commands.spec(named: command) {
            candidates += spec.keywords.map(\.name)
            if let last = words.last, let k = spec.keyword(last), !k.slots.isEmpty {
                if case .word(_, let choices)? = k.slots.first { candidates = choices + candidates }
                if last == "noise" { candidates = NoiseKind.names + candidates }
                if last == "schedule" { candidates = CommandSpec.scheduleKinds + candidates }
            }
        }
        if words.first == "help" { candidates += Help.topics }
        candidates += globals.visibleNames
        candidates += Commands.names
        candidates += Parser.keywords
        candidates += Builtins.names
        var seen = Set<String>()
        return candidates.filter { $0.hasPrefix(prefix) && seen.insert($0).inserted }
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
