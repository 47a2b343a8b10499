import Foundation
import XCTest
import DVAENotebook

final class PlotTests: XCTestCase {
    /// Four noise levels' learning curves.
    func noisePlot() -> LinePlot {
        let epochs = (1...20).map(Double.init)
        let series = [0, 5, 10, 15].map { noise in
            LinePlot.Series(name: "noise \(noise)%", x: epochs,
                            y: epochs.map { -140 + 30 * (1 - exp(-$0 / 5)) + Double(noise) / 5 })
        }
        return LinePlot(title: "Test bound by noise level", xLabel: "epoch", yLabel: "nats", series: series)
    }

    func testAxisTicksAreRound() {
        let axis = AxisScale(minimum: -137.2, maximum: -104.9)
        XCTAssertLessThanOrEqual(axis.lower, -137.2)
        XCTAssertGreaterThanOrEqual(axis.upper, -104.9)
        XCTAssertEqual(axis.step, 10)
        XCTAssertEqual(axis.ticks.map { axis.label($0) }, ["-140", "-130", "-120", "-110", "-100"])
        let small = AxisScale(minimum: 0, maximum: 0.075)
        XCTAssertEqual(small.label(0.05), "0.05")
        let flat = AxisScale(minimum: 3, maximum: 3)
        XCTAssertLessThan(flat.lower, 3)
        XCTAssertGreaterThan(flat.upper, 3)
    }

    func testSVGHasSeriesLegendAndLabels() throws {
        let svg = SVGPlotRenderer().render(noisePlot())
        let dir = try temporaryDirectory()
        try svg.write(toFile: dir + "/plot.svg", atomically: true, encoding: .utf8)
        let summary = try PythonDecoder.run(PythonDecoder.svgSummary, argument: dir + "/plot.svg")
        let colours = summary["polylines"] as? [String] ?? []
        XCTAssertEqual(colours.count, 4)
        XCTAssertEqual(Set(colours).count, 4, "distinct colours")
        let texts = summary["texts"] as? [String] ?? []
        for expected in ["Test bound by noise level", "epoch", "nats", "noise 0%", "noise 15%", "-140"] {
            XCTAssertTrue(texts.contains(expected), "missing text \(expected)")
        }
    }

    func testSVGEscapesText() {
        let plot = LinePlot(title: "a < b & c", xLabel: "x", yLabel: "y", series: [.init(name: "\"q\"", x: [0, 1], y: [1, 2])])
        let svg = SVGPlotRenderer().render(plot)
        XCTAssertTrue(svg.contains("a &lt; b &amp; c"))
        XCTAssertTrue(svg.contains("&quot;q&quot;"))
    }

    func testTerminalPlotPlainHasMarkersAndNoEscapes() {
        let text = TerminalPlotRenderer(colorMode: .plain, maxColumns: 80, rows: 10).render(noisePlot())
        XCTAssertFalse(text.contains("\u{1B}"))
        XCTAssertTrue(text.unicodeScalars.allSatisfy { $0.isASCII })
        XCTAssertTrue(text.contains("* noise 0%"))
        XCTAssertTrue(text.contains("& noise 15%") || text.contains("x noise 15%"))
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 1 + 10 + 1 + 1 + 1 + 1)   // title, y label, rows, axis, ticks, x label, legend
        for line in lines { XCTAssertLessThanOrEqual(line.count, 80) }
    }

    func testTerminalPlotColourUsesBraille() {
        let text = TerminalPlotRenderer(colorMode: .ansi256, maxColumns: 80, rows: 8).render(noisePlot())
        XCTAssertTrue(text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
        XCTAssertTrue(text.contains("\u{1B}[38;5;33m"))
        XCTAssertTrue(text.contains("noise 10%"))
    }

    func testEmptyAndNonFiniteSeriesDoNotCrash() {
        let plot = LinePlot(title: "", xLabel: "", yLabel: "", series: [.init(name: "nan", x: [0, 1], y: [.nan, .infinity])])
        _ = TerminalPlotRenderer(colorMode: .plain, maxColumns: 40).render(plot)
        _ = SVGPlotRenderer().render(plot)
        _ = SVGPlotRenderer().render(LinePlot(title: "t", xLabel: "", yLabel: "", series: []))
    }
}
