import DVAENotebook
import Foundation

/// Runs a notebook's ```` ```dvae ```` blocks in order through one ``Interpreter``, so later
/// blocks see earlier bindings, and optionally writes a rendered copy with the outputs.
///
/// Error positions are the notebook file's own lines: each block runs with `firstLine` set to
/// the line after its opening fence. The run stops at the first failing block; the rendered copy
/// is still written up to and including that block, with the error shown under it.
public final class NotebookRunner {
    /// The outcome of a run.
    public struct Outcome {
        /// The notebook that ran.
        public var notebook: Notebook
        /// How many code blocks completed without error.
        public var blocksCompleted: Int
        /// The first error, if a block failed.
        public var error: NotebookError?
        /// Output items per code cell number.
        public var outputs: [Int: [OutputItem]]
        /// Files written for the rendered copy (empty without an output directory).
        public var writtenFiles: [String]
        /// Wall time in seconds per code cell number (cells that ran, including a failed one).
        public var seconds: [Int: Double]

        /// True when every block ran (and so every assert held).
        public var succeeded: Bool { error == nil }
    }

    /// A failed block: where and why.
    public struct NotebookError: Error, CustomStringConvertible {
        /// Code cell number (1-based) that failed.
        public var cell: Int
        /// The interpreter's error, when it was a ``ScriptError``.
        public var scriptError: ScriptError?
        /// The full message, `FILE:LINE:COL: error: …` (with source line and caret when known).
        public var description: String
    }

    /// The interpreter all blocks run in (its `interrupt` flag stops a long block).
    public let interpreter: Interpreter
    /// Collects each block's output (and forwards it, e.g. to the terminal).
    public let collector: CellOutputCollector

    /// Creates a runner with a fresh interpreter whose output also goes to `forward`, if given.
    public init(options: InterpreterOptions, forward: OutputSink?) {
        collector = CellOutputCollector(forward: forward)
        interpreter = Interpreter(sink: collector, options: options)
        Self.attachNotebookHook(to: interpreter)
    }

    /// Lets `run "FILE"` inside scripts run a notebook or script in the same session.
    ///
    /// The blocks run in `interpreter` itself, so bindings they make stay visible afterwards;
    /// their output goes to the interpreter's sink. A failure is rethrown with the nested
    /// file's own location. A relative path is looked up from the
    /// current directory, then beside `relativeTo` (the notebook being run), if given.
    public static func attachNotebookHook(to interpreter: Interpreter, relativeTo base: String? = nil) {
        interpreter.runNotebookHook = { [unowned interpreter] path in
            var resolved = path
            if !FileManager.default.fileExists(atPath: path), !path.hasPrefix("/"), let base {
                let beside = ((base as NSString).deletingLastPathComponent as NSString).appendingPathComponent(path)
                if FileManager.default.fileExists(atPath: beside) { resolved = beside }
            }
            let notebook: Notebook
            do {
                notebook = try Notebook.load(path: resolved, budget: interpreter.options.budget)
            } catch let e as SourceText.DecodingError {
                // Located in the nested file, like its syntax errors.
                throw ScriptError(file: e.file, line: e.line, column: e.column, message: "invalid UTF-8: byte 0x"
                                  + String(e.byte, radix: 16, uppercase: true) + " is not part of a UTF-8 character",
                                  sourceLine: e.sourceLine, suggestion: "save the file as UTF-8")
            }
            if let error = runBlocks(of: notebook, in: interpreter).error {
                // The nested file's own location is the useful one: pass its ScriptError on.
                if let scriptError = error.scriptError { throw scriptError }
                throw error
            }
        }
    }

    /// Runs every block of `notebook`; writes the rendered copy into `outputDirectory` if given.
    ///
    /// Throws only when writing the rendered copy fails; block errors are in the outcome.
    public func run(_ notebook: Notebook, outputDirectory: String? = nil, imageScale: Int = 2) throws -> Outcome {
        Self.attachNotebookHook(to: interpreter, relativeTo: notebook.path)
        let (completed, error) = Self.runBlocks(of: notebook, in: interpreter, collector: collector)
        var written: [String] = []
        if let outputDirectory {
            let renderer = NotebookRenderer(notebook: notebook, outputDirectory: outputDirectory, imageScale: imageScale,
                                            budget: interpreter.options.budget)
            let failure = error.map { NotebookRenderer.Failure(cell: $0.cell, message: $0.description) }
            written = try renderer.write(outputs: collector.items, failure: failure)
        }
        return Outcome(notebook: notebook, blocksCompleted: completed, error: error,
                       outputs: collector.items, writtenFiles: written, seconds: collector.seconds)
    }

    /// Runs the blocks of `notebook` in `interpreter` until one fails.
    ///
    /// Used by ``run(_:outputDirectory:imageScale:)`` and by hosts that run a notebook inside an
    /// existing session (the REPL's `run "file.md"`), where bindings carry over.
    /// - Returns: the number of blocks completed and the first error.
    public static func runBlocks(of notebook: Notebook, in interpreter: Interpreter,
                                 collector: CellOutputCollector? = nil) -> (completed: Int, error: NotebookError?) {
        if let open = notebook.unclosedCodeCell {
            // Without its closing fence the block would swallow the rest of the file (prose) as code.
            let indent = open.openingFence.prefix(while: { $0 == " " }).count
            let fence = open.openingFence.dropFirst(indent).prefix(while: { $0 == "`" || $0 == "~" })
            let error = ScriptError(file: notebook.path, line: open.fenceLine, column: indent + 1, length: fence.count,
                                    message: "this ```dvae block is never closed", sourceLine: open.openingFence,
                                    suggestion: "end the block with a line of \(fence) (nothing ran: the rest of the file would be read as code)")
            return (0, NotebookError(cell: open.number, scriptError: error, description: error.description))
        }
        var completed = 0
        for cell in notebook.codeCells {
            collector?.beginCell(cell.number)
            let start = DispatchTime.now().uptimeNanoseconds
            defer { collector?.finishCell(cell.number, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
            do {
                try interpreter.run(cell.source, file: notebook.path, firstLine: cell.firstLine)
                completed += 1
            } catch is SessionExit {
                return (completed + 1, nil)        // `exit`: the notebook stops here, successfully
            } catch let error as ScriptError {
                return (completed, NotebookError(cell: cell.number, scriptError: error, description: error.description))
            } catch {
                let message = "\(notebook.path):\(cell.firstLine): error: \(error)"
                return (completed, NotebookError(cell: cell.number, scriptError: nil, description: message))
            }
        }
        return (completed, nil)
    }
}
