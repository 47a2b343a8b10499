import DVAENotebook
import XCTest
@testable import DVAEScript

/// An output sink that records everything.
final class CaptureSink: OutputSink {
    var items: [OutputItem] = []
    var progressLines: [String] = []
    var progressDoneCount = 0

    func emit(_ item: OutputItem) { items.append(item) }
    func progress(_ line: String) { progressLines.append(line) }
    func progressDone() { progressDoneCount += 1 }

    /// All text items, in order.
    var texts: [String] {
        items.compactMap { if case .text(let s) = $0 { return s } else { return nil } }
    }
    /// All text joined by newlines.
    var output: String { texts.joined(separator: "\n") }
    var images: [ImageGrid] { items.compactMap { if case .image(let g) = $0 { return g } else { return nil } } }
    var plots: [LinePlot] { items.compactMap { if case .plot(let p) = $0 { return p } else { return nil } } }
}

/// A sink that presses Ctrl-C (sets the interrupt flag) at the first progress line, to test
/// that long commands stop cleanly.
final class InterruptingSink: OutputSink {
    var items: [OutputItem] = []
    weak var interpreter: Interpreter?
    func emit(_ item: OutputItem) { items.append(item) }
    func progress(_ line: String) { interpreter?.interrupt.set() }
    func progressDone() {}
}

/// A fresh interpreter and its sink.
func makeInterpreter(testMode: Bool = true, variables: [String: String] = [:]) -> (Interpreter, CaptureSink) {
    let sink = CaptureSink()
    return (Interpreter(sink: sink, options: InterpreterOptions(testMode: testMode, variables: variables)), sink)
}

/// Runs `source` in a fresh interpreter and returns the printed text.
func output(of source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    let (interp, sink) = makeInterpreter()
    do {
        try interp.run(source, file: "test.dvae")
    } catch {
        XCTFail("unexpected error: \(error)", file: file, line: line)
    }
    return sink.output
}

/// The error `source` raises (fails the test when it runs cleanly).
func error(of source: String, in interpreter: Interpreter? = nil, file: StaticString = #filePath, line: UInt = #line) -> ScriptError? {
    let interp = interpreter ?? makeInterpreter().0
    do {
        try interp.run(source, file: "test.dvae")
        XCTFail("expected an error from: \(source)", file: file, line: line)
        return nil
    } catch let e as ScriptError {
        return e
    } catch {
        XCTFail("unexpected error type: \(error)", file: file, line: line)
        return nil
    }
}

/// Asserts that `source` fails at `line:column` with a message containing `message`
/// (and, when given, a suggestion containing `suggestion`).
func assertError(_ source: String, at expectedLine: Int, _ expectedColumn: Int, _ message: String,
                 suggestion: String? = nil, in interpreter: Interpreter? = nil,
                 file: StaticString = #filePath, line: UInt = #line) {
    guard let e = error(of: source, in: interpreter, file: file, line: line) else { return }
    XCTAssertEqual(e.line, expectedLine, "line of: \(e)", file: file, line: line)
    XCTAssertEqual(e.column, expectedColumn, "column of: \(e)", file: file, line: line)
    XCTAssertTrue(e.message.contains(message), "message `\(e.message)` lacks `\(message)`", file: file, line: line)
    if let suggestion {
        XCTAssertTrue(e.suggestion?.contains(suggestion) ?? false,
                      "suggestion `\(e.suggestion ?? "nil")` lacks `\(suggestion)`", file: file, line: line)
    }
}

extension Interpreter {
    /// Runs inside an outer run so the interrupt flag is not cleared first (for tests).
    func runNested(_ source: String, file: String) throws {
        let flagWasSet = interrupt.isSet
        runNotebookHook = { [unowned self] _ in
            if flagWasSet { self.interrupt.set() }
            try self.run(source, file: file)
        }
        try run("run \"nested\"", file: "outer")
    }
}
