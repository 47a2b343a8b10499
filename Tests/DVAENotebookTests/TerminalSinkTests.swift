import XCTest
import DVAENotebook

final class TerminalSinkTests: XCTestCase {
    func testPipeOutputHasNoControlCharacters() {
        var out = ""
        let sink = TerminalSink(info: TerminalInfo(isTerminal: false, columns: 80, colorMode: .plain)) { out += $0 }
        sink.emit(.text("hello"))
        sink.progress("epoch 1/3")      // throttled away: a quick command prints no progress
        sink.progress("epoch 2/3")
        sink.progressDone()
        sink.emit(.image(ImageGrid(images: [testImage(height: 28, width: 28, seed: 0)], height: 28, width: 28, columns: 1)))
        sink.emit(.plot(LinePlot(title: "p", xLabel: "x", yLabel: "y", series: [.init(name: "s", x: [0, 1], y: [0, 1])])))
        XCTAssertTrue(out.hasPrefix("hello\n"))
        XCTAssertFalse(out.contains("epoch"))
        XCTAssertFalse(out.unicodeScalars.contains { $0.value < 32 && $0 != "\n" })
    }

    func testPipeProgressWithoutThrottleIsPlainLines() {
        var out = ""
        let sink = TerminalSink(info: TerminalInfo(isTerminal: false, columns: 80, colorMode: .plain)) { out += $0 }
        sink.plainProgressInterval = 0
        sink.progress("a")
        sink.progress("b")
        sink.progressDone()
        XCTAssertEqual(out, "a\nb\n")
    }

    func testTerminalProgressRewritesOneLine() {
        var out = ""
        let sink = TerminalSink(info: TerminalInfo(isTerminal: true, columns: 20, colorMode: .ansi256)) { out += $0 }
        sink.progress("step 1")
        sink.progress("a very long progress line that does not fit")
        sink.progressDone()
        sink.emit(.text("done"))
        XCTAssertEqual(out, "\r\u{1B}[2Kstep 1\r\u{1B}[2Ka very long progres\ndone\n")
    }
}
