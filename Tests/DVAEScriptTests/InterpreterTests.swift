import XCTest
@testable import DVAEScript

final class InterpreterTests: XCTestCase {
    func testArithmeticAndPrinting() {
        XCTAssertEqual(output(of: "print 1 + 2 * 3, 7 / 2, 2^10, -3 % 2"), "7 3.5 1024 -1")
        XCTAssertEqual(output(of: "print 0.1 + 0.2"), "0.3")
        XCTAssertEqual(output(of: "print \"a\" + 1, [1 2] + [3]"), "a1 [1 2 3]")
    }

    func testBuiltins() {
        XCTAssertEqual(output(of: "print mean([1 2 3]), abs(-2), sqrt(16), min(3, 1, 2), max([4 9]), len(0:5)"),
                       "2 2 4 1 9 5")
        XCTAssertEqual(output(of: "print round(3.14159, 2), fmt(2, 3), std([1 2 3]), sum(1:4), log(exp(1))"),
                       "3.14 2.000 1 6 1")
        XCTAssertEqual(output(of: "print verdict(1 < 2), verdict(2 < 1), str(5) + \"!\""), "holds fails 5!")
        XCTAssertEqual(output(of: "print list(0:3), append([1], 2)"), "[0 1 2] [1 2]")
    }

    func testComparisonsAndLogic() {
        XCTAssertEqual(output(of: "print 1 < 2 and not (2 < 1), 1 == 1 or x, \"a\" < \"b\", [1 2] == [1 2]"),
                       "true true true true")
        XCTAssertEqual(output(of: "print if 3 > 2 then \"holds\" else \"does not hold\""), "holds")
    }

    /// `nothing` is a literal a script can compare with (a member with nothing to give, such as
    /// an experiment's `.checkpoint` when its model is not kept, equals it), and a reserved word.
    func testNothingLiteral() {
        XCTAssertEqual(output(of: "print nothing == nothing, 0 == nothing, \"nothing\" == nothing, nothing != 0"),
                       "true false false true")
        XCTAssertEqual(output(of: "let x = nothing\nprint if x == nothing then \"none\" else \"some\""), "none")
        assertError("let nothing = 1", at: 1, 5, "`nothing` is a keyword and cannot name a variable")
    }

    func testIndexingAndSlicing() {
        XCTAssertEqual(output(of: "let xs = [10 20 30 40]\nprint xs[0], xs[-1], xs[1:3], xs[:2], xs[2:]"),
                       "10 40 [20 30] [10 20] [30 40]")
        XCTAssertEqual(output(of: "let r = 5:10\nprint r[1], r[1:3], r.start, len(r)"), "6 6:8 5 5")
    }

    func testLetSetAndScopes() {
        XCTAssertEqual(output(of: """
        let best = 0
        for x in [3 7 5] { if x > best { set best = x } }
        print best
        let best = "rebound"
        print best
        """), "7\nrebound")
        XCTAssertEqual(output(of: "for i in 0:3 { let y = i * 2\n print y }"), "0\n2\n4")
    }

    func testIfElseChain() {
        XCTAssertEqual(output(of: """
        for x in [1 2 3] {
          if x == 1 { print "one" } else if x == 2 { print "two" }
          else { print "many" }
        }
        """), "one\ntwo\nmany")
    }

    func testTables() {
        let text = output(of: """
        let t = table "noise" "bound" "verdict"
        t.add(0, -101.25, verdict(true))
        t.add(0.05, -99.5, "fails")
        print t.rows
        print t
        """)
        XCTAssertEqual(text, """
        2
        noise    bound  verdict
        ─────  ───────  ───────
            0  -101.25  holds
         0.05    -99.5  fails
        """)
    }

    func testTestingVariableAndSettings() {
        let (interp, sink) = makeInterpreter(testMode: true, variables: ["epochs": "3", "name": "abc"])
        XCTAssertNoThrow(try interp.run("let epochs = 20\nprint testing, epochs, name", file: "t"))
        XCTAssertEqual(sink.output, "true 3 abc")
    }

    func testBindingSurvivesError() {
        let (interp, sink) = makeInterpreter()
        XCTAssertNoThrow(try interp.run("let kept = 42", file: "a"))
        XCTAssertThrowsError(try interp.run("let lost = 1\nprint nope", file: "b"))
        XCTAssertNoThrow(try interp.run("print kept, lost", file: "c"))
        XCTAssertEqual(sink.texts.last, "42 1")
    }

    func testExpressionStatementsDisplay() {
        XCTAssertEqual(output(of: "1 + 1\n\"text\"\nlet x = 3\nx"), "2\ntext\n3")
    }

    func testVarsAndHelp() {
        let text = output(of: "let a = 5\nvars")
        XCTAssertTrue(text.contains("a = 5  (number)"), text)
        XCTAssertTrue(text.contains("testing = true"), text)
        let help = output(of: "help")
        XCTAssertTrue(help.contains("train"), help)
        for spec in Commands.specs {
            let h = output(of: "help \(spec.name)")
            XCTAssertTrue(h.contains("example:"), "help \(spec.name) has no example")
            XCTAssertLessThanOrEqual(h.split(separator: "\n").count, 30, "help \(spec.name) is longer than a screen")
        }
        for topic in ["statements", "expressions", "functions", "exact", "let", "assert"] {
            XCTAssertFalse(output(of: "help \(topic)").isEmpty)
        }
    }

    func testAssertPassesAndFailsWithBothSides() {
        XCTAssertEqual(output(of: "assert 1 < 2\nprint \"ok\""), "ok")
        guard let e = error(of: "let a = -101.2\nlet b = -105.3\nassert a < b, \"ordering\"") else { return }
        XCTAssertEqual(e.line, 3)
        XCTAssertEqual(e.message, "assert failed: a < b  (-101.2 vs -105.3): ordering")
        XCTAssertTrue(e.description.hasPrefix("test.dvae:3:1: error: assert failed"), e.description)
    }

    func testCompletions() {
        let (interp, _) = makeInterpreter()
        try? interp.run("let mnist = 1", file: "t")
        XCTAssertTrue(interp.completions(prefix: "mn", line: "print mn").contains("mnist"))
        XCTAssertTrue(interp.completions(prefix: "ep", line: "train m on d ep").first == "epochs")
        XCTAssertTrue(interp.completions(prefix: "sa", line: "train m on d noise sa").contains("salt_pepper"))
        XCTAssertTrue(interp.completions(prefix: "cor", line: "cor").contains("corrupt"))
    }

    func testInterruptFlag() {
        let (interp, _) = makeInterpreter()
        interp.interrupt.set()
        XCTAssertTrue(interp.interrupt.isSet)
        // A new top-level run starts with a cleared flag.
        XCTAssertNoThrow(try interp.run("print 1", file: "t"))
        XCTAssertFalse(interp.interrupt.isSet)
    }

    func testRunHook() {
        let (interp, sink) = makeInterpreter()
        var seen: [String] = []
        interp.runNotebookHook = { path in
            seen.append(path)
            try interp.run("print \"inside\"", file: path)
        }
        XCTAssertNoThrow(try interp.run("run \"nb.md\"", file: "t"))
        XCTAssertEqual(seen, ["nb.md"])
        XCTAssertEqual(sink.output, "inside")
    }

    func testErrorRendering() {
        guard let e = error(of: "let x = 1\nlet n = corupt x salt_pepper 0.1") else { return }
        XCTAssertEqual(e.description, """
        test.dvae:2:9: error: unknown command `corupt`
          let n = corupt x salt_pepper 0.1
                  ^~~~~~
          help: did you mean `corrupt`?
        """)
    }

    func testFirstLineOffset() {
        let (interp, _) = makeInterpreter()
        do {
            try interp.run("print 1\nprint y", file: "nb.md", firstLine: 40)
            XCTFail()
        } catch let e as ScriptError {
            XCTAssertEqual(e.line, 41)
            XCTAssertEqual(e.sourceLine, "print y")
            XCTAssertEqual(e.file, "nb.md")
        } catch { XCTFail("\(error)") }
    }
}
