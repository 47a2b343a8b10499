import XCTest
@testable import DVAEScript

/// Issue 9 item 6 and issue 10 items 3 and 5: every syntax error of a cell is reported (each
/// located), flat chains of any length parse and evaluate without recursion, nesting has one
/// depth limit, and input that ends inside an opener is reported at the opener.
final class ParserRecoveryTests: XCTestCase {
    // MARK: - Recovery

    func testTwoTyposGiveTwoLocatedErrors() throws {
        let e = try XCTUnwrap(error(of: "let a = 1\nprint a +\nlet b = 2\nlet c = (3 4)\nprint b"))
        XCTAssertEqual([e.line] + e.more.map(\.line), [2, 4])
        XCTAssertEqual(e.column, 10)                     // the end of line 2: `+` needs a right side
        XCTAssertEqual(e.more[0].column, 12)             // the `4` that follows `(3`
        XCTAssertTrue(e.more[0].message.contains("expected `)`"), e.more[0].message)
        XCTAssertEqual(e.more[0].sourceLine, "let c = (3 4)")
        // Both appear in the printed report, each with its caret.
        XCTAssertEqual(e.description.components(separatedBy: "error:").count - 1, 2, e.description)
    }

    func testNothingRunsWhenAnyStatementFails() {
        let (interp, sink) = makeInterpreter()
        XCTAssertThrowsError(try interp.run("print \"ran\"\nlet = 3\nprint \"ran too\"\nlet x = ,", file: "t.dvae")) { e in
            let s = e as? ScriptError
            XCTAssertEqual(s?.line, 2)
            XCTAssertEqual(s?.more.map(\.line), [4])
        }
        XCTAssertEqual(sink.output, "")
    }

    func testRecoveryInsideBlocksStopsAtTheClosingBrace() throws {
        let source = "for x in [1 2] {\n  print x +\n  let = 1\n}\nprint 1 2 3"
        let e = try XCTUnwrap(error(of: source))
        XCTAssertEqual([e.line] + e.more.map(\.line), [2, 3, 5], e.description)
    }

    func testOneErrorStaysASingleError() throws {
        let e = try XCTUnwrap(error(of: "print 1\nlet = 2"))
        XCTAssertTrue(e.more.isEmpty)
        XCTAssertEqual(e.line, 2)
    }

    // MARK: - Flat chains (no recursion limit reachable from input)

    func testLongAdditionChainParsesAndEvaluates() {
        let chain = Array(repeating: "1", count: 600).joined(separator: "+")
        XCTAssertEqual(output(of: "print " + chain), "600")
        let long = Array(repeating: "1", count: 20_000).joined(separator: " + ")
        XCTAssertEqual(output(of: "print " + long), "20000")
    }

    func testLongNotChainParsesAndEvaluates() {
        XCTAssertEqual(output(of: "print " + String(repeating: "not ", count: 600) + "true"), "true")
        XCTAssertEqual(output(of: "print " + String(repeating: "not ", count: 20_001) + "true"), "false")
    }

    func testLongIndexChainParsesAndEvaluates() {
        // xs = [[[…[7]…]]] would be nesting; indexing one list a thousand times is a flat chain.
        let source = "let xs = [5]\nset xs = [xs]\nprint xs" + String(repeating: "[0]", count: 2) + "\n"
            + "let ys = [1 2 3]\nprint ys" + String(repeating: "[0:3]", count: 1000) + "[2]"
        XCTAssertEqual(output(of: source), "5\n3")
    }

    func testLongLogicalAndComparisonChains() {
        XCTAssertEqual(output(of: "print " + Array(repeating: "false", count: 5000).joined(separator: " or ") + " or true"), "true")
        XCTAssertEqual(output(of: "print " + Array(repeating: "2", count: 3000).joined(separator: " * ") + " > 0"), "true")
        XCTAssertEqual(output(of: "print " + Array(repeating: "1", count: 5000).joined(separator: " ^ ")), "1")
        XCTAssertEqual(output(of: "print 2 ^ 3 ^ 2, -2 ^ 2, 2 ^ -1"), "512 -4 0.5")
    }

    func testErrorsInsideAChainAreStillLocated() {
        assertError("print 1 + 1 + \"a\" * 2", at: 1, 19, "`*` needs numbers")
        assertError("print not not 3", at: 1, 11, "`not` needs true or false")
        assertError("print false or true and 3", at: 1, 25, "needs true or false on the right")
    }

    // MARK: - One depth limit

    func testNestingHasOneLocatedDepthLimit() {
        let lists = "print " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        assertError(lists, at: 1, 206, "nested too deeply")
        let indexes = "let a = [0]\nprint " + String(repeating: "a[", count: 300) + "0" + String(repeating: "]", count: 300)
        assertError(indexes, at: 2, 405, "nested too deeply")
        let conditionals = "print " + String(repeating: "if true then ", count: 300) + "1" + String(repeating: " else 0", count: 300)
        assertError(conditionals, at: 1, 2584, "nested too deeply")
    }

    // MARK: - End of input inside an opener

    func testEndOfInputPointsAtTheUnclosedOpener() throws {
        assertError("let a = 1\nprint (1 +\n  2", at: 2, 7, "unclosed `(`", suggestion: "add `)`")
        assertError("let xs = [1 2\n 3", at: 1, 10, "unclosed `[`", suggestion: "add `]`")
        assertError("print max(1, [2", at: 1, 14, "unclosed `[`")
        assertError("print \"abc\nprint 2", at: 1, 7, "unterminated string")
        let e = try XCTUnwrap(error(of: "print 1\nprint (2"))
        XCTAssertEqual(e.sourceLine, "print (2")             // a line to show, so a caret
        XCTAssertTrue(e.description.contains("^"), e.description)
    }

    func testTheReplStillAsksForMoreInputInsideAnOpener() {
        let (interp, _) = makeInterpreter()
        XCTAssertTrue(interp.needsMoreInput("print (1 +"))
        XCTAssertTrue(interp.needsMoreInput("let xs = [1 2"))
        XCTAssertTrue(interp.needsMoreInput("print \"abc"))
        XCTAssertFalse(interp.needsMoreInput("print (1)"))
    }
}
