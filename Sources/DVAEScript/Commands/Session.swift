import Foundation
import DVAE

/// Session commands: `table`, `seed`, `run`, `vars`.
extension Interpreter {
    /// `table "col" "col" …`: an empty table.
    func table(_ a: CommandArguments) throws -> Value {
        var columns: [String] = []
        for i in a.call.positional.indices {
            let (v, at) = try a.positional(i)!
            switch v {
            case .string(let s): columns.append(s)
            case .list(let items):
                for item in items {
                    guard case .string(let s) = item else {
                        throw LocatedError("column names must be strings, found \(item.typeWithArticle)", at: at)
                    }
                    columns.append(s)
                }
            default:
                throw LocatedError("column names must be strings, got \(v.typeWithArticle)", at: at,
                                   suggestion: "write them in quotes: table \"noise\" \"bound\"")
            }
        }
        guard !columns.isEmpty else {
            throw LocatedError("`table` needs at least one column name", at: a.call.location,
                               suggestion: "for example: let t = table \"noise\" \"bound\"")
        }
        return .table(TableValue(columns: columns))
    }

    /// `seed N`: resets the global seed.
    func setSeed(_ a: CommandArguments) throws -> Value {
        let (v, at) = try a.required(0, "a seed")
        globalSeed = UInt64(try CommandArguments.int(v, at: at, name: "the seed", minimum: 0))
        seedCounter = 0
        return .nothing
    }

    /// `run "file.md"`: hands the path to the notebook runner.
    func runNotebook(_ a: CommandArguments) throws -> Value {
        let (v, at) = try a.required(0, "a notebook path")
        guard case .string(let path) = v else {
            throw LocatedError("`run` needs a path in quotes, got \(v.typeWithArticle)", at: at)
        }
        guard let hook = runNotebookHook else {
            throw LocatedError("`run` is not available here (no notebook runner is attached)", at: a.call.location)
        }
        let resolved = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        if notebooksRunning.contains(resolved) {
            throw LocatedError("`run \"\(path)\"` would run a notebook that is already running (a cycle)", at: at,
                               suggestion: "a notebook cannot run itself, directly or through another notebook")
        }
        guard notebooksRunning.count < 32 else {
            throw LocatedError("notebooks nested more than 32 deep", at: at)
        }
        notebooksRunning.append(resolved)
        defer { notebooksRunning.removeLast() }
        do {
            try hook(path)
        } catch let e as ScriptError {
            throw e
        } catch let e as LocatedError {
            throw e
        } catch {
            throw LocatedError("cannot run \(path): \(error)", at: at)
        }
        return .nothing
    }

    /// `vars`: every binding, one line each.
    func listVariables(_ env: Environment) -> Value {
        var lines: [String] = []
        var seen = Set<String>()
        var scope: Environment? = env
        while let s = scope {
            for (name, value) in s.bindings where seen.insert(name).inserted {
                var text = value.description.split(separator: "\n").first.map(String.init) ?? ""
                if case .string(let str) = value { text = "\"\(str)\"" }
                if text.count > 70 { text = String(text.prefix(69)) + "…" }
                lines.append("\(name) = \(text)  (\(value.typeName))")
            }
            scope = s.parent
        }
        say(lines.isEmpty ? "no variables" : lines.joined(separator: "\n"))
        return .nothing
    }
}
