import DVAE

// The interpreter's own values inside the memory budget and a nesting limit.
//
// A `Value` takes 16 bytes in a list (larger payloads are boxed, Value.swift), yet a list of ten
// million numbers is still 160 MB and joining lists doubles them: every operation that makes a
// list of a size the script chooses (a literal, `list(range)`, `append`, `+`) charges count ×
// stride to the budget first and refuses at the expression, as the engine's commands do. The
// stride is the list's own storage; a boxed payload is shared by every element that holds it
// (`[b b b]` is one bound), and each is made by a command that is itself budgeted.
//
// Because lists share storage, a value can stand for far more items than it occupies (`set x =
// [x x]` sixty times: 2⁶⁰); printing and comparing are bounded separately (ListText.swift,
// ValueEquality.swift).
//
// Freeing, printing and comparing a list recurse into its elements, so a list nested ten thousand
// deep (`set x = [x]` in a loop) would overflow the stack. Nesting is therefore limited where
// lists and table rows are made: a new element (or table cell) may be at most
// `Value.maximumDepth - 1` deep, so no value is deeper than `maximumDepth` and every recursion
// over values stays shallow. A table may not hold a table (which also rules out cycles, since
// tables are the only shared, mutable values).

extension Value {
    /// The deepest nesting of lists (and tables) a value may have.
    static let maximumDepth = 100

    /// Bytes one element of a list takes.
    static var stride: Int { MemoryLayout<Value>.stride }

    /// How deeply lists and tables nest inside this value (a number: 0, `[1 2]`: 1, `[[1]]`: 2),
    /// counted no further than `limit + 1`, and whether a table is inside it.
    ///
    /// Lists share their storage, so `set x = [x x]` repeated makes a value of 2ⁿ elements from
    /// n lists: the walk visits each distinct list once (remembered by its storage address, all
    /// alive while the walk holds the value), so it costs what the value occupies in memory.
    /// Recursion depth is bounded by the nesting limit, which every existing value satisfies.
    func shape(limit: Int = Value.maximumDepth) -> (depth: Int, containsTable: Bool) {
        var seen: [UnsafeRawPointer: (depth: Int, containsTable: Bool)] = [:]
        return Value.shape(of: self, limit: limit, seen: &seen)
    }

    private static func shape(of value: Value, limit: Int,
                              seen: inout [UnsafeRawPointer: (depth: Int, containsTable: Bool)]) -> (depth: Int, containsTable: Bool) {
        func combine(_ children: [Value]) -> (depth: Int, containsTable: Bool) {
            var deepest = 0, table = false
            for child in children {
                let s = shape(of: child, limit: limit - 1, seen: &seen)
                deepest = max(deepest, s.depth)
                table = table || s.containsTable
                if deepest >= limit { break }
            }
            return (deepest + 1, table)
        }
        switch value {
        case .list(let items):
            guard let key = items.withUnsafeBufferPointer({ $0.baseAddress.map(UnsafeRawPointer.init) }) else { return (1, false) }
            if let known = seen[key] { return known }
            let result = combine(items)
            seen[key] = result
            return result
        case .table(let t):
            var deepest = 0
            for row in t.rows {
                deepest = max(deepest, combine(row).depth)
                if deepest >= limit { break }
            }
            return (deepest, true)
        default:
            return (0, false)
        }
    }
}

extension Interpreter {
    /// Charges a list of `count` values to the memory budget; `what` names it ("this list").
    func checkListSize(_ count: Int, for what: String, at location: SourceLocation, fix: String) throws {
        try checkBudget(ByteCount.product(max(count, 0), Value.stride), for: what, at: location, fix: fix)
    }

    /// Refuses `element` as an element of a new list (or a table cell) when that would nest
    /// values deeper than `Value.maximumDepth`.
    func checkNesting(of element: Value, at location: SourceLocation) throws {
        guard element.shape().depth < Value.maximumDepth else {
            throw LocatedError("lists nest at most \(Value.maximumDepth) deep; this would nest deeper", at: location,
                               suggestion: "keep the items side by side (`append` or `+`) instead of wrapping the list in another")
        }
    }
}

extension Interpreter {
    /// `set xs = append(xs, item)`, the collect-results pattern, done in place: the list held by
    /// `xs` grows by one (amortised O(1)) instead of being copied into a new list each time (O(n),
    /// so a loop of n appends was O(n²)). Returns false, having done nothing, for any other
    /// statement; the result is the same as evaluating the call.
    func appendInPlace(to name: String, _ expr: Expr, in env: Environment) throws -> Bool {
        // The count only: holding the list itself here would keep a second reference to it.
        func listCount() -> Int? {
            if case .list(let items)? = env.lookup(name) { return items.count }
            return nil
        }
        guard case .call("append", let args) = expr.kind, args.count == 2,
              case .variable(name) = args[0].kind, let count = listCount() else { return false }
        let item = try evaluate(args[1], in: env)     // before the list is taken: it may read `xs`
        try checkListSize(count + 1, for: "a list of \(count + 1) items", at: expr.location, fix: "keep fewer items")
        try checkNesting(of: item, at: args[1].location)
        return env.modify(name) { value in
            guard case .list(var items) = value else { return }
            value = .nothing                              // the list's only reference is now `items`
            items.append(item)
            value = .list(items)
        }
    }
}
