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
        let long = Array(repeating: "1", count: 10_000).joined(separator: " + ")
        XCTAssertEqual(output(of: "print " + long), "10000")
    }

    func testLongNotChainParsesAndEvaluates() {
        XCTAssertEqual(output(of: "print " + String(repeating: "not ", count: 600) + "true"), "true")
        XCTAssertEqual(output(of: "print " + String(repeating: "not ", count: 9_999) + "true"), "false")
    }

    func testLongIndexChainParsesAndEvaluates() {
        // xs = [[[…[7]…]]] would be nesting; indexing one list a thousand times is a flat chain.
        let source = "let xs = [5]\nset xs = [xs]\nprint xs" + String(repeating: "[0]", count: 2) + "\n"
            + "let ys = [1 2 3]\nprint ys" + String(repeating: "[0:3]", count: 1000) + "[2]"
        XCTAssertEqual(output(of: source), "5\n3")
    }

    func testLongLogicalAndComparisonChains() {
        XCTAssertEqual(output(of: "print " + Array(repeating: "false", count: 5000).joined(separator: " or ") + " or true"), "true")
        XCTAssertEqual(output(of: "print " + String(repeating: "-", count: 100_000) + "1"), "1")   // folds: no operators
        XCTAssertEqual(output(of: "print " + Array(repeating: "2", count: 3000).joined(separator: " * ") + " > 0"), "true")
        XCTAssertEqual(output(of: "print " + Array(repeating: "1", count: 5000).joined(separator: " ^ ")), "1")
        XCTAssertEqual(output(of: "print 2 ^ 3 ^ 2, -2 ^ 2, 2 ^ -1"), "512 -4 0.5")
    }

    func testLongChainsAreWrittenBackWithoutRecursion() throws {
        // A failed assert writes both sides back as source: a long chain must not overflow there.
        let e = try XCTUnwrap(error(of: "assert " + Array(repeating: "1", count: 9_000).joined(separator: " + ") + " == 0"))
        XCTAssertTrue(e.message.hasPrefix("assert failed: 1 + 1 + 1"), String(e.message.prefix(80)))
        XCTAssertTrue(e.message.contains("(9000 vs 0)"), String(e.message.suffix(80)))
        let nots = try XCTUnwrap(error(of: "assert " + String(repeating: "not ", count: 9_001) + "true"))
        XCTAssertTrue(nots.message.hasPrefix("assert failed: not not not"), String(nots.message.prefix(60)))
        let (interp, _) = makeInterpreter()
        _ = interp
        let program = try Parser.parse("print 2^3^2, -(-x), not not a, a.b[0].c(1, 2), (1 + 2) * 3 - 4 - 5, a or b and c")
        guard case .print(let items) = program[0].kind else { return XCTFail() }
        XCTAssertEqual(items.map(\.sourceText), ["2^(3^2)", "--x", "not not a", "a.b[0].c(1, 2)", "(1 + 2) * 3 - 4 - 5", "a or b and c"])
    }

    func testErrorsInsideAChainAreStillLocated() {
        assertError("print 1 + 1 + \"a\" * 2", at: 1, 19, "`*` needs numbers")
        assertError("print not not 3", at: 1, 11, "`not` needs true or false")
        assertError("print false or true and 3", at: 1, 25, "needs true or false on the right")
    }

    func testAStatementHasAnOperatorBudgetNotACrash() {
        // Swift frees a syntax tree recursively, so one statement holds at most 10 000 operators;
        // beyond that a located error, never a stack overflow (here: 200 000 and a million).
        let chain = "print " + Array(repeating: "1", count: 200_000).joined(separator: "+")
        assertError(chain, at: 1, 6 + 2 * 10_001, "more than 10000 operators", suggestion: "split it")
        assertError("print " + String(repeating: "not ", count: 1_000_000) + "true", at: 1, 7 + 4 * 10_000,
                    "more than 10000 operators")
        let nested = "print " + Array(repeating: "(" + Array(repeating: "1", count: 100).joined(separator: "+"), count: 150).joined(separator: "+")
            + String(repeating: ")", count: 150)
        let pluses = nested.indices.filter { nested[$0] == "+" }
        assertError(nested, at: 1, nested.distance(from: nested.startIndex, to: pluses[10_000]) + 1, "more than 10000 operators")
        // Separate statements each have their own budget.
        let twice = Array(repeating: "let a = " + Array(repeating: "1", count: 9_000).joined(separator: "+"), count: 3).joined(separator: "\n")
        XCTAssertEqual(output(of: twice + "\nprint a"), "9000")
    }

    func testAVeryLongLineIsShownAsAWindowAroundTheColumn() throws {
        let e = try XCTUnwrap(error(of: "print " + String(repeating: "1 + ", count: 5000) + "zzz"))
        let lines = e.description.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "test.dvae:1:20007: error: unknown variable `zzz`")
        XCTAssertLessThanOrEqual(lines[1].count, ScriptError.maximumShownWidth + 4)
        XCTAssertTrue(lines[1].hasPrefix("  …"), lines[1])
        // The caret still stands under the offending token.
        let caret = lines[2].firstIndex(of: "^")!
        let at = lines[1].index(lines[1].startIndex, offsetBy: lines[2].distance(from: lines[2].startIndex, to: caret))
        XCTAssertEqual(String(lines[1][at...].prefix(3)), "zzz", lines[1])
        // Short lines are unchanged.
        XCTAssertEqual(try XCTUnwrap(error(of: "print zzz")).description.split(separator: "\n")[1], "  print zzz")
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
        XCTAssertFalse(interp.needsMoreInput("print \"abc"))
        XCTAssertFalse(interp.needsMoreInput("print (1)"))
    }
}
