import Foundation
import DVAE

/// `run`: run a notebook's dvae blocks in this session.
enum RunCommand: Command {
    static let spec = CommandSpec(
        name: "run", positional: ["PATH"], keywords: [], returnsValue: false,
        summary: "run a notebook's dvae blocks in this session",
        usage: "run PATH",
        example: "run \"notebooks/01-tour.md\"")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.runNotebook(a) }
}

extension Interpreter {
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
        } catch DataError.unreadable(_, let reason) {
            throw LocatedError("cannot run \(path): \(reason)", at: at,
                               suggestion: "give the path of a notebook (.md) or a script (.dvae)")
        } catch {
            throw LocatedError("cannot run \(path): \(error)", at: at)
        }
        return .nothing
    }
}
