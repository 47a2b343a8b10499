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

    /// The notebook or script, or a directory of notebooks.
    @Argument(help: "Notebook (.md) or script (.dvae) to run; or a directory: every notebook in it, with --html DIR.")
    var file: String

    /// Directory for the rendered copy.
    @Option(name: .long, help: "Write the rendered notebook and its pictures into this directory.")
    var out: String?

    /// The self-contained HTML page (a directory of pages when `file` is a directory).
    @Option(name: .long, help: ArgumentHelp("Write the notebook and its outputs as one self-contained HTML page "
                                            + "(for a directory of notebooks: a directory of pages and index.html).",
                                            valueName: "FILE.html|DIR"))
    var html: String?

    /// `--set`, `--test`, `--data`, `--max-memory` (shared with the REPL).
    @OptionGroup var script: ScriptOptions

    /// Worker threads.
    @OptionGroup var threadsOption: ThreadsOption

    /// Read experiment cells, never compute them.
    @Flag(name: .customLong("cached-only"),
          help: ArgumentHelp("Compute no experiment cell: finished cells are read from their caches, the others print as "
                             + "pending with their progress so far (look at a long run without resuming it here)."))
    var cachedOnly = false

    /// PNG upscale factor.
    @Option(name: .long, help: "Integer upscale of PNG pictures in the rendered copy.")
    var scale: Int = 2

    func validate() throws {
        guard scale >= 1, scale <= 16 else { throw ValidationError("--scale must be between 1 and 16") }
    }

    func run() throws {
        threadsOption.apply()
        var options = try script.interpreterOptions()
        if cachedOnly { options.cellMode = .cachedOnly }
        // Pictures written as PNG files or inlined in the page are checked against the budget
        // where they are shown.
        if out != nil { options.pictureOutputs.append(.pngFile(scale: scale)) }
        if html != nil { options.pictureOutputs.append(.htmlPage(scale: scale)) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
            try runDirectory(options: options)
            return
        }
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
        // Output paths first: a path that cannot be written should not wait for every cell.
        let pathProblems = [html.flatMap { OutputPathCheck.problem(html: $0, notebook: file) },
                            out.flatMap { OutputPathCheck.problem(out: $0) }].compactMap { $0 }
        if !pathProblems.isEmpty {
            pathProblems.forEach { printError("dvae: " + $0) }
            throw ExitCode(2)
        }
        let (runner, outcome) = try runNotebook(notebook, options: options)
        if let rendered = outcome.writtenFiles.first {
            let pictures = outcome.writtenFiles.count - 1
            printError("dvae: wrote \(rendered)" + (pictures > 0 ? " and \(pictures) picture file\(pictures == 1 ? "" : "s")" : ""))
        }
        if let html {
            do {
                try writePage(of: notebook, outcome: outcome, to: html, budget: options.budget, site: nil)
                printError("dvae: wrote \(html)")
            } catch {
                printError("dvae: cannot write the HTML page: \(FileErrorText.describe(error))")
                throw ExitCode(2)
            }
        }
        if let error = outcome.error {
            printError(error.description)
            throw ExitCode(1)
        }
        // Cells a sweep has not finished (running, failed, not started): gathered, not computed.
        let report = runner.interpreter.gatherReport()
        if !report.isEmpty {
            printError("dvae: " + report[0])
            for line in report.dropFirst() { printError(line) }
            guard runner.interpreter.cells.hasUnfinishedOwnCells else {
                // Only cells this run reads without computing (`cached_only`, `--cached-only`):
                // the notebook did what it was asked; the numbers fill in as those runs go on.
                printError("dvae: the cells above are only read here; the notebook shows them as far as they have got")
                return
            }
            let resubmit = (["dvae", "sweep", ShellWords.quote(file)] + script.commandLineWords).joined(separator: " ")
            printError("dvae: the tables above lack these cells; asserts were not checked. Run this again when the "
                       + "sweep is done, or resubmit what is missing with `\(resubmit) --slurm` (or `--local N`)")
            throw ExitCode(1)
        }
    }

    /// Runs `notebook` in a fresh session, its output live on the terminal and Ctrl-C stopping
    /// the command at work (the rendered copy goes to `--out` when given): the one way `run` runs
    /// a notebook, alone or as one file of a directory. Exits with status 2 when the rendered
    /// copy cannot be written.
    private func runNotebook(_ notebook: Notebook, options: InterpreterOptions) throws -> (NotebookRunner, NotebookRunner.Outcome) {
        let runner = NotebookRunner(options: options, forward: TerminalSink.standardOutput())
        InterruptHandling.install()
        InterruptHandling.beginCommand(runner.interpreter.interrupt)
        defer { InterruptHandling.endCommand() }
        let outcome: NotebookRunner.Outcome
        do {
            outcome = try runner.run(notebook, outputDirectory: out, imageScale: scale)
        } catch {
            printError("dvae: cannot write the rendered copy: \(FileErrorText.describe(error))")
            throw ExitCode(2)
        }
        runner.collector.progressDone()
        return (runner, outcome)
    }

    /// Writes the HTML page of a run `notebook` to `path` (in `site`, for a directory's pages),
    /// saying where a formula could not be typeset (it is shown as its source).
    private func writePage(of notebook: Notebook, outcome: NotebookRunner.Outcome, to path: String,
                           budget: MemoryBudget, site: NotebookSite?) throws {
        let failure = outcome.error.map { NotebookRenderer.Failure(cell: $0.cell, message: $0.description) }
        let renderer = NotebookHTMLRenderer(notebook: notebook, imageScale: scale, budget: budget, site: site)
        renderer.mathWarnings().forEach { printError($0) }
        try renderer.write(to: path, outputs: outcome.outputs, seconds: outcome.seconds, failure: failure)
    }

    /// `dvae run DIRECTORY --html OUT`: every notebook (`*.md`) of the directory in name order,
    /// each in a fresh session, each written as `OUT/NAME.html` with links to the others, and
    /// `OUT/index.html` listing them. A failed notebook does not stop the others; the exit status
    /// is 1 when any failed.
    func runDirectory(options: InterpreterOptions) throws {
        guard let html else {
            printError("dvae: \(file) is a directory: `dvae run DIRECTORY` renders every notebook in it and needs "
                       + "--html OUTPUT_DIRECTORY (e.g. dvae run \(file) --html out/site)")
            throw ExitCode(2)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: file).filter { $0.hasSuffix(".md") }.sorted()
        } catch {
            printError("dvae: cannot list \(file): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        guard !names.isEmpty else {
            printError("dvae: \(file) has no notebooks (*.md)")
            throw ExitCode(2)
        }
        var notebooks: [Notebook] = []
        for name in names {
            do {
                notebooks.append(try Notebook.load(path: (file as NSString).appendingPathComponent(name), budget: options.budget))
            } catch {
                printError("dvae: cannot read \(name): \(error)")
                throw ExitCode(2)
            }
        }
        var outcomes: [NotebookRunner.Outcome] = []
        var entries: [NotebookSite.Entry] = []
        var failed: [String] = []
        for (k, notebook) in notebooks.enumerated() {
            printError("dvae: running \(notebook.path) (\(k + 1) of \(notebooks.count))")
            let (runner, outcome) = try runNotebook(notebook, options: options)
            let seconds = outcome.seconds.values.reduce(0, +)
            var summary = "\(notebook.codeCells.count) code cells, ran in \(NotebookHTMLRenderer.duration(seconds))"
            if let error = outcome.error {
                printError(error.description)
                summary = "stopped with an error in cell \(error.cell) of \(notebook.codeCells.count)"
                failed.append(notebook.baseName)
            } else if runner.interpreter.cells.hasUnfinishedOwnCells {
                summary += "; some experiment cells are pending (run it alone for the list)"
                failed.append(notebook.baseName)
            }
            outcomes.append(outcome)
            entries.append(NotebookSite.Entry(baseName: notebook.baseName, title: NotebookSite.title(of: notebook),
                                              summary: summary, failed: outcome.error != nil))
        }
        let site = NotebookSite(entries: entries)
        do {
            try FileManager.default.createDirectory(atPath: html, withIntermediateDirectories: true)
            for (notebook, outcome) in zip(notebooks, outcomes) {
                try writePage(of: notebook, outcome: outcome, to: (html as NSString).appendingPathComponent(notebook.baseName + ".html"),
                              budget: options.budget, site: site)
            }
            let index = (html as NSString).appendingPathComponent(NotebookSite.indexPage)
            try Data(site.index().utf8).write(to: URL(fileURLWithPath: index), options: .atomic)
            printError("dvae: wrote \(index) and \(notebooks.count) page\(notebooks.count == 1 ? "" : "s")")
        } catch {
            printError("dvae: cannot write the HTML pages: \(FileErrorText.describe(error))")
            throw ExitCode(2)
        }
        if !failed.isEmpty {
            printError("dvae: \(failed.count) of \(notebooks.count) notebooks did not finish cleanly: " + failed.joined(separator: ", "))
            throw ExitCode(1)
        }
    }
}
