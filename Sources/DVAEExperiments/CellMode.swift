/// What `experiment` does with a cell that is not in its cache yet.
public enum CellMode: Sendable, Equatable {
    /// Compute it (the default) — unless it belongs to a sweep (running, failed or queued in its
    /// cache directory): then it is gathered, i.e. left pending and reported, never computed twice.
    case compute
    /// Compute nothing: record the cell in the interpreter's `CellLedger` and go on with a
    /// pending result (`dvae sweep` collects a notebook's cells this way). Asserts that fail
    /// are reported, not fatal.
    case plan
    /// Compute only the cells with these keys; any other missing cell is pending
    /// (`dvae sweep-task` replays the notebook this way). Asserts that fail are reported, not fatal.
    case execute(Set<String>)
    /// Compute nothing and plan nothing: a finished cell is read from its cache, any other is
    /// pending with its progress so far (`dvae run --cached-only`: look at a long run without
    /// resuming its training in the foreground). Asserts that fail on pending cells are reported,
    /// not fatal.
    case cachedOnly
}
