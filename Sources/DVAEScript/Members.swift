import DVAEExperiments
import DVAE
import DVAENotebook

/// One member `x.name` of a value type: its name, one line of help and how to read it, in one
/// place (the type's `members` table).
struct Member<Owner>: Sendable {
    /// The name after the dot.
    let name: String
    /// One line for `help members`.
    let help: String
    /// Reads the member of a value.
    let read: @Sendable (Owner) -> Value

    /// A member `name` described by `help`, read by `read`.
    init(_ name: String, _ help: String, _ read: @escaping @Sendable (Owner) -> Value) {
        self.name = name
        self.help = help
        self.read = read
    }
}

/// A value type with members (`x.name`). Its `members` table is the only place a member is
/// named, described and read: `.name` evaluation, suggestions, completion and `help members`
/// all come from it.
protocol HasMembers {
    /// The members, in the order `help` lists them.
    static var members: [Member<Self>] { get }
}

extension HasMembers {
    /// The members' names.
    static var memberNames: [String] { members.map(\.name) }

    /// The member `name` of this value, or nil when the type has none of that name.
    func member(_ name: String) -> Value? { Self.members.first { $0.name == name }?.read(self) }

    /// `help` lines: `  name  help`.
    static var memberHelp: [String] {
        members.map { "  ." + $0.name.padding(toLength: 14, withPad: " ", startingAt: 0) + $0.help }
    }
}

private func number(_ x: Int) -> Value { .number(Double(x)) }
private func numbers(_ xs: [Double]) -> Value { .list(xs.map { .number($0) }) }

extension DataSplits: HasMembers {
    /// `splits.train` ….
    static let members: [Member<DataSplits>] = [
        Member("train", "the training split (a dataset)") { .dataset($0.train) },
        Member("valid", "the validation split") { .dataset($0.valid) },
        Member("test", "the test split") { .dataset($0.test) },
        Member("name", "the dataset's name") { .string($0.name) },
    ]
}

extension Dataset: HasMembers {
    /// `data.count` ….
    static let members: [Member<Dataset>] = [
        Member("count", "number of examples") { number($0.count) },
        Member("dimension", "pixels per example") { number($0.dimension) },
        Member("height", "image height") { number($0.height) },
        Member("width", "image width") { number($0.width) },
        Member("name", "the dataset's name") { .string($0.name) },
        Member("kind", "\"binary\" or \"continuous\"") { .string($0.kind.rawValue) },
        Member("mean", "mean pixel value") { .number($0.pixelMean) },
        Member("labels", "a label per example (the synthetic shapes' family, by name), or nothing") { d in
            guard let labels = d.labels else { return .nothing }
            return .list(labels.map { l in d.labelNames.flatMap { $0.indices.contains(l) ? .string($0[l]) : nil } ?? number(l) })
        },
        // The examples as numbers, so a notebook can compute with them (e.g. a·x + c).
        Member("values", "one list of numbers per example (small datasets only)") { d in
            .list((0..<d.count).map { i in .list(d.image(i).map { .number(Double($0)) }) })
        },
    ]

    /// The most numbers `data.values` lists (a 128-image MNIST slice).
    static let maximumListedValues = 100_352
}

extension ModelHandle: HasMembers {
    /// `model.latent` ….
    static let members: [Member<ModelHandle>] = [
        Member("latent", "latent units") { number($0.model.config.latent) },
        Member("hidden", "encoder hidden sizes") { .list($0.model.config.encoderHidden.map { .number(Double($0)) }) },
        Member("input", "input size D") { number($0.model.config.inputSize) },
        Member("encoder", "\"mlp\" or \"gru\"") { .string($0.model.config.encoder.rawValue) },
        Member("decoder", "\"bernoulli\" or \"gaussian\"") { .string($0.model.config.decoder.rawValue) },
        Member("parameters", "number of scalar parameters") { number($0.model.parameterCount) },
        Member("epochs", "epochs trained so far") { number($0.epochsTrained) },
    ]
}

extension LinearGaussianModel: HasMembers {
    /// `g.D` …; the parameters as lists (matrices as lists of rows), so a notebook can print them
    /// or compute e.g. the closed-form q̃(z|x) = N(Ax + c, V + σ²AAᵀ) itself.
    static let members: [Member<LinearGaussianModel>] = [
        Member("D", "data dimension") { number($0.D) },
        Member("L", "latent dimension") { number($0.L) },
        Member("sigma", "corruption σ") { .number($0.sigma) },
        Member("s2", "observation variance s²") { .number($0.s2) },
        Member("W", "decoder weights (D rows of L)") { Interpreter.rows(of: $0.W) },
        Member("b", "decoder bias (D)") { numbers($0.b) },
        Member("A", "encoder weights (L rows of D)") { Interpreter.rows(of: $0.A) },
        Member("c", "encoder bias (L)") { numbers($0.c) },
        Member("V", "encoder variances (diagonal of V, L)") { numbers($0.Vdiag) },
    ]
}

extension BoundValue: HasMembers {
    /// `b.value` ….
    static let members: [Member<BoundValue>] = [
        Member("value", "the estimate, nats per example") { .number($0.value) },
        Member("se", "its standard error") { .number($0.se) },
        Member("count", "examples averaged") { number($0.count) },
        Member("kind", "what it is (\"ELBO\", \"IWAE-5000\", …)") { .string($0.label) },
    ]
}

extension TableValue: HasMembers {
    /// `t.rows` ….
    static let members: [Member<TableValue>] = [
        Member("rows", "number of rows") { number($0.rows.count) },
        Member("columns", "the column names") { .list($0.columns.map { .string($0) }) },
    ]
}

extension ImageGrid: HasMembers {
    /// `pictures.count` ….
    static let members: [Member<ImageGrid>] = [
        Member("count", "number of pictures") { number($0.images.count) },
        Member("height", "picture height") { number($0.height) },
        Member("width", "picture width") { number($0.width) },
    ]
}

extension TrainingReportValue: HasMembers {
    /// `report.curve` ….
    static let members: [Member<TrainingReportValue>] = [
        Member("curve", "the learning curve") { .curve($0.curve) },
        Member("epochs", "epochs completed by this command") { number($0.epochs) },
        Member("steps", "optimiser steps") { number($0.steps) },
        Member("skipped", "steps skipped as non-finite") { number($0.skipped) },
        Member("interrupted", "true when Ctrl-C stopped training") { .bool($0.interrupted) },
        Member("seconds", "wall-clock seconds") { .number($0.seconds) },
        Member("final", "the last epoch's training bound") { $0.curve.points.last.map { .number($0.train) } ?? .nothing },
        Member("valid", "the last epoch's validation bound") { $0.curve.points.last?.valid.map { .number($0) } ?? .nothing },
    ]
}

extension PairedDifference: HasMembers {
    /// `p.mean` ….
    static let members: [Member<PairedDifference>] = [
        Member("mean", "mean of the paired differences a − b") { .number($0.mean) },
        Member("se", "its standard error over seeds (sd/√n)") { .number($0.standardError) },
        Member("sd", "standard deviation of the differences over seeds") { .number($0.standardDeviation) },
        Member("n", "complete pairs (seeds)") { .number(Double($0.count)) },
        Member("differences", "a − b seed by seed") { .list($0.differences.map { .number($0) }) },
        Member("decided", "true when ≥ 3 seeds put the mean more than 2 standard errors from 0") { .bool($0.verdict != .notDecided) },
        Member("verdict", "\"higher\", \"lower\" or \"not decided\"") { .string($0.verdict.rawValue) },
    ]
}

extension CurveValue: HasMembers {
    /// `curve.train` ….
    static let members: [Member<CurveValue>] = [
        Member("epochs", "the epoch numbers") { .list($0.points.map { number($0.epoch) }) },
        Member("train", "training bounds, one per epoch") { numbers($0.points.map(\.train)) },
        Member("valid", "validation bounds, where measured") { numbers($0.points.compactMap(\.valid)) },
        Member("valid_epochs", "the epochs where the validation bound was measured") {
            .list($0.points.filter { $0.valid != nil }.map { number($0.epoch) })
        },
        Member("clean_train", "bounds on the clean training data, where measured") { numbers($0.points.compactMap(\.clean)) },
    ]
}

/// The integers of a range `lo:hi`, for its members.
struct RangeMembers: HasMembers {
    /// First integer.
    var start: Int
    /// One past the last.
    var end: Int

    /// `r.start`, `r.end`.
    static let members: [Member<RangeMembers>] = [
        Member("start", "the first integer") { number($0.start) },
        Member("end", "one past the last") { number($0.end) },
    ]
}

extension Value {
    /// The members of this value's type: names and reader (nil for types without members).
    /// The one switch over the types; each type's table says what its members are.
    var members: (names: [String], read: (String) -> Value?)? {
        switch self {
        case .splits(let s): return (DataSplits.memberNames, s.member)
        case .dataset(let d): return (Dataset.memberNames, d.member)
        case .model(let m): return (ModelHandle.memberNames, m.member)
        case .exactModel(let g): return (LinearGaussianModel.memberNames, g.member)
        case .bound(let b): return (BoundValue.memberNames, b.member)
        case .table(let t): return (TableValue.memberNames, t.member)
        case .images(let g): return (ImageGrid.memberNames, g.member)
        case .report(let r): return (TrainingReportValue.memberNames, r.member)
        case .curve(let c): return (CurveValue.memberNames, c.member)
        case .range(let lo, let hi): return (RangeMembers.memberNames, RangeMembers(start: lo, end: hi).member)
        case .statistics(let s): return (StatisticsValue.memberNames, s.member)
        case .paired(let d): return (PairedDifference.memberNames, d.member)
        case .experiment(let e): return (ExperimentValue.memberNames, e.member)
        case .encoding(let e): return (EncodingValue.memberNames, e.member)
        case .parts(let p): return (BoundPartsValue.memberNames, p.member)
        case .nothing, .number, .string, .bool, .list, .plot: return nil
        }
    }
}

extension Help {
    /// `help members`: every value type's members, generated from their tables.
    static var members: String {
        let groups: [(String, [String])] = [
            ("dataset splits", DataSplits.memberHelp), ("dataset", Dataset.memberHelp), ("model", ModelHandle.memberHelp),
            ("linear-Gaussian model", LinearGaussianModel.memberHelp), ("bound", BoundValue.memberHelp),
            ("table", TableValue.memberHelp), ("images", ImageGrid.memberHelp), ("training report", TrainingReportValue.memberHelp),
            ("curve", CurveValue.memberHelp), ("range", RangeMembers.memberHelp), ("statistics", StatisticsValue.memberHelp),
            ("experiment result", ExperimentValue.memberHelp), ("encoding", EncodingValue.memberHelp),
            ("bound parts", BoundPartsValue.memberHelp),
        ]
        return groups.map { "\($0.0):\n" + $0.1.joined(separator: "\n") }.joined(separator: "\n")
    }
}
