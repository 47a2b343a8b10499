import DVAE
import XCTest
@testable import DVAEScript

/// Reading an input (its characters, tokens and syntax tree) is charged to the memory budget
/// while it is tokenized (FrontEndBudget.swift): issue 20's 8-million-item list literal reached
/// 1.37 GB under `--max-memory 1G` before the list itself was ever charged. These run the same
/// case at a small limit with a proportionally small literal.
final class FrontEndBudgetTests: XCTestCase {
    /// An interpreter whose budget is `limit` bytes.
    private func interpreter(limit: Int) -> (Interpreter, CaptureSink) {
        var options = InterpreterOptions()
        options.budget = MemoryBudget(limit: limit)
        let sink = CaptureSink()
        return (Interpreter(sink: sink, options: options), sink)
    }

    /// The literal of `count` numbers, on the second line of the input.
    private func literalInput(count: Int) -> (source: String, literalLine: String) {
        let line = "let xs = [" + (0..<count).map { String($0 % 1000) }.joined(separator: " ") + "]"
        return ("# a long literal\n" + line + "\nprint len(xs)", line)
    }

    /// Refused at the token where the charge passes the limit (inside the literal, at the start of
    /// one of its numbers), with the limit named and a way out; the session goes on (as the REPL
    /// does after an error), with what was bound before.
    func testALiteralTooLargeToReadIsRefusedInsideItAndTheSessionGoesOn() throws {
        let (tight, sink) = interpreter(limit: 16 << 20)
        try tight.run("let kept = 7", file: "t.dvae")
        let (source, line) = literalInput(count: 100_000)
        guard let e = error(of: source, in: tight) else { return }
        XCTAssertEqual(e.line, 2, "\(e)")
        XCTAssertTrue(e.message.hasPrefix("reading this input (its characters, tokens and syntax tree) up to here would need"), e.message)
        XCTAssertTrue(e.message.hasSuffix("more than the memory limit of 16.0 MiB"), e.message)
        XCTAssertTrue(e.suggestion?.contains("`list(lo:hi)`") ?? false, e.suggestion ?? "no suggestion")
        let chars = Array(line)
        XCTAssertGreaterThan(e.column, 11, "past `let xs = [`")
        XCTAssertLessThan(e.column, chars.count, "before the literal's end")
        XCTAssertTrue(chars[e.column - 1].isNumber && chars[e.column - 2] == " ", "at the start of an item: \(e.column)")
        XCTAssertEqual(sink.output, "", "nothing of the refused input ran")
        try tight.run("print kept, len([1 2 3])", file: "t.dvae")
        XCTAssertEqual(sink.output, "7 3")
        // The same input within 256 MiB is read and run.
        let (roomy, roomySink) = interpreter(limit: 256 << 20)
        try roomy.run(source, file: "t.dvae")
        XCTAssertEqual(roomySink.output, "100000")
    }

    /// Text whose characters alone pass the limit (a long comment) is refused at the character
    /// where they do, before any token: the limit over the 16 bytes a `Character` takes.
    func testTextAloneTooLargeIsRefusedAtTheCharacterWhereItPassesTheLimit() throws {
        let limit = 1 << 20
        let (tight, _) = interpreter(limit: limit)
        let first = "let a = 1", second = "print a"
        let source = first + "\n" + second + "\n# " + String(repeating: "x", count: 100_000) + "\nprint 2"
        guard let e = error(of: source, in: tight) else { return }
        let charactersBefore = first.count + 1 + second.count + 1
        XCTAssertEqual(e.line, 3, "\(e)")
        XCTAssertEqual(e.column, limit / MemoryLayout<Character>.stride - charactersBefore + 1, "\(e)")
        XCTAssertTrue(e.message.contains("more than the memory limit of 1.0 MiB"), e.message)
    }

    /// The REPL and the Jupyter kernel ask whether an input is complete before running it: an
    /// unclosed literal too large to read is complete (running it reports the limit) rather
    /// than waiting for more lines, and the kernel calls it invalid.
    func testAnUnclosedInputTooLargeToReadIsNotWaitedFor() throws {
        let (tight, _) = interpreter(limit: 4 << 20)
        let unclosed = "let xs = [" + String(repeating: "1 ", count: 100_000)
        XCTAssertFalse(tight.needsMoreInput(unclosed))
        XCTAssertEqual(tight.inputStatus(unclosed), .invalid)
        XCTAssertTrue(error(of: unclosed, in: tight)?.message.contains("more than the memory limit of 4.0 MiB") ?? false)
        // Within the limit an unclosed list still asks for more.
        let (roomy, _) = interpreter(limit: 256 << 20)
        XCTAssertTrue(roomy.needsMoreInput(unclosed))
        XCTAssertEqual(roomy.inputStatus(unclosed), .incomplete)
    }
}
