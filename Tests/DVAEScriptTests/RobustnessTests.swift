import DVAE
import Foundation
import XCTest
@testable import DVAEScript

/// Inputs that once crashed the release binary (found in review) now give located errors.
final class RobustnessTests: XCTestCase {
    /// Options with a 1 GiB memory budget (the default depends on the machine).
    private var tightBudget: InterpreterOptions {
        var o = InterpreterOptions()
        o.budget = MemoryBudget(limit: 1 << 30)
        return o
    }

    func testDeepNestingIsAnErrorNotAStackOverflow() {
        let parens = "print " + String(repeating: "(", count: 3000) + "1" + String(repeating: ")", count: 3000)
        assertError(parens, at: 1, 206, "nested too deeply")
        // A run of signs is a flat chain, not nesting (issue 10): it is read by a loop and evaluates.
        XCTAssertEqual(output(of: "print " + String(repeating: "-", count: 100_000) + "1"), "1")
        XCTAssertEqual(output(of: "let x = 2\nprint " + String(repeating: "- ", count: 1001) + "x"), "-2")
    }

    /// The interpreter's own lists are charged to the budget before they are made (issue 20: a
    /// `Value` is hundreds of bytes, and `list(0:10000000)` aborted with a 5 GB allocation).
    func testListsAreChargedToTheMemoryBudget() {
        // (A compact value's charges are in ValueLayoutTests; here, joining lists in a loop.)
        let tight = Interpreter(sink: CaptureSink(), options: tightBudget)
        assertError("let xs = [1 2 3 4]\nfor i in 0:60 {\n  set xs = xs + xs\n}", at: 3, 15, "more than the memory limit of 1.0 GiB",
                    in: tight)
        // A long `for` range is walked one number at a time, not made into a list first.
        XCTAssertEqual(output(of: "let n = 0\nfor i in 0:300000 {\n  set n = n + 1\n}\nprint n"), "300000")
        XCTAssertEqual(output(of: "print len(list(0:1000)), list(2:5)"), "1000 [2 3 4]")
    }

    /// Values nest at most `Value.maximumDepth` deep, so freeing, printing and comparing them
    /// (which recurse) cannot overflow the stack; the limit is a located error (issue 20:
    /// 10 000 levels of `set x = [x]` crashed when the value was freed).
    func testValueNestingIsLimited() throws {
        assertError("let x = []\nfor i in 0:10000 {\n  set x = [x]\n}", at: 3, 12, "lists nest at most 100 deep")
        assertError("let x = []\nfor i in 0:10000 {\n  set x = append([], x)\n}", at: 3, 22, "lists nest at most 100 deep")
        // The deepest allowed value prints, compares and is freed.
        let (interp, sink) = makeInterpreter()
        try interp.run("let x = []\nfor i in 0:99 {\n  set x = [x]\n}\nprint x == x, len(x)\nprint x", file: "t.dvae")
        XCTAssertEqual(sink.texts.first, "true 1")
        XCTAssertTrue(sink.texts.last?.hasPrefix(String(repeating: "[", count: 100) + "]") ?? false, sink.output)
        // The session survives the refusal with its variables (here `x` at the limit).
        assertError("set x = [x]", at: 1, 10, "nest at most", in: interp)
        try interp.run("print len(x)", file: "t.dvae")
        XCTAssertEqual(sink.texts.last, "1")
        // Tables are the only shared values: a table inside a table (a cycle) is refused.
        assertError("let t = table \"a\"\nt.add(t)", at: 2, 7, "a table cell cannot hold a table")
    }

    /// `set xs = append(xs, x)` grows the list in place: 100 000 appends take well under a second
    /// (they took minutes when each append copied the list, issue 20).
    func testAppendInALoopIsLinear() throws {
        let (interp, sink) = makeInterpreter()
        let start = Date()
        try interp.run("let xs = []\nfor i in 0:100000 {\n  set xs = append(xs, i * 2)\n}\nprint len(xs), xs[99999], xs[0]",
                       file: "t.dvae")
        XCTAssertEqual(sink.texts.last, "100000 199998 0")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "quadratic appends would take minutes")
        // The same result as the copying form, and an alias keeps its old value.
        try interp.run("let a = [1 2]\nlet b = a\nset a = append(a, a)\nprint a, b\nset a = append(a, len(a))\nprint a",
                       file: "t.dvae")
        XCTAssertEqual(Array(sink.texts.suffix(2)), ["[1 2 [1 2]] [1 2]", "[1 2 [1 2] 3]"])
    }

    /// A list that holds itself twice, sixty times over (`set x = [x x]`), is 2⁶⁰ numbers in a few
    /// kilobytes: printing it is bounded (`… N more`) and comparing it is immediate (issue 20:
    /// both took exponential time and hung the REPL).
    func testSelfSharingListsPrintAndCompareQuickly() throws {
        let (interp, sink) = makeInterpreter()
        let start = Date()
        try interp.run("""
            let x = []
            let y = []
            for i in 0:60 {
              set x = [x x]
              set y = [y y]
            }
            print x == x, x == y, x != y, x == [x x], [x 1] == [x 2]
            print x
            let s = str([x x])
            print len(s) < 110000
            """, file: "t.dvae")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "printing or comparing walked the whole value")
        XCTAssertEqual(sink.texts.first, "true true false false false")
        let printed = sink.texts[1]
        XCTAssertTrue(printed.hasPrefix(String(repeating: "[", count: 61) + "] []]"), String(printed.prefix(100)))
        XCTAssertTrue(printed.hasSuffix("… 1 more]"), String(printed.suffix(100)))
        XCTAssertLessThan(printed.utf8.count, Value.maximumListText + 1000)
        XCTAssertEqual(sink.texts.last, "true")
        // A long flat list is elided with a count of what was left out.
        try interp.run("print list(0:100000)", file: "t.dvae")
        XCTAssertTrue(sink.texts.last!.hasPrefix("[0 1 2 "), sink.texts.last!.prefix(50) + "")
        XCTAssertTrue(sink.texts.last!.hasSuffix(" more]"), sink.texts.last!.suffix(50) + "")
        // Lists that fit print in full.
        XCTAssertEqual(output(of: "print [1 \"a\" [2 [3]]], len(str(list(0:10000)))"), "[1 \"a\" [2 [3]]] 48891")
    }

    /// Equality has a work budget: past it, a located error instead of a wait.
    func testComparisonStopsAtItsStepBudget() throws {
        let a = Value.list((0..<1000).map { .number(Double($0)) })
        let b = Value.list((0..<1000).map { .number(Double($0)) })
        var bounded = ValueEquality(at: SourceLocation(line: 3, column: 7), stepLimit: 100)
        XCTAssertThrowsError(try bounded.equal(a, b)) { error in
            guard let e = error as? LocatedError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.location.line, 3)
            XCTAssertEqual(e.location.column, 7)
            XCTAssertTrue(e.message.contains("comparing these values needs more than 100 steps"), e.message)
        }
        var roomy = ValueEquality(at: SourceLocation(line: 1, column: 1))
        XCTAssertTrue(try roomy.equal(a, b))
        XCTAssertEqual(roomy.steps, 1000)
        // Pairs found equal are remembered: [a a a] against [b b b] looks inside a and b once.
        var remembered = ValueEquality(at: SourceLocation(line: 1, column: 1))
        XCTAssertTrue(try remembered.equal(.list([a, a, a]), .list([b, b, b])))
        XCTAssertEqual(remembered.steps, 1003)
    }

    func testHugeModelsAreRefusedBeforeAllocating() {
        assertError("model vae input 99999999999 hidden [8] latent 2", at: 1, 17, "`input` 99999999999 is too large")
        assertError("model vae input 200000 hidden [8] latent 2", at: 1, 1, "input size is 200000")
        // Within every per-layer limit, but ~12 GiB with gradients and Adam state.
        assertError("model vae input 784 hidden [10000 10000 10000 10000 10000 10000 10000 10000] latent 50", at: 1, 1,
                    "this model's 1,417,340,884 parameters", in: Interpreter(sink: CaptureSink(), options: tightBudget))
    }

    func testExactModelRejectsAnAbsurdSigma() {
        assertError("let g = model linear_gaussian 4 2\nlet xs = sample g 5\nbound g on xs cvae noise gaussian 1e7",
                    at: 3, 20, "too large for the exact model")
        assertError("model linear_gaussian 4 2 noise_sigma 1e300", at: 1, 39, "too large")
    }

    func testOpenRefusesACheckpointWhoseArchitectureWasTamperedWith() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dvae-robust-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("m.safetensors").path
        let (interp, _) = makeInterpreter()
        try interp.run("let m = model vae input 16 hidden [4] latent 2\nsave m \"\(good)\"", file: "t.dvae")

        // Rewrite the architecture metadata to claim a 4000-row image, keeping every tensor.
        let file = try SafeTensors.read(from: good)
        var metadata = file.metadata
        let key = Checkpoint.MetadataKey.architecture
        metadata[key] = metadata[key]!.replacingOccurrences(of: "\"height\":4", with: "\"height\":4000")
        XCTAssertNotEqual(metadata[key], file.metadata[key], "the test must actually change the metadata")
        let bad = dir.appendingPathComponent("bad.safetensors").path
        try SafeTensors(tensors: file.tensors, metadata: metadata).write(to: bad)

        assertError("open \"\(bad)\"", at: 1, 6, "impossible model", in: interp)
    }

    func testANotebookThatRunsItselfStops() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dvae-self-\(getpid()).dvae").path
        try "run \"\(path)\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (interp, _) = makeInterpreter()
        NotebookRunner.attachNotebookHook(to: interp, relativeTo: path)
        XCTAssertThrowsError(try interp.run("run \"\(path)\"", file: "t.dvae")) { error in
            XCTAssertTrue("\(error)".contains("already running"), "\(error)")
        }
    }

    func testRoundWithAbsurdDigitsKeepsTheNumber() {
        XCTAssertEqual(output(of: "print round(2.5, 400)"), "2.5")
    }
}

final class MemberCompletionTests: XCTestCase {
    func testCompletesMembersOfADottedVariablePath() throws {
        let (interp, _) = makeInterpreter()
        try interp.run("let d = load synthetic", file: "t.dvae")
        XCTAssertEqual(interp.completions(prefix: "d.te", line: "show d.te"), ["d.test"])
        XCTAssertTrue(interp.completions(prefix: "d.train.c", line: "print d.train.c").contains("d.train.count"))
        XCTAssertEqual(interp.completions(prefix: "nope.x", line: "nope.x"), [])
    }
}

final class ExactModelMemberTests: XCTestCase {
    func testParametersAreListsWithTheModelsShapes() {
        let text = output(of: """
            let g = model linear_gaussian 3 2 seed 4
            print len(g.W), len(g.W[0]), len(g.A), len(g.A[0]), len(g.b), len(g.c), len(g.V)
            print min(g.V) > 0
            """)
        XCTAssertEqual(text, "3 2 2 3 3 2 2\ntrue")
    }
}
