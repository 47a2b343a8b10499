import XCTest
import DVAE
import DVAENotebook
@testable import DVAEScript

/// `plot`, `time`, `_`, `?topic`, `exit`, help topics for objectives and noise kinds, context-aware
/// completion, and the session log behind `export`.
final class TeachingToolsTests: XCTestCase {
    /// The plots `source` emitted.
    func plots(_ source: String) throws -> [LinePlot] {
        let (interp, sink) = makeInterpreter()
        try interp.run(source, file: "test.dvae")
        return sink.items.compactMap { if case .plot(let p) = $0 { return p } else { return nil } }
    }

    // MARK: plot

    func testPlotListsAgainstXWithLegendLabelsAndLogAxis() throws {
        let p = try XCTUnwrap(plots("""
        let sigmas = [0.1 0.5 1 2]
        plot [[1 2 3 4] [2 3 4 5]] against sigmas legend ["a" "b"] title "T" xlabel "σ" ylabel "nats" logx
        """).first)
        XCTAssertEqual(p.title, "T")
        XCTAssertEqual(p.xLabel, "σ")
        XCTAssertEqual(p.yLabel, "nats")
        XCTAssertTrue(p.logX)
        XCTAssertFalse(p.logY)
        XCTAssertEqual(p.series.map(\.name), ["a", "b"])
        XCTAssertEqual(p.series[1].x, [0.1, 0.5, 1, 2])
        XCTAssertEqual(p.series[1].y, [2, 3, 4, 5])
        XCTAssertNil(p.series[0].errors)
    }

    func testSeveralPositionalSeriesAndDefaultX() throws {
        let p = try XCTUnwrap(plots("let a = [5 6 7]\nlet b = [1 2 3]\nplot a b legend [\"a\" \"b\"]").first)
        XCTAssertEqual(p.series.count, 2)
        XCTAssertEqual(p.series[0].x, [0, 1, 2], "x defaults to 0, 1, 2, … like indices")
        let single = try XCTUnwrap(plots("plot 0:4 ylabel \"i\"").first)
        XCTAssertEqual(single.series[0].y, [0, 1, 2, 3])
        XCTAssertEqual(single.series[0].name, "i", "a lone series is named by its y label")
    }

    func testBoundsGetTheirStandardErrorsAsErrorBars() throws {
        let p = try XCTUnwrap(plots("""
        let g = model linear_gaussian 4 2 seed 1
        let xs = sample g 50 seed 2
        let bs = []
        for s in [0.25 0.5 1] { set bs = append(bs, bound g on xs dvae noise gaussian s) }
        plot bs against [0.25 0.5 1] logx
        """).first)
        let errors = try XCTUnwrap(p.series[0].errors)
        XCTAssertEqual(errors.count, 3)
        XCTAssertTrue(errors.allSatisfy { $0 > 0 }, "exact bounds over 50 points still have a spread: \(errors)")
    }

    func testPlotIsAValueThatShowDrawsAgain() throws {
        let ps = try plots("let p = plot [1 2 3] title \"kept\"\nshow p\np")
        XCTAssertEqual(ps.count, 2, "`let` does not draw; `show p` and the bare `p` do")
        XCTAssertEqual(ps[0].title, "kept")
        XCTAssertEqual(output(of: "print plot [1 2] title \"t\""), "plot “t”: 1 series, 2 points")
    }

    func testPlotOfTrainingReportsNamesEachRun() throws {
        let p = try XCTUnwrap(plots("""
        let d = load "synthetic"
        let m1 = model vae for d.train hidden [8] latent 2 seed 1
        let m2 = model vae for d.train hidden [8] latent 2 seed 1
        let r1 = train m1 on d.train[0:200] epochs 2 seed 1 validate d.valid[0:50]
        let r2 = train m2 on d.train[0:200] noise salt_pepper 0.1 epochs 2 seed 1
        plot [r1 r2] legend ["clean" "noisy"] title "two runs"
        """).last)
        XCTAssertEqual(p.series.map(\.name), ["clean train", "clean valid", "noisy train"])
        XCTAssertEqual(p.series[0].x, [1, 2])
        XCTAssertEqual(p.xLabel, "epoch")
    }

    func testPlotErrorsAreLocated() {
        assertError("plot", at: 1, 1, "`plot` needs the values to plot")
        assertError("plot [1 \"a\" 3]", at: 1, 6, "item 1 is a string")
        assertError("plot [1 2 3] against [1 2]", at: 1, 6, "the series has 3 values but `against` has 2")
        assertError("plot [[1 2] [3 4]] legend [\"one\"]", at: 1, 27, "`legend` has 1 name for 2 series")
        assertError("plot [-1 -2] logy", at: 1, 1, "nothing to plot", suggestion: nil)
        assertError("plot [1 2] title 5", at: 1, 18, "`title` needs text in quotes")
    }

    // MARK: time, _, ?, exit

    func testTimePrintsTheWallTimeOfOneStatement() throws {
        let out = output(of: "time let x = 2 + 2\nprint x")
        XCTAssertNotNil(out.range(of: "^time: [0-9.]+ (ms|s)\\n4$", options: .regularExpression), out)
        let shown = output(of: "time 6 * 7")
        XCTAssertTrue(shown.hasPrefix("42\ntime: "), shown)
        assertError("time", at: 1, 1, "`time` needs a statement to time")
    }

    func testUnderscoreIsTheLastDisplayedValue() {
        XCTAssertEqual(output(of: "6 * 7\nprint _ + 1"), "42\n43")
        XCTAssertEqual(output(of: "1 + 1\nlet y = 5\nprint _"), "2\n2", "`let` does not change `_`")
    }

    func testQuestionMarkAndHelpTopics() throws {
        let train = output(of: "?train")
        XCTAssertTrue(train.hasPrefix("train M on DATA"), train)
        XCTAssertEqual(output(of: "? train"), train)
        for topic in ["objectives", "noise", "dvae", "diwae", "salt_pepper", "gaussian"] {
            XCTAssertFalse(output(of: "help \(topic)").isEmpty, topic)
        }
        XCTAssertTrue(output(of: "help objectives").contains("dvae"))
        XCTAssertTrue(output(of: "help dvae").contains("L_dvae"))
        XCTAssertTrue(output(of: "help noise").contains("bitflip"))
        XCTAssertTrue(output(of: "help plot").contains("logx"))
    }

    func testHelpStatementsKeepsLongUsagesWhole() {
        let text = output(of: "help statements")
        XCTAssertTrue(text.contains("if COND { … } else { … }   or   if COND then A else B"), text)
        for line in text.split(separator: "\n") {
            XCTAssertFalse(line.contains("ifchoose"), String(line))
        }
    }

    func testExitEndsTheRunWithoutError() throws {
        let (interp, sink) = makeInterpreter()
        XCTAssertThrowsError(try interp.run("print 1\nexit\nprint 2", file: "t")) { error in
            XCTAssertTrue(error is SessionExit, "\(error)")
        }
        XCTAssertEqual(sink.output, "1")
        XCTAssertThrowsError(try interp.run("quit", file: "t")) { XCTAssertTrue($0 is SessionExit) }
    }

    // MARK: completion

    func testCompletionOffersTheAllowedValuesOnly() {
        let (interp, _) = makeInterpreter()
        XCTAssertEqual(interp.completions(prefix: "", line: "train m on d objective "), ["vae", "iwae", "dvae", "diwae"])
        XCTAssertEqual(interp.completions(prefix: "d", line: "train m on d objective d"), ["dvae", "diwae"])
        XCTAssertEqual(interp.completions(prefix: "", line: "train m on d noise "), NoiseKind.scriptNames)
        XCTAssertEqual(interp.completions(prefix: "g", line: "model for d encoder g"), ["gru"])
        guard case .word(_, let decoders)? = Commands.spec(named: "model")?.keyword("decoder")?.slots.first else {
            return XCTFail("model has a decoder word")
        }
        XCTAssertTrue(decoders.contains("bernoulli"))
        XCTAssertEqual(interp.completions(prefix: "", line: "model for d decoder "), decoders)
        XCTAssertEqual(interp.completions(prefix: "", line: "train m on d law "), ["textbook", "authors"])
        let corruptKeywords = Commands.spec(named: "corrupt")!.keywords.map(\.name).filter { $0.hasPrefix("s") }
        let afterCorrupt = interp.completions(prefix: "s", line: "corrupt d s")
        XCTAssertEqual(Array(afterCorrupt.prefix(corruptKeywords.count)), corruptKeywords, "a command's keywords come first")
        XCTAssertTrue(afterCorrupt.contains("sample"), "then what can be a value")
    }

    func testCompletionAfterACommandOffersItsKeywordsFirst() throws {
        let (interp, _) = makeInterpreter()
        try interp.run("let data = 1\nlet epsilon = 2", file: "t")
        let afterTrain = interp.completions(prefix: "e", line: "train m on data e")
        XCTAssertEqual(afterTrain.first, "epochs")
        XCTAssertTrue(afterTrain.contains("epsilon"), "variables can be arguments too: \(afterTrain)")
        XCTAssertFalse(afterTrain.contains("else"), "statement words do not fit here: \(afterTrain)")
        let topics = interp.completions(prefix: "ob", line: "help ob")
        XCTAssertEqual(topics, ["objectives"])
        XCTAssertEqual(interp.completions(prefix: "tr", line: "?tr"), ["train"])
    }

    // MARK: session log

    func testSessionLogKeepsStatementsThatRanAndRewindsSeedsOfFailures() throws {
        let (interp, _) = makeInterpreter()
        interp.recordsSession = true
        try interp.run("let a = 1; let b = 2  # two statements", file: "<repl>")
        XCTAssertThrowsError(try interp.run("let c = a + 1\nprint nope", file: "<repl>"))
        try interp.run("help train", file: "<repl>")
        try interp.run("for i in 0:2 {\n  print i\n}", file: "<repl>")
        let text = interp.sessionNotebook(date: Date(timeIntervalSince1970: 0))
        let notebook = Notebook.parse(text: text, path: "s.md")
        XCTAssertEqual(notebook.codeCells.map(\.source),
                       ["let a = 1\nlet b = 2  # two statements", "let c = a + 1", "for i in 0:2 {\n  print i\n}"])
        XCTAssertTrue(text.contains("1970-01-01"))
    }

    /// `export` replaces only a file this session wrote, unless told `replace`; file problems are
    /// sentences with the path (issue 20: it silently replaced notes.md, and writing onto a
    /// directory said "NSCocoaErrorDomain error 512").
    func testExportReplacesOnlyItsOwnFilesAndWordsFileErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dvae-export-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let notes = dir + "/notes.md"
        try "my own notes\n".write(toFile: notes, atomically: true, encoding: .utf8)
        let (interp, sink) = makeInterpreter()
        interp.recordsSession = true
        try interp.run("let a = 1", file: "<repl>")
        assertError("export \"\(notes)\"", at: 1, 8, "would replace \(notes), which this session did not write",
                    suggestion: "replace", in: interp)
        XCTAssertEqual(try String(contentsOfFile: notes, encoding: .utf8), "my own notes\n", "the file is untouched")
        // A new file, then again: the session's own file is replaced without asking.
        let session = dir + "/session.md"
        try interp.run("export \"\(session)\"", file: "<repl>")
        try interp.run("let b = 2", file: "<repl>")
        try interp.run("export \"\(session)\"", file: "<repl>")
        XCTAssertTrue(try String(contentsOfFile: session, encoding: .utf8).contains("let b = 2"))
        // `replace` replaces someone else's file.
        try interp.run("export \"\(notes)\" replace", file: "<repl>")
        XCTAssertTrue(try String(contentsOfFile: notes, encoding: .utf8).contains("let a = 1"))
        XCTAssertTrue(sink.texts.contains { $0.hasPrefix("exported") })
        // Errors in words, with the path.
        try FileManager.default.createDirectory(atPath: dir + "/folder.md", withIntermediateDirectories: true)
        assertError("export \"\(dir)/folder.md\"", at: 1, 8, "cannot write \(dir)/folder.md: it is a directory", in: interp)
        assertError("export \"\(notes)/inner.md\"", at: 1, 8, "cannot write \(notes)/inner.md: \(notes) is a file, not a directory",
                    in: interp)
        if getuid() != 0 {
            let locked = dir + "/locked"
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
            chmod(locked, 0o500)
            defer { chmod(locked, 0o700) }
            assertError("export \"\(locked)/s.md\"", at: 1, 8, "cannot write \(locked)/s.md", in: interp)
        }
        for line in sink.output.split(separator: "\n") { XCTAssertFalse(line.contains("NSCocoaErrorDomain"), String(line)) }
    }
}
