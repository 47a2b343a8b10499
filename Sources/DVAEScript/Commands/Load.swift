import DVAE
import Foundation

/// `load`: load a dataset: its train/valid/test splits.
enum LoadCommand: Command {
    static let spec = CommandSpec(
        name: "load", positional: ["NAME"],
        keywords: [
            Keyword(name: "subset", slots: [.expr("N")], summary: "keep N examples of each split, drawn by a fixed-seed shuffle (files may be sorted by class)"),
            Keyword(name: "seed", slots: [.expr("S")], summary: "seed of the synthetic dataset (default 0)"),
            Keyword(name: "split", slots: [.word("SPLIT", ["standard", "authors", "random"])],
                    summary: "frey only: standard (contiguous 1565/200/200, default) or authors (their script's: a permutation, "
                        + "train = first 1572, test = first 200 of the same order — test faces are training faces) "
                        + "or random (the same order cut disjointly: train first 1565, test last 200)"),
        ],
        returnsValue: true,
        summary: "load a dataset: its train/valid/test splits",
        usage: "load [NAME] [subset N] [seed S] [split standard|authors|random]",
        details: [
            "NAME is \"synthetic\" (built in, the default), \"binarized_mnist\", \"frey\",",
            "or a file path (.amat) which loads one dataset rather than three splits.",
            "Data files are looked up in: --data, $DVAE_DATA, ./data, ../shared/data.",
        ],
        example: "let mnist = load \"binarized_mnist\" subset 1000\nprint mnist.train")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.load(a) }
}

extension Interpreter {
    /// `load`: a named dataset's splits, or one dataset from a file.
    func load(_ a: CommandArguments) throws -> Value {
        var name = "synthetic"
        var nameLocation = a.call.location
        if let first = a.call.positional.first {
            nameLocation = first.location
            if case .variable(let word) = first.kind, a.env.lookup(word) == nil {
                guard DatasetName(name: word) != nil else {
                    throw LocatedError("unknown dataset `\(word)`", at: first.location,
                                       suggestion: Suggestions.didYouMean(word, in: DatasetName.allNames).map { "\($0) (write names in quotes)" }
                                           ?? "known: \(DatasetName.allNames.joined(separator: ", ")), or a file path in quotes")
                }
                name = word
            } else {
                let (v, at) = try a.required(0, "a dataset name")
                guard case .string(let s) = v else {
                    throw LocatedError("`load` needs a dataset name or path as a string, got \(v.typeWithArticle)", at: at,
                                       suggestion: "for example: load \"binarized_mnist\"")
                }
                name = s
            }
        }
        let subset = a.has("subset") ? try a.int("subset", default: 0, minimum: 1) : nil
        let seed = UInt64(try a.int("seed", default: 0, minimum: 0, maximum: CommandArguments.maximumSeed))
        let lower = name.lowercased()
        let known = DatasetName(name: name)
        let isFile = lower.contains("/") || lower.contains(".")
        if !isFile && known == nil {
            throw LocatedError("unknown dataset \"\(name)\"", at: nameLocation,
                               suggestion: Suggestions.didYouMean(lower, in: DatasetName.allNames)
                                   ?? "known: \(DatasetName.allNames.joined(separator: ", ")), or a file path (.amat, .mat, -idx3-ubyte)")
        }
        var splits: DataSplits
        if known == .synthetic {
            splits = DataLoader.synthetic(seed: seed)
        } else {
            if a.has("seed") {
                throw LocatedError("`seed` applies only to the synthetic dataset", at: a.location(of: "seed"))
            }
            let locator = options.dataLocator ?? DataLocator()
            let key = lower + "|" + locator.searchDirectories.joined(separator: "|")
            if let cached = loadCache[key] {
                splits = cached
            } else {
                sink.progress("loading \(name)…")
                defer { sink.progressDone() }
                do {
                    splits = try DataLoader.load(name: name, locator: locator, budget: budget)
                } catch let error as DataError {
                    throw Interpreter.dataError(error, at: nameLocation)
                } catch let error as ResourceError {
                    throw Interpreter.locate(error, at: nameLocation, fix: "use a smaller file")
                } catch {
                    throw LocatedError("cannot load \"\(name)\": \(error)", at: nameLocation)
                }
                loadCache[key] = splits
            }
        }
        if let (w, at) = a.word("split"), w != "standard" {
            guard splits.name == "frey" else {
                throw LocatedError("`split \(w)` is a Frey Face split; \"\(name)\" has no such split", at: at,
                                   suggestion: "use it with load \"frey\"")
            }
            splits = w == "authors" ? DataLoader.freyAuthorsSplits(splits) : DataLoader.freyRandomSplits(splits)
        }
        if let n = subset {
            // A seeded random subset, not the first n: the MNIST test split is sorted by class.
            func first(_ d: Dataset) -> Dataset {
                var s = d.sample(n)
                s.name = d.name
                return s
            }
            splits = DataSplits(name: splits.name, train: first(splits.train), valid: first(splits.valid), test: first(splits.test))
        }
        if splits.train.count == 0 && splits.valid.count == 0 && splits.test.count == 0 {
            throw LocatedError("the dataset \"\(name)\" is empty", at: nameLocation)
        }
        if splits.valid.count == 0 && splits.test.count == 0 { return .dataset(splits.train) }
        return .splits(splits)
    }

    /// A `DataError` as a located error: the first line as the message, the rest as help.
    static func dataError(_ error: DataError, at location: SourceLocation) -> LocatedError {
        switch error {
        case let .notFound(file, searched):
            return LocatedError("data file '\(file)' not found; looked in: \(searched.joined(separator: ", "))", at: location,
                                suggestion: "pass --data DIR, set DVAE_DATA to the directory holding it, or put it in ./data")
        case let .unknownDataset(name, known):
            let isPath = name.contains("/") || name.contains(".")
            return LocatedError(isPath ? "\"\(name)\" is not a data file dvae reads" : "unknown dataset \"\(name)\"", at: location,
                                suggestion: isPath ? "data files end in .amat, .mat or -idx3-ubyte (any case)"
                                    : Suggestions.didYouMean(name, in: known) ?? "known: \(known.joined(separator: ", "))")
        case let .unreadable(path, reason):
            return LocatedError("cannot read \(path): \(reason)", at: location,
                                suggestion: reason.contains("not a regular file")
                                    ? "name a data file (.amat, .mat or -idx3-ubyte); pipes, devices and directories are not read"
                                    : "check that the file exists and is readable")
        default:
            let lines = error.description.split(separator: "\n", maxSplits: 1).map(String.init)
            return LocatedError(lines[0], at: location, suggestion: lines.count > 1 ? lines[1] : nil)
        }
    }
}
