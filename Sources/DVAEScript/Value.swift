import DVAEExperiments
import DVAE
import DVAENotebook
import Foundation

/// A value of the dvae language.
///
/// Numbers are doubles (commands that need a count check that it is whole). Datasets, models and
/// the rest are handles onto engine objects; tables are shared and mutable (`t.add(…)`).
///
/// A value is 9 bytes, 16 in a list (pinned by `ValueLayoutTests`): every payload larger than 8
/// bytes is `indirect`, kept in a shared, immutable heap box, so a list of ten million numbers
/// takes 160 MB rather than the 5.3 GB it took when the largest payload (an experiment result) was
/// stored inline in every element. The boxed payloads are the engine's results, which commands
/// make one at a time, ranges and strings (16 bytes each, with no spare bits for the case tag:
/// inline, they made every value 17 bytes, 24 in a list). Numbers, booleans, lists and the shared
/// handles (models, tables) stay inline.
enum Value {
    /// No value (what `print` and `save` give).
    case nothing
    /// A number.
    case number(Double)
    /// A string.
    indirect case string(String)
    /// `true` or `false`.
    case bool(Bool)
    /// A list of values.
    case list([Value])
    /// The integers `lower ..< upper` (written `lower:upper`).
    indirect case range(Int, Int)
    /// A dataset's train / valid / test splits (what `load` gives).
    indirect case splits(DataSplits)
    /// A set of images.
    indirect case dataset(Dataset)
    /// A trainable VAE.
    case model(ModelHandle)
    /// The exact linear-Gaussian model.
    indirect case exactModel(LinearGaussianModel)
    /// A bound with its standard error.
    indirect case bound(BoundValue)
    /// A table of rows.
    case table(TableValue)
    /// A grid of pictures.
    indirect case images(ImageGrid)
    /// The result of `train`.
    indirect case report(TrainingReportValue)
    /// A learning curve (`report.curve`).
    indirect case curve(CurveValue)
    /// Moment and normality statistics of samples (`moments(…)`).
    indirect case statistics(StatisticsValue)
    /// One finished table cell (what `experiment` gives).
    indirect case experiment(ExperimentValue)
    /// A chart (what `plot` gives).
    indirect case plot(LinePlot)
    /// A paired comparison over seeds (`paired(a, b)`).
    indirect case paired(PairedDifference)
    /// The encoder's μ(x), σ(x) for some examples (`encode`).
    indirect case encoding(EncodingValue)
    /// The ELBO's reconstruction and KL terms per example (`bound … parts`).
    indirect case parts(BoundPartsValue)

    /// True for `.nothing` (what statements such as `print` and `save` give).
    var isNothing: Bool {
        if case .nothing = self { return true }
        return false
    }

    /// The type's name as used in error messages.
    var typeName: String {
        switch self {
        case .nothing: return "nothing"
        case .number: return "number"
        case .string: return "string"
        case .bool: return "boolean"
        case .list: return "list"
        case .range: return "range"
        case .splits: return "dataset splits"
        case .dataset: return "dataset"
        case .model: return "model"
        case .exactModel: return "linear-Gaussian model"
        case .bound: return "bound"
        case .table: return "table"
        case .images: return "images"
        case .report: return "training report"
        case .curve: return "curve"
        case .statistics: return "statistics"
        case .experiment: return "experiment result"
        case .plot: return "plot"
        case .paired: return "paired comparison"
        case .encoding: return "encoding"
        case .parts: return "bound parts"
        }
    }

    /// The type name with an article, for messages: "a number", "an image".
    var typeWithArticle: String {
        let name = typeName
        if case .splits = self { return name }
        return ("aeiou".contains(name.first!) ? "an " : "a ") + name
    }

    /// The value as `print` writes it (strings without quotes).
    var text: String {
        switch self {
        case .string(let s): return s
        default: return description
        }
    }

    /// The number inside a number or a bound (comparisons and arithmetic use a bound's value).
    var numeric: Double? {
        switch self {
        case .number(let x): return x
        case .bound(let b): return b.value
        default: return nil
        }
    }
}

extension Value: CustomStringConvertible {
    /// A readable rendering: numbers without trailing zeros, strings quoted inside lists, a long
    /// list elided (`… N more`, see ListText.swift).
    var description: String {
        switch self {
        case .nothing: return "nothing"
        case .number(let x): return formatNumber(x)
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .list(let items): return Value.listText(items)
        case .range(let lo, let hi): return "\(lo):\(hi)"
        case .splits(let s):
            return "\(s.name): train \(s.train.count), valid \(s.valid.count), test \(s.test.count) "
                + "\(s.train.kind.rawValue) images \(s.train.height)×\(s.train.width)"
        case .dataset(let d):
            if d.height == 1 { return "\(d.name): \(d.count) \(d.kind.rawValue) examples of \(d.width) values" }
            return "\(d.name): \(d.count) \(d.kind.rawValue) images \(d.height)×\(d.width)"
        case .model(let m): return m.description
        case .exactModel(let g):
            return "linear-Gaussian model D=\(g.D) L=\(g.L) s²=\(formatNumber(g.s2)) σ=\(formatNumber(g.sigma))"
        case .bound(let b): return b.description
        case .table(let t): return t.rendered
        case .images(let g):
            return "\(g.images.count) images \(g.height)×\(g.width)" + (g.title.map { " (\($0))" } ?? "")
        case .report(let r): return r.description
        case .curve(let c): return c.description
        case .statistics(let s): return s.description
        case .experiment(let e): return e.description
        case .paired(let d): return d.description
        case .encoding(let e): return e.description
        case .parts(let p): return p.description
        case .plot(let p):
            let points = p.series.reduce(0) { $0 + $1.finitePoints.count }
            return "plot" + (p.title.isEmpty ? "" : " “\(p.title)”") + ": \(p.series.count) series, \(points) point\(points == 1 ? "" : "s")"
        }
    }
}

/// Formats a number: whole numbers without a decimal point, others with up to 6 significant digits.
func formatNumber(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    var s = String(format: "%.6g", x)
    if s.contains("e") {
        // 1e-05 → 1e-5
        s = s.replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e+")
    }
    return s
}

/// Formats `x` with `digits` decimals.
func formatFixed(_ x: Double, _ digits: Int) -> String {
    if !x.isFinite { return formatNumber(x) }
    return String(format: "%.\(max(0, min(12, digits)))f", x)
}

/// A mutable model handle: the network plus its training history.
final class ModelHandle: CustomStringConvertible {
    /// The network.
    let model: VAEModel
    /// Epochs trained so far (over all `train` commands).
    var epochsTrained = 0
    /// The optimiser of the last `train` (kept so training can continue, and saved in checkpoints).
    var optimizer: Adam?
    /// The recipe and seed of the last `train` (saved in checkpoints; defaults for the next
    /// `train`, which continues the run exactly: each epoch's stream comes from the seed and the epoch).
    var training: (recipe: TrainingRecipe, seed: UInt64)?
    /// A name for messages (the dataset it was made for, or the checkpoint it came from).
    var origin: String
    /// The objective (and noise) of the last `train`, e.g. `dvae salt_pepper 0.1`; nil if never trained here.
    var trainedWith: String?

    /// A handle on `model`.
    init(model: VAEModel, origin: String) {
        self.model = model
        self.origin = origin
    }

    /// What the model has been trained with, for picture captions: `dvae salt_pepper 0.1, 10 epochs`,
    /// `10 epochs` (trained elsewhere, e.g. opened from a checkpoint) or `untrained`.
    var trainingCaption: String {
        if epochsTrained == 0 { return "untrained" }
        let epochs = "\(epochsTrained) epoch\(epochsTrained == 1 ? "" : "s")"
        return trainedWith.map { "\($0), \(epochs)" } ?? epochs
    }

    /// E.g. `vae 784-[200 200]-50 mlp/bernoulli, 12345 parameters, trained 5 epochs`.
    var description: String {
        let c = model.config
        let hidden = c.encoderHidden.map(String.init).joined(separator: " ")
        var s = "vae \(c.inputSize)-[\(hidden)]-\(c.latent) \(c.encoder.rawValue)/\(c.decoder.rawValue), "
            + "\(model.parameterCount) parameters"
        s += epochsTrained > 0 ? ", trained \(epochsTrained) epoch\(epochsTrained == 1 ? "" : "s")" : ", untrained"
        return s
    }
}

/// A bound (or any averaged estimate) with its standard error, printed as
/// `-98.31 ± 0.42 nats (IWAE-5000, 10000 examples)`.
struct BoundValue: CustomStringConvertible {
    /// The estimate, nats per example.
    var value: Double
    /// Its standard error (0 for an exact single value).
    var se: Double
    /// Number of examples averaged.
    var count: Int
    /// What it is: "ELBO", "IWAE-5000", "exact log p(x)", ….
    var label: String

    /// The canonical rendering.
    var description: String {
        "\(formatFixed(value, 2)) ± \(formatFixed(se, 2)) nats (\(label), \(count) example\(count == 1 ? "" : "s"))"
    }

    /// The short table cell form: `-98.31 ± 0.42`.
    var cell: String { "\(formatFixed(value, 2)) ± \(formatFixed(se, 2))" }
}

/// One epoch of a learning curve.
struct CurvePoint {
    /// 1-based epoch.
    var epoch: Int
    /// Mean training objective over the epoch.
    var train: Double
    /// Bound on the validation data, if any.
    var valid: Double?
    /// Bound on the clean training data, if measured.
    var clean: Double? = nil
}

/// A learning curve.
struct CurveValue: CustomStringConvertible {
    /// What was trained (for the plot title).
    var title: String
    /// The points, one per epoch.
    var points: [CurvePoint]
    /// What the held-out series (`valid`) measures: the validation split, or clean test digits
    /// when an experiment scored its curve on the test set (`curve_on test`).
    var heldOut: String = "validation ELBO"

    /// One line per epoch.
    var description: String {
        if points.isEmpty { return "empty curve" }
        return points.map { p in
            "epoch \(p.epoch)  train \(formatFixed(p.train, 2))" + (p.valid.map { "  valid \(formatFixed($0, 2))" } ?? "")
                + (p.clean.map { "  clean train \(formatFixed($0, 2))" } ?? "")
        }.joined(separator: "\n")
    }

    /// The curve as a chart: one series for training, one for validation when present.
    var plot: LinePlot {
        var series = [LinePlot.Series(name: "train", x: points.map { Double($0.epoch) }, y: points.map(\.train))]
        let valid = points.compactMap { p in p.valid.map { (Double(p.epoch), $0) } }
        if !valid.isEmpty {
            series.append(LinePlot.Series(name: "valid", x: valid.map(\.0), y: valid.map(\.1)))
        }
        let clean = points.compactMap { p in p.clean.map { (Double(p.epoch), $0) } }
        if !clean.isEmpty {
            series.append(LinePlot.Series(name: "clean train", x: clean.map(\.0), y: clean.map(\.1)))
        }
        return LinePlot(title: title, xLabel: "epoch", yLabel: "bound (nats)", series: series)
    }
}

extension CurveValue {
    /// Several learning curves on one chart: each run's series are named after its title, so the
    /// legend tells the runs apart (`show [r0 r5 r10]` compares noise levels).
    static func overlay(_ curves: [CurveValue]) -> LinePlot {
        var series: [LinePlot.Series] = []
        for c in curves {
            // "dvae salt_pepper 0.1 on synthetic.train" → "dvae salt_pepper 0.1": the data is shared.
            let run = c.title.components(separatedBy: " on ").first ?? c.title
            for s in c.plot.series {
                series.append(LinePlot.Series(name: "\(run) \(s.name)", x: s.x, y: s.y))
            }
        }
        // A title that says what is compared: the shared data, and what the two kinds of series are.
        let data = Set(curves.map { $0.title.components(separatedBy: " on ").dropFirst().joined(separator: " on ") })
        var title = "\(curves.count) runs"
        if data.count == 1, let d = data.first, !d.isEmpty { title += " on \(d)" }
        var parts = ["training bound (train)"]
        let heldOut = Set(curves.filter { $0.points.contains { $0.valid != nil } }.map(\.heldOut)).sorted()
        if !heldOut.isEmpty { parts.append(heldOut.joined(separator: " or ") + " (valid)") }
        if curves.contains(where: { $0.points.contains { $0.clean != nil } }) { parts.append("clean training bound (clean train)") }
        title += ": " + (parts.count == 1 ? parts[0] : parts.dropLast().joined(separator: ", ") + " and " + parts.last!)
        return LinePlot(title: title, xLabel: "epoch", yLabel: "bound (nats)", series: series)
    }
}

/// What `train` gives back.
struct TrainingReportValue: CustomStringConvertible {
    /// Epochs completed by this command.
    var epochs: Int
    /// Optimiser steps taken.
    var steps: Int
    /// Steps skipped because of non-finite values.
    var skipped: Int
    /// True when Ctrl-C stopped training.
    var interrupted: Bool
    /// Wall-clock seconds.
    var seconds: Double
    /// The learning curve.
    var curve: CurveValue

    /// A one-line summary.
    var description: String {
        var s = "trained \(epochs) epoch\(epochs == 1 ? "" : "s") (\(steps) steps) in \(formatFixed(seconds, 1)) s"
        if let last = curve.points.last {
            s += "; train bound \(formatFixed(last.train, 2))"
            if let v = last.valid { s += ", valid \(formatFixed(v, 2))" }
        }
        if skipped > 0 { s += "; \(skipped) non-finite steps skipped" }
        if interrupted { s += " (interrupted)" }
        return s
    }
}
