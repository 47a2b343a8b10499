import DVAENotebook
import Foundation

/// `export`: write the REPL session so far as a notebook that `dvae run` replays.
enum ExportCommand: Command {
    static let spec = CommandSpec(
        name: "export", positional: ["PATH"], keywords: [], returnsValue: false,
        summary: "write this REPL session so far as a notebook that `dvae run` replays to the same numbers",
        usage: "export PATH",
        details: [
            "One ```dvae block per input that ran, in order; statements that failed are left out",
            "(a failed statement does not use up a derived seed, so the replay draws the same numbers).",
            "`help`, `vars`, `?topic` and `export` itself are not written. Use a .md path.",
        ],
        example: "export \"session.md\"\n# then, in the shell: dvae run session.md --html session.html")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.export(a) }
}

extension Interpreter {
    /// Writes ``sessionNotebook(date:)`` to the path given.
    func export(_ a: CommandArguments) throws -> Value {
        let (v, at) = try a.required(0, "a file path")
        guard case .string(let path) = v, !path.isEmpty else {
            throw LocatedError("`export` needs a file path in quotes, got \(v.typeWithArticle)", at: at,
                               suggestion: "for example: export \"session.md\"")
        }
        guard recordsSession else {
            throw LocatedError("`export` writes a REPL session, and this run is not one (nothing was recorded)",
                               at: a.call.location, suggestion: "type `export \"FILE.md\"` in the REPL (`dvae`)")
        }
        guard Notebook.isMarkdown(path: path) else {
            throw LocatedError("`export` writes a Markdown notebook; give the path a .md extension", at: at,
                               suggestion: "for example: export \"\((path as NSString).deletingPathExtension).md\"")
        }
        let running = notebooksRunning.contains(URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path)
        if running {
            throw LocatedError("`export` would overwrite a notebook that is running", at: at)
        }
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            try Data(sessionNotebook().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw LocatedError("cannot write \(path): \(error.localizedDescription)", at: at)
        }
        let n = sessionLog.entries.count
        say("exported \(n) statement\(n == 1 ? "" : "s") to \(path); replay with: dvae run\(options.testMode ? " --test" : "") \(path)")
        return .nothing
    }
}
