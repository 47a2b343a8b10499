import DVAE
import DVAEExperiments
import DVAENotebook

/// How an `Interpreter` finds data and what it predefines.
public struct InterpreterOptions {
    /// Where `load` looks for data files; nil means the default search order
    /// (`$DVAE_DATA`, `./data`, `../shared/data`).
    public var dataLocator: DataLocator?
    /// True when notebooks should use small sample counts; scripts see it as the variable `testing`.
    public var testMode: Bool
    /// Variables from `dvae run --set name=value`. Values are read as numbers, `true`/`false`, or
    /// strings. A top-level `let` of one of these names keeps the given value, so a notebook's
    /// defaults can be overridden from the command line.
    public var variables: [String: String]
    /// The most memory one command may allocate (models, activations, loaded files, pictures);
    /// `dvae --max-memory` sets it. Larger requests are refused with a located error.
    public var budget: MemoryBudget = .default
    /// What `experiment` does with a cell missing from its cache: compute it (the default),
    /// only record it (`dvae sweep`), or compute only the given cells (`dvae sweep-task`).
    public var cellMode: CellMode
    /// Where pictures are encoded besides the terminal: PNG files (`dvae run --out`), the HTML
    /// page (`--html`), Jupyter messages (`dvae kernel`). A picture too large to encode within
    /// ``budget`` for any of them is refused at the statement that shows it, before it is drawn.
    public var pictureOutputs: [PictureOutput] = []

    /// Options with the given fields (all defaulted).
    public init(dataLocator: DataLocator? = nil, testMode: Bool = false, variables: [String: String] = [:],
                cellMode: CellMode = .compute) {
        self.dataLocator = dataLocator
        self.testMode = testMode
        self.variables = variables
        self.cellMode = cellMode
    }

    /// Options whose data locator searches `dataDirectory` first.
    public init(dataDirectory: String?, testMode: Bool = false, variables: [String: String] = [:],
                cellMode: CellMode = .compute) {
        self.init(dataLocator: DataLocator(explicit: dataDirectory), testMode: testMode, variables: variables,
                  cellMode: cellMode)
    }
}
