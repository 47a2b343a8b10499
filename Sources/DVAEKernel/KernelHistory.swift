/// The inputs this kernel ran (with their results' text), answering `history_request`.
///
/// Kept in memory for the life of the kernel: one session, numbered 1, lines numbered by
/// execution count. `range`, `tail` and `search` (glob patterns with `*` and `?`) are supported;
/// a request for another session finds nothing.
public struct KernelHistory: Sendable {
    /// One input.
    public struct Entry: Equatable, Sendable {
        /// The execution count it ran as.
        public var line: Int
        /// The code.
        public var input: String
        /// The text of its result (`Out[n]`), if it had one.
        public var output: String?
    }

    /// This kernel's session number in history replies.
    public static let session = 1
    /// The inputs in order.
    public private(set) var entries: [Entry] = []

    /// An empty history.
    public init() {}

    /// Records an input that ran as execution count `line`.
    public mutating func record(line: Int, input: String, output: String?) {
        entries.append(Entry(line: line, input: input, output: output))
    }

    /// The `history` list of a `history_reply` for the request `content`.
    public func reply(to content: JSONValue) -> [JSONValue] {
        let withOutput = content["output"]?.boolValue ?? false
        let selected: [Entry]
        switch content["hist_access_type"]?.stringValue ?? "tail" {
        case "range":
            // Session 0 (or a negative offset from it) is the current session in IPython's numbering.
            let session = content["session"]?.intValue ?? 0
            guard session == 0 || session == Self.session else { return [] }
            let start = content["start"]?.intValue ?? 1
            let stop = content["stop"]?.intValue
            selected = entries.filter { $0.line >= start && (stop == nil || $0.line < stop!) }
        case "search":
            let pattern = content["pattern"]?.stringValue ?? "*"
            var found = entries.filter { Self.glob(pattern, matches: $0.input) }
            if content["unique"]?.boolValue ?? false {
                var seen = Set<String>()
                found = found.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            selected = Self.last(found, content["n"]?.intValue)
        default:   // "tail"
            selected = Self.last(entries, content["n"]?.intValue ?? 10)
        }
        return selected.map { entry in
            let item: JSONValue = withOutput ? [.string(entry.input), entry.output.map(JSONValue.string) ?? .null]
                : .string(entry.input)
            return [.int(Self.session), .int(entry.line), item]
        }
    }

    /// The last `n` of `items` (all when `n` is nil or not positive).
    static func last(_ items: [Entry], _ n: Int?) -> [Entry] {
        guard let n, n > 0 else { return items }
        return Array(items.suffix(n))
    }

    /// Whether `text` matches the glob `pattern` as a whole (`*` any run, `?` one character).
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
                pi += 1; ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
