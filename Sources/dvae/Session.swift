import DVAENotebook
import DVAEScript

/// Creates the interpreter for a REPL session, with `run "FILE"` wired to the notebook runner and
/// the statements that run recorded for `export`.
func makeInterpreter(sink: OutputSink, options: InterpreterOptions) -> Interpreter {
    let interpreter = Interpreter(sink: sink, options: options)
    NotebookRunner.attachNotebookHook(to: interpreter)
    interpreter.recordsSession = true
    return interpreter
}
