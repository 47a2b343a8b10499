import DVAENotebook
import Foundation

/// `export`: write the REPL session so far as a notebook that `dvae run` replays.
enum ExportCommand: Command {
    static let spec = CommandSpec(
        name: "export", positional: ["PATH"],
        keywords: [Keyword(name: "replace", slots: [], summary: "replace a file this session did not write")],
        returnsValue: false,
        summary: "write this REPL session so far as a notebook that `dvae run` replays to the same numbers",
        usage: "export PATH [replace]",
        details: [
            "One ```dvae block per input that ran, in order; statements that failed are left out",
            "(a failed statement does not use up a derived seed, so the replay draws the same numbers).",
            "`help`, `vars`, `?topic` and `export` itself are not written. Use a .md path.",
            "An existing file is replaced only if this session exported it, or with `replace`.",
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
        let resolved = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw LocatedError("cannot write \(path): it is a directory", at: at,
                                   suggestion: "give a file name, e.g. export \"\((path as NSString).appendingPathComponent("session.md"))\"")
            }
            if !exportedPaths.contains(resolved) && !a.has("replace") {
                throw LocatedError("`export` would replace \(path), which this session did not write", at: at,
                                   suggestion: "choose another name, or write `export \"\(path)\" replace` to replace it")
            }
        }
        do {
            try FileWriting.makeParentDirectories(of: path)
            try FileWriting.write(Data(sessionNotebook().utf8), to: path)
        } catch let problem as FileWriting.Problem {
            throw LocatedError(problem.description, at: at)
        }
        exportedPaths.insert(resolved)
        let n = sessionLog.entries.count
        say("exported \(n) statement\(n == 1 ? "" : "s") to \(path); replay with: dvae run\(options.testMode ? " --test" : "") \(path)")
        return .nothing
    }
}
