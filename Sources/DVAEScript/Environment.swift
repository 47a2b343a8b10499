/// Variable bindings: one scope with an optional enclosing scope.
///
/// The interpreter's global scope lives as long as the interpreter (so bindings survive errors and
/// later `run` calls); each `for` iteration and each block gets a child scope.
final class Environment {
    private var values: [String: Value] = [:]
    /// Names in the order they were first bound (for `vars`).
    private var order: [String] = []
    /// The enclosing scope, or nil for the global scope.
    let parent: Environment?

    /// A scope inside `parent`.
    init(parent: Environment? = nil) { self.parent = parent }

    /// Binds `name` in this scope (replacing any binding of the same name here).
    func define(_ name: String, _ value: Value) {
        if values.updateValue(value, forKey: name) == nil { order.append(name) }
    }

    /// Updates the nearest existing binding of `name`; false when there is none.
    func assign(_ name: String, _ value: Value) -> Bool {
        if values[name] != nil { values[name] = value; return true }
        return parent?.assign(name, value) ?? false
    }

    /// Changes the nearest existing binding of `name` in place (so a list held only there can
    /// grow without being copied); false when there is none.
    func modify(_ name: String, _ body: (inout Value) throws -> Void) rethrows -> Bool {
        if values[name] != nil {
            try body(&values[name]!)
            return true
        }
        return try parent?.modify(name, body) ?? false
    }

    /// The value of the nearest binding of `name`.
    func lookup(_ name: String) -> Value? {
        values[name] ?? parent?.lookup(name)
    }

    /// Every visible name (innermost first, no duplicates).
    var visibleNames: [String] {
        var seen = Set<String>()
        var result: [String] = []
        var scope: Environment? = self
        while let s = scope {
            for n in s.order where seen.insert(n).inserted { result.append(n) }
            scope = s.parent
        }
        return result
    }

    /// This scope's bindings in binding order.
    var bindings: [(String, Value)] { order.compactMap { n in values[n].map { (n, $0) } } }
}
