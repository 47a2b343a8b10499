import DVAE

/// The memory the front end takes to read one input (its characters, tokens and syntax tree),
/// charged to the memory budget while the input is tokenized — before the parser builds the tree —
/// so an input too large to read (an 8-million-item list literal under `--max-memory 1G`) is
/// refused at the token where it crosses the limit instead of growing the process past it.
///
/// The charge is an upper bound on what reading the input holds at once, from the layouts of the
/// front end's values (64-bit Swift, glibc malloc):
/// - the source as `Character`s (the lexer's array) and its lines (kept for error messages);
/// - per token: the token in the token array, counted at 3/2 of the array's capacity (growth
///   doubles the capacity, and the old buffer is alive beside the new one while it grows);
/// - per token, at most one syntax node: its slot in the parent (an `Expr` or `Stmt`, counted
///   twice: the parent's array may have twice the capacity it uses) and its heap box — at most
///   ``literalBox`` bytes for a number or string literal, at most ``nodeBox`` for any other
///   node (the largest case, `if c then a else b`, boxes three `Expr`s; a list or call's array
///   header is counted there too);
/// - a string's or name's characters when they do not fit inline (more than 15 UTF-8 bytes),
///   twice (the token's text and its value).
///
/// Measured on the built binary (2026-12-05): a 2-million-item literal (7.8 M characters) is read
/// and made into a list at a peak of 395 MB above the process's start, and is charged about
/// 550 MiB (577 MB) by its last token; an 8-million-item one under `--max-memory 1G` is refused
/// about a quarter of the way in, the process peaking at 877 MB.
struct FrontEndBudget {
    /// Heap bytes of the box of a number or string literal node (header 16 + payload ≤ 16,
    /// rounded to malloc's 16-byte chunks with its 8-byte header).
    static let literalBox = 48
    /// Heap bytes of the box of any other node (header 16 + payload ≤ 3 × 32, rounded up) plus an
    /// array header (32) for a list or an argument list.
    static let nodeBox = 160
    /// Bytes a syntax node's slot takes in its parent: the larger of `Expr` and `Stmt`.
    static var nodeSlot: Int { max(MemoryLayout<Expr>.stride, MemoryLayout<Stmt>.stride) }

    /// The limit.
    let budget: MemoryBudget
    /// Bytes held before the first token: the characters and the lines.
    let base: Int
    /// Bytes charged for the tokens' syntax nodes and strings so far.
    private(set) var nodes = 0

    /// A charge for a source of `characters` characters on `lines` lines within `budget`.
    init(budget: MemoryBudget, characters: Int, lines: Int) {
        self.budget = budget
        base = ByteCount.product(characters, MemoryLayout<Character>.stride).flatMap { chars in
            ByteCount.product(lines, MemoryLayout<Substring>.stride).map { chars + $0 }
        } ?? Int.max
    }

    /// Bytes charged with a token array of `capacity` and the nodes so far.
    func total(tokenCapacity capacity: Int) -> Int? {
        guard let tokens = ByteCount.product(capacity, MemoryLayout<Token>.stride).map({ $0 / 2 * 3 }) else { return nil }
        let (sum, overflow) = base.addingReportingOverflow(tokens)
        let (all, overflow2) = sum.addingReportingOverflow(nodes)
        return overflow || overflow2 ? nil : all
    }

    /// Charges `token`, just appended to an array of `capacity`; throws a located error at the
    /// token when the total passes the limit.
    mutating func charge(_ token: Token, tokenCapacity capacity: Int) throws {
        var bytes = 2 * Self.nodeSlot
        switch token.kind {
        case .number: bytes += Self.literalBox
        case .string(let s): bytes += Self.literalBox + Self.outOfLine(s)
        default: bytes += Self.nodeBox
        }
        bytes += Self.outOfLine(token.text)
        nodes += bytes
        try check(tokenCapacity: capacity, at: token.location)
    }

    /// Throws the located "more than the memory limit" error when the charge passes the limit.
    func check(tokenCapacity capacity: Int, at location: SourceLocation) throws {
        let bytes = total(tokenCapacity: capacity)
        guard !budget.allows(bytes) else { return }
        let e = ResourceError.tooLarge(what: "reading this input (its characters, tokens and syntax tree) up to here",
                                       bytes: bytes, limit: budget.limit)
        throw LocatedError(e.description, at: location,
                           suggestion: "make long lists with `list(lo:hi)` or load them from data rather than writing them out, "
                               + "split the input, or raise the limit with `dvae --max-memory SIZE`")
    }

    /// Heap bytes of a string's storage when it is not stored inline (more than 15 UTF-8 bytes):
    /// a 32-byte header and the bytes, rounded up to 16.
    static func outOfLine(_ s: String) -> Int {
        let n = s.utf8.count
        return n <= 15 ? 0 : (32 + n + 15) / 16 * 16
    }
}
