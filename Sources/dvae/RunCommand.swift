import ArgumentParser
import DVAE
import DVAENotebook
import DVAEScript
import Foundation

/// `dvae run FILE`: runs a notebook (Markdown with ```` ```dvae ```` blocks) or a plain script.
struct RunCommand: ParsableCommand {
    /// Help text.
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a notebook (.md) or a script (.dvae), printing each block's output.",
        discussion: """
        Exits 0 when every block ran and every assert held; otherwise prints FILE:LINE: error: … \
        on standard error and exits 1. With --out, writes a rendered copy of the notebook with \
        its outputs (text blocks, PNG pictures, SVG plots) into the directory. With --html, \
        writes one self-contained HTML page (pictures inlined, a table of contents, each \
        cell's output and wall time, an error shown at its cell).
        """
    )

    /// The notebook or script.
    @Argument(help: "Notebook (.md) or script (.dvae) to run.")
    var file: String

    /// Directory for the rendered copy.
    @Option(name: .long, help: "Write the rendered notebook and its pictures into this directory.")
    var out: String?

    /// The self-contained HTML page.
    @Option(name: .long, help: ArgumentHelp("Write the notebook and its outputs as one self-contained HTML page.",
                                            valueName: "FILE.html"))
    var html: String?

    /// `--set`, `--test`, `--data`, `--max-memory` (shared with the REPL).
    @OptionGroup var script: ScriptOptions

    /// Worker threads.
    @OptionGroup var threadsOption: ThreadsOption

    /// PNG upscale factor.
    @Option(name: .long, help: "Integer upscale of PNG pictures in the rendered copy.")
    var scale: Int = 2

    func validate() throws {
        guard scale >= 1, scale <= 16 else { throw ValidationError("--scale must be between 1 and 16") }
    }

    func run() throws {
        threadsOption.apply()
        let options = try script.interpreterOptions()
        let notebook: Notebook
        do {
            notebook = try Notebook.load(path: file, budget: options.budget)
        } catch let error as SourceText.DecodingError {
            printError(error.description)
            throw ExitCode(2)
        } catch DataError.unreadable(_, let reason) {
            printError("dvae: cannot read \(file): \(reason)")
            throw ExitCode(2)
        } catch {
            printError("dvae: cannot read \(file): \(error)")
            throw ExitCode(2)
        }
        let runner = NotebookRunner(options: options,
                                    forward: TerminalSink.standardOutput())
        InterruptHandling.install()
        InterruptHandling.beginCommand(runner.interpreter.interrupt)
        let outcome: NotebookRunner.Outcome
        do {
            outcome = try runner.run(notebook, outputDirectory: out, imageScale: scale)
        } catch {
            printError("dvae: cannot write the rendered copy: \(error)")
            throw ExitCode(2)
        }
        InterruptHandling.endCommand()
        runner.collector.progressDone()
        if let rendered = outcome.writtenFiles.first {
            let pictures = outcome.writtenFiles.count - 1
            printError("dvae: wrote \(rendered)" + (pictures > 0 ? " and \(pictures) picture file\(pictures == 1 ? "" : "s")" : ""))
        }
        if let html {
            let failure = outcome.error.map { NotebookRenderer.Failure(cell: $0.cell, message: $0.description) }
            do {
                let renderer = NotebookHTMLRenderer(notebook: notebook, imageScale: scale, budget: options.budget)
                // A formula that cannot be typeset is shown as its source; say where it is.
                renderer.mathWarnings().forEach { printError($0) }
                try renderer.write(to: html, outputs: outcome.outputs, seconds: outcome.seconds, failure: failure)
                printError("dvae: wrote \(html)")
            } catch {
                printError("dvae: cannot write the HTML page: \(error)")
                throw ExitCode(2)
            }
        }
        if let error = outcome.error {
            printError(error.description)
            throw ExitCode(1)
        }
        // Cells a sweep has not finished (running, failed, not started): gathered, not computed.
        let report = runner.interpreter.cells.gatherReport()
        if !report.isEmpty {
            printError("dvae: " + report[0])
            for line in report.dropFirst() { printError(line) }
            let resubmit = (["dvae", "sweep", ShellWords.quote(file)] + script.commandLineWords).joined(separator: " ")
            printError("dvae: the tables above lack these cells; asserts were not checked. Run this again when the "
                       + "sweep is done, or resubmit what is missing with `\(resubmit) --slurm` (or `--local N`)")
            throw ExitCode(1)
        }
    }
}
