import DVAENotebook
import DVAEScript

/// Creates the interpreter for a REPL session, with `run "FILE"` wired to the notebook runner.
func makeInterpreter(sink: OutputSink, test: Bool, variables: [String: String]) -> Interpreter {
    let interpreter = Interpreter(sink: sink, options: InterpreterOptions(testMode: test, variables: variables))
    NotebookRunner.attachNotebookHook(to: interpreter)
    return interpreter
}
