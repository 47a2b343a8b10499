import ArgumentParser

/// `--set name=value` pairs given on the command line, checked and split.
struct ScriptSettings {
    /// The pairs in the order given.
    var pairs: [(name: String, value: String)]

    /// Parses `name=value` strings; throws a validation error naming a malformed one.
    init(_ raw: [String]) throws {
        pairs = try raw.map { item in
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw ValidationError("--set expects name=value, got `\(item)`")
            }
            let name = String(item[..<eq])
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !(name.first?.isNumber ?? true) else {
                throw ValidationError("--set: `\(name)` is not a variable name")
            }
            return (name, String(item[item.index(after: eq)...]))
        }
    }

    /// The pairs as a dictionary (a later repeat of a name wins).
    var dictionary: [String: String] {
        Dictionary(pairs, uniquingKeysWith: { _, last in last })
    }
}
