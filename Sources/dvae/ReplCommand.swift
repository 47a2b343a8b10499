import ArgumentParser
import DVAENotebook
import DVAEScript
import Foundation

/// `dvae` / `dvae repl`: the interactive session, or a script piped on standard input.
struct ReplCommand: ParsableCommand {
    /// Help text.
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Interactive session (the default); runs standard input as a script when it is not a terminal."
    )

    /// `--set`, `--test`, `--data`, `--max-memory` (shared with `dvae run`).
    @OptionGroup var script: ScriptOptions

    /// Worker threads.
    @OptionGroup var threadsOption: ThreadsOption

    /// Keep no history file.
    @Flag(name: .customLong("no-history"), help: "Do not read or write ~/.dvae_history.")
    var noHistory = false

    func run() throws {
        threadsOption.apply()
        let options = try script.interpreterOptions()
        let sink = TerminalSink.standardOutput()
        let interpreter = makeInterpreter(sink: sink, options: options)
        if isatty(0) == 1 {
            InterruptHandling.install()
            let history = noHistory ? nil : Repl.defaultHistoryPath()
            Repl(interpreter: interpreter, sink: sink, historyPath: history).runInteractive()
        } else {
            let status = Repl(interpreter: interpreter, sink: sink, historyPath: nil).runPiped()
            if status != 0 { throw ExitCode(status) }
        }
    }
}
