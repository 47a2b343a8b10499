// `a == b` on values, in time bounded by what the values occupy in memory.
//
// Lists share their storage, so `set x = [x x]` repeated sixty times is a value of 2⁶⁰ numbers in
// a few kilobytes; comparing it item by item would never finish. Two short-cuts keep equality
// fast, and a work budget keeps it bounded whatever the values are:
// - a list is equal to itself: two lists on the same storage are equal without looking inside
//   (so `x == x` is immediate; as in Python, `[nan]` on one storage equals itself);
// - a pair of lists once found equal is remembered by their storage addresses (all of them stay
//   alive while the comparison holds `a` and `b`), so `x == y` for two such values built apart
//   costs one pass per distinct pair of lists;
// - every item compared counts one step; past `maximumSteps` the comparison stops with a located
//   error instead of keeping the session waiting.
// Recursion goes only as deep as lists nest (at most `Value.maximumDepth`).

/// One `==` (or `!=`) between two values: its memory of equal list pairs and its step count.
struct ValueEquality {
    /// The most items one comparison looks at: ten times the longest list a range makes, a few
    /// seconds of work at most.
    static let maximumSteps = 100_000_000

    /// Where the comparison is written (for the budget error).
    let location: SourceLocation
    /// The step budget of this comparison (``maximumSteps`` unless a test gives a smaller one).
    let stepLimit: Int
    /// Items compared so far.
    private(set) var steps = 0
    /// Pairs of list storages already found equal, with their length.
    private var equalPairs: Set<ListPair> = []

    /// Two lists' storage addresses and length.
    private struct ListPair: Hashable {
        var left: UnsafeRawPointer
        var right: UnsafeRawPointer
        var count: Int
    }

    /// A comparison written at `location`, allowed `stepLimit` steps.
    init(at location: SourceLocation, stepLimit: Int = ValueEquality.maximumSteps) {
        self.location = location
        self.stepLimit = stepLimit
    }

    /// Whether `a` equals `b`: numbers and bounds by value, strings, booleans, ranges and
    /// `nothing` by content, lists item by item; values of different kinds differ. Datasets,
    /// models and the other engine values cannot be compared (a located error).
    mutating func equal(_ a: Value, _ b: Value) throws -> Bool {
        if let x = a.numeric, let y = b.numeric { return x == y }
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.nothing, .nothing): return true
        case (.range(let a1, let a2), .range(let b1, let b2)): return a1 == b1 && a2 == b2
        case (.list(let xs), .list(let ys)): return try equalLists(xs, ys)
        case (.number, _), (.string, _), (.bool, _), (.list, _), (.range, _), (.bound, _), (.nothing, _):
            return false
        default:
            throw LocatedError("cannot compare \(a.typeWithArticle) with \(b.typeWithArticle)", at: location,
                               suggestion: "compare their members, e.g. `.count` or `.value`")
        }
    }

    private mutating func equalLists(_ xs: [Value], _ ys: [Value]) throws -> Bool {
        guard xs.count == ys.count else { return false }
        guard !xs.isEmpty else { return true }
        let left = xs.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!) }
        let right = ys.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!) }
        if left == right { return true }
        let pair = ListPair(left: left, right: right, count: xs.count)
        if equalPairs.contains(pair) { return true }
        for (x, y) in zip(xs, ys) {
            steps += 1
            guard steps <= stepLimit else {
                throw LocatedError("comparing these values needs more than \(stepLimit) steps", at: location,
                                   suggestion: "compare smaller parts, e.g. their lengths or a few items")
            }
            if !(try equal(x, y)) { return false }
        }
        equalPairs.insert(pair)
        return true
    }
}
