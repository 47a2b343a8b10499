import DVAENotebook
import DVAEScript
import Foundation

/// The read–eval–print loop around one ``Interpreter``.
///
/// Interactive: readline prompts `dvae> ` and `  ...> ` (while the input is incomplete), errors
/// are printed and the session keeps its bindings, Ctrl-C clears the line or stops the running
/// command, `exit`, `quit` or Ctrl-D quits. Piped: all of standard input runs as one script, no
/// prompts; `exit` stops it with status 0.
final class Repl {
    /// The session's interpreter.
    let interpreter: Interpreter
    /// Where output goes (to end progress lines after a command).
    let sink: OutputSink
    /// History file for the interactive session, or nil.
    let historyPath: String?

    /// The main prompt.
    static let prompt = "dvae> "
    /// The prompt while a statement continues on the next line.
    static let continuationPrompt = "  ...> "

    /// Creates a loop around `interpreter`.
    init(interpreter: Interpreter, sink: OutputSink, historyPath: String?) {
        self.interpreter = interpreter
        self.sink = sink
        self.historyPath = historyPath
    }

    /// `~/.dvae_history` (from `$HOME`), or nil when there is no home directory.
    static func defaultHistoryPath() -> String? {
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return nil }
        return (home as NSString).appendingPathComponent(".dvae_history")
    }

    /// Runs the interactive session until Ctrl-D.
    func runInteractive() {
        let editor = LineEditor(historyPath: historyPath) { [interpreter] prefix, line in
            interpreter.completions(prefix: prefix, line: line)
        }
        print("dvae — denoising variational auto-encoders. Type `help` (or `?train`) for help, `exit` or Ctrl-D to quit.")
        var pending: [String] = []
        while true {
            let prompt = pending.isEmpty ? Self.prompt : Self.continuationPrompt
            switch editor.readLine(prompt: prompt) {
            case .endOfInput:
                return
            case .interrupted:
                pending = []
            case .line(let line):
                pending.append(line)
                let source = pending.joined(separator: "\n")
                if interpreter.needsMoreInput(source) { continue }
                pending = []
                guard !source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
                editor.remember(source)          // a multi-line statement is one history entry
                if execute(source, file: "<repl>") == .exit { return }
            }
        }
    }

    /// Runs all of standard input as one script; returns the exit status (0 ok, 1 error).
    ///
    /// Ctrl-C keeps its default effect while the input is read, then stops the script cleanly.
    func runPiped() -> Int32 {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        // The same decoding as `dvae run FILE`: BOM dropped, CRLF → LF, invalid UTF-8 located.
        let source: String
        do {
            source = try SourceText.decode([UInt8](data), file: "<stdin>")
        } catch {
            printError("\(error)")
            return 1
        }
        InterruptHandling.install()
        return execute(source, file: "<stdin>") == .failed ? 1 : 0
    }

    /// How running one input ended.
    enum Outcome: Equatable {
        /// It ran.
        case ok
        /// It stopped with an error (printed on standard error).
        case failed
        /// It ran `exit` or `quit`.
        case exit
    }

    /// Runs `source` with Ctrl-C routed to the interpreter; prints an error to stderr.
    @discardableResult
    func execute(_ source: String, file: String) -> Outcome {
        let echo = ControlEcho()
        InterruptHandling.beginCommand(interpreter.interrupt)
        defer {
            InterruptHandling.endCommand()
            sink.progressDone()
            echo.restore()
        }
        do {
            try interpreter.run(source, file: file, firstLine: 1)
            return .ok
        } catch is SessionExit {
            return .exit
        } catch {
            sink.progressDone()
            printError("\(error)")
            return .failed
        }
    }
}
