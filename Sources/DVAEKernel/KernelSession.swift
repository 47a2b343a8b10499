import DVAENotebook
import DVAEScript
import Foundation

/// One kernel's dvae session: a single ``Interpreter`` whose bindings last from cell to cell,
/// the execution count, the history, and the answers to the shell's requests.
///
/// Used by the shell thread only (Jupyter serialises shell requests), so it needs no locking.
public final class KernelSession {
    /// The interpreter every cell runs in.
    public let interpreter: Interpreter
    /// Where a cell's output goes.
    let sink: KernelOutputSink
    /// Broadcasts.
    let iopub: IOPubChannel
    /// The number of the last cell run with `store_history` (`In[n]`).
    public private(set) var executionCount = 0
    /// The inputs run so far.
    public private(set) var history = KernelHistory()

    /// A session with a fresh interpreter configured by `options`, publishing on `iopub`.
    /// Pictures are sent as PNG (``MimeBundle``), so one too large to encode within the budget is
    /// refused at the statement that shows it.
    public init(options: InterpreterOptions, iopub: IOPubChannel) {
        self.iopub = iopub
        sink = KernelOutputSink(iopub: iopub)
        var options = options
        options.pictureOutputs.append(.jupyter(scale: MimeBundle.imageScale))
        interpreter = Interpreter(sink: sink, options: options)
        // `run "notebook.md"` works as in the REPL, and `export` writes the session as a notebook.
        NotebookRunner.attachNotebookHook(to: interpreter)
        interpreter.recordsSession = true
    }

    /// How an `execute_request` ended.
    public struct Execution {
        /// The `execute_reply` content.
        public var reply: JSONValue
        /// Whether the cell failed (then queued cells are aborted when `stop_on_error` is set).
        public var failed: Bool
    }

    /// Runs the code of an `execute_request`: publishes `execute_input`, the output as it
    /// happens, the `execute_result` of a final bare expression and any `error`.
    public func execute(_ request: KernelMessage) -> Execution {
        let content = request.content
        let code = content["code"]?.stringValue ?? ""
        let silent = content["silent"]?.boolValue ?? false
        let storeHistory = !silent && (content["store_history"]?.boolValue ?? true)
        if storeHistory { executionCount += 1 }
        let count = executionCount
        let parent = request.header
        if !silent {
            iopub.publish("execute_input", content: ["code": .string(code), "execution_count": .int(count)], parent: parent)
        }
        sink.parent = parent
        sink.muted = silent
        defer { sink.muted = false }

        var resultText: String?
        interpreter.resultHandler = { [iopub] item in
            if case .text(let text) = item { resultText = text }
            guard !silent else { return }
            iopub.publish("execute_result", content: ["execution_count": .int(count), "data": MimeBundle.data(for: item),
                                                      "metadata": [:]], parent: parent)
        }
        defer { interpreter.resultHandler = nil }

        var reply: JSONValue = ["status": "ok", "execution_count": .int(count), "payload": [],
                                "user_expressions": [:]]
        var failed = false
        KernelInterrupt.beginCell(interpreter.interrupt)
        do {
            try interpreter.run(code, file: "In[\(count)]", firstLine: 1)
        } catch is SessionExit {
            // IPython's convention: a console front end leaves; a notebook ignores it.
            reply = ["status": "ok", "execution_count": .int(count), "user_expressions": [:],
                     "payload": [["source": "ask_exit", "keepkernel": false]]]
        } catch {
            sink.progressDone()
            failed = true
            let report = Self.errorContent(error)
            if !silent { iopub.publish("error", content: report, parent: parent) }
            var fields = report.objectValue ?? [:]
            fields["execution_count"] = .int(count)
            fields["user_expressions"] = [:]
            fields["payload"] = []
            reply = .object(fields)
        }
        KernelInterrupt.endCell()
        sink.progressDone()
        if !failed, let expressions = content["user_expressions"]?.objectValue, !expressions.isEmpty {
            var fields = reply.objectValue ?? [:]
            fields["user_expressions"] = evaluate(expressions)
            reply = .object(fields)
        }
        if storeHistory { history.record(line: count, input: code, output: resultText) }
        return Execution(reply: reply, failed: failed)
    }

    /// The `error` content for `error`: a located script error keeps its message, source line
    /// and caret (the traceback front ends show), exactly as the REPL prints it.
    static func errorContent(_ error: Error) -> JSONValue {
        let text = "\(error)"
        let evalue: String
        if let script = error as? ScriptError { evalue = script.message } else { evalue = text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { JSONValue.string(String($0)) }
        return ["status": "error", "ename": .string(error is ScriptError ? "ScriptError" : "Error"),
                "evalue": .string(evalue), "traceback": .array(lines)]
    }

    /// `user_expressions`: each expression's display, or its error, without output or history.
    func evaluate(_ expressions: [String: JSONValue]) -> JSONValue {
        var results: [String: JSONValue] = [:]
        sink.muted = true
        defer { sink.muted = false }
        for (name, source) in expressions {
            var data: JSONValue = ["text/plain": ""]
            interpreter.resultHandler = { item in data = MimeBundle.data(for: item) }
            do {
                try interpreter.run(source.stringValue ?? "", file: "<user expression \(name)>", firstLine: 1)
                results[name] = ["status": "ok", "data": data, "metadata": [:]]
            } catch {
                results[name] = Self.errorContent(error)
            }
        }
        interpreter.resultHandler = nil
        return .object(results)
    }
}
