import DVAE
import DVAENotebook
import Foundation
import XCTest
@testable import DVAEScript

/// Pictures and charts made from values that are not numbers say so, at the command that made
/// them (issue 20: a model with nan weights drew blank pictures, and `plot` drew straight through
/// dropped points, without a word).
final class NonFiniteWarningTests: XCTestCase {
    func testPicturesFromNonFiniteWeightsAreWarnedAbout() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run("let d = load synthetic\nlet m = model vae for d.train hidden [4] latent 2\nshow sample m 4", file: "t.dvae")
        XCTAssertFalse(sink.output.contains("warning"), "a healthy model needs no warning:\n\(sink.output)")

        guard case .model(let handle)? = interp.globals.lookup("m") else { return XCTFail("no model") }
        let parameter = try XCTUnwrap(handle.model.parameters.last)
        parameter.value.data[0] = .nan
        let count = handle.model.parameterCount
        sink.items = []
        try interp.run("show sample m 4\nshow reconstruct m d.test[0:3]\nlet p = interpolate m d.test[0] d.test[1] steps 5",
                       file: "t.dvae")
        let warnings = sink.texts.filter { $0.contains("warning:") }
        XCTAssertEqual(warnings.count, 3, sink.output)
        XCTAssertTrue(warnings[0].hasPrefix("t.dvae:1:6: warning: 4 of 4 samples have pixels that are not finite (nan or inf), "
                                            + "drawn black (nan) or clamped (inf): the model has 1 non-finite parameter (of \(count))"),
                      warnings[0])
        XCTAssertTrue(warnings[0].contains("show sample m 4\n       ^"), warnings[0])
        XCTAssertTrue(warnings[0].contains("help: training diverged"), warnings[0])
        XCTAssertTrue(warnings[1].hasPrefix("t.dvae:2:6: warning: 3 of 3 reconstructions have pixels that are not finite"), warnings[1])
        XCTAssertTrue(warnings[2].hasPrefix("t.dvae:3:9: warning: 5 of 5 decoded points have pixels that are not finite"), warnings[2])
        // The pictures are still made (the warning says what they are).
        XCTAssertEqual(sink.images.count, 2)
    }

    func testPlotSaysHowManyPointsItLeftOut() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run("""
            let inf = 1e308 * 10
            let p = plot [1 2 inf 4 5 (inf - inf) 7]
            let q = plot [[1 2 3] [1 0 -2]] logy legend ["a" "b"]
            let r = plot [1 2 3]
            """, file: "t.dvae")
        let warnings = sink.texts.filter { $0.contains("warning:") }
        XCTAssertEqual(warnings.count, 2, sink.output)
        XCTAssertTrue(warnings[0].hasPrefix("t.dvae:2:14: warning: 2 of 7 points left out: 2 not finite (nan or inf); "
                                            + "the line breaks there"), warnings[0])
        XCTAssertTrue(warnings[1].hasPrefix("t.dvae:3:14: warning: 2 of 3 points of series “b” left out: 2 ≤ 0 on the log y axis; "
                                            + "the line breaks there"), warnings[1])
        guard case .plot(let chart)? = interp.globals.lookup("p") else { return XCTFail("no plot") }
        XCTAssertEqual(chart.series[0].drawableRuns(logX: false, logY: false).map(\.count), [2, 2, 1])
    }

    /// With `dvae run --out`, a picture too large to write within the budget is refused at the
    /// statement that shows it, before it is drawn (issue 20: it was reported at `FILE:1` with no
    /// column, after the whole notebook had run).
    func testAPictureTooLargeForTheRenderedCopyIsRefusedAtItsStatement() throws {
        var options = InterpreterOptions(testMode: true)
        options.budget = MemoryBudget(limit: 100 << 20)
        options.pictureOutputs = [.pngFile(scale: 16)]
        let sink = CaptureSink()
        let interp = Interpreter(sink: sink, options: options)
        try interp.run("let d = load synthetic\nlet m = model vae for d.train hidden [4] latent 2\nshow sample m 16", file: "t.dvae")
        XCTAssertEqual(sink.images.count, 1, "a picture within the budget is shown")
        assertError("print 1\nshow sample m 2000", at: 2, 6, "this picture of 2000 images is", in: interp)
        assertError("sample m 2000", at: 1, 1, "pixels at --scale 16 and would need", in: interp)
        guard let e = error(of: "show d.train, sample m 3000", in: interp) else { return }
        XCTAssertEqual("\(e.line):\(e.column)", "1:15")
        XCTAssertTrue(e.message.hasSuffix("to write as PNG, more than the memory limit of 100.0 MiB"), e.message)
        XCTAssertEqual(e.suggestion, "show fewer images, lower --scale, or raise --max-memory")
        XCTAssertEqual(sink.images.count, 2, "the pictures before the refused one are shown, the refused one is not")
        // Without a rendered copy (the REPL, --html) nothing is refused.
        let (free, freeSink) = makeInterpreter()
        try free.run("let d = load synthetic\nlet m = model vae for d.train hidden [4] latent 2\nshow sample m 2000", file: "t.dvae")
        XCTAssertEqual(freeSink.images.count, 1)
    }
}
