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

    /// Variables predefined for the session.
    @Option(name: .customLong("set"), parsing: .upToNextOption, help: "Predefine variables: --set name=value ...")
    var settings: [String] = []

    /// Quick protocol for notebooks run from the session.
    @Flag(name: .long, help: "Test mode: small, fast settings for commands that honour it.")
    var test = false

    /// Keep no history file.
    @Flag(name: .customLong("no-history"), help: "Do not read or write ~/.dvae_history.")
    var noHistory = false

    func run() throws {
        let settings = try ScriptSettings(settings)
        let sink = TerminalSink.standardOutput()
        let interpreter = makeInterpreter(sink: sink, test: test, variables: settings.dictionary)
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
