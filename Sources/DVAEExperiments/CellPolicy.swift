import DVAE

/// What becomes of one `experiment` cell under a `CellMode`: the one place the compute / plan /
/// execute rules live (the language's `experiment`, `dvae run`, `dvae sweep` and
/// `dvae sweep-task` all reach cells through it).
///
/// - **compute** (`dvae run`, the REPL): a finished cell is read; one that belongs to a sweep
///   (running, failed or queued in its cache) is pending; any other is computed here.
/// - **plan** (`dvae sweep` collecting): nothing is computed; every cell is checked against its
///   data at once (so a cell that cannot run fails at its line, not later in a task) and is
///   planned, or pending when another process is computing it.
/// - **execute(keys)** (`dvae sweep-task`): only the cells with these keys are computed; a failure
///   is recorded in the cell's `<key>.failed` and the cell is pending, so the task goes on.
/// - **cachedOnly** (`dvae run --cached-only`, and a cell written `cached_only` under any mode):
///   nothing is computed or planned; a finished cell is read, any other is read only (`readOnly`
///   in the ledger), pending with its progress so far.
///
/// Every cell is entered in the `CellLedger`. A cell's result file is decoded once: the status
/// read (`ResultCache.status(of:)`) already holds a finished result.
public enum CellPolicy {
    /// A cell's value: its result, or pending (not finished here) with the curve so far that an
    /// unfinished run left in its cache.
    public enum Resolution {
        /// Finished: computed now, or read from the cache (`cached`).
        case finished(ExperimentResult)
        /// Not finished here.
        case pending(ExperimentConfig, progress: CellProgress?)
    }

    /// Resolves `config` (asked for at `location`, `FILE:LINE`) under `mode`, entering it in
    /// `ledger`. `compute` runs the cell (through `ExperimentRunner.run`, with the caller's progress
    /// display); when it throws `ExperimentError.busy` (another process holds the claim) the cell is
    /// pending. In execute mode an error of `compute` is recorded, as `failureMessage` words it, and
    /// the cell is pending. Throws `ExperimentError` when the cell does not fit `data` (checked
    /// before planning and before a finished result is used), and what `compute` throws otherwise.
    public static func resolve(_ config: ExperimentConfig, data: DataSplits, cache: ResultCache?, mode: CellMode,
                               ledger: CellLedger, location: String, failureMessage: (Error) -> String,
                               compute: () throws -> ExperimentResult) throws -> Resolution {
        func note(_ outcome: CellLedger.Outcome) { ledger.record(config, cache: cache, location: location, outcome) }
        func pending(_ outcome: CellLedger.Outcome) -> Resolution {
            note(outcome)
            return .pending(config, progress: cache?.progress(of: config))
        }
        func run() throws -> Resolution {
            do {
                let result = try compute()
                note(result.cached ? .cached : .computed)
                return .finished(result)
            } catch ExperimentError.busy {
                // Another process holds the claim: gather, never compute twice.
                return pending(.pending(cache.map { $0.status(of: config) } ?? .notStarted))
            }
        }
        if mode == .plan { try ExperimentRunner.check(config, data: data) }
        guard let cache else {
            switch mode {
            case .plan: return pending(.planned)
            case .cachedOnly: return pending(.readOnly(.notStarted))
            case .compute, .execute: return try run()
            }
        }
        let status = cache.status(of: config)
        if case .finished(let result) = status {
            // A finished cell is checked against the data as the runner checks it (so it fails the
            // same way cached or not), then used as read.
            try ExperimentRunner.check(config, data: data)
            note(.cached)
            return .finished(result)
        }
        switch mode {
        case .plan:
            if case .running = status { return pending(.pending(status)) }
            return pending(.planned)
        case .execute(let keys):
            guard keys.contains(config.key) else { return pending(.pending(status)) }
            do {
                return try run()
            } catch {
                let message = failureMessage(error)
                try? cache.recordFailure(config, SweepFailure(error: message))
                return pending(.failed(message))
            }
        case .compute:
            if status.belongsToSweep { return pending(.pending(status)) }
            return try run()
        case .cachedOnly:
            return pending(.readOnly(status))
        }
    }
}
