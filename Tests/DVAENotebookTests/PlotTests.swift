import Foundation
import XCTest
@testable import DVAENotebook

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
        XCTAssertTrue(text.contains("o noise 15%"))
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

    /// A point that cannot be drawn breaks the line there (issue 20: the line was drawn straight
    /// through a nan, showing a value nobody measured): the chart differs from one where the point
    /// is simply absent and the neighbours are joined.
    func testLinesBreakAtPointsLeftOut() {
        let gapped = LinePlot.Series(name: "gap", x: [0, 1, 2, 3, 4, 5], y: [0, 0, .nan, 10, 10, .infinity])
        XCTAssertEqual(gapped.drawableRuns(logX: false, logY: false).map { $0.map(\.y) }, [[0, 0], [10, 10]])
        XCTAssertEqual(gapped.leftOut(logX: false, logY: false).notFinite, 2)
        let logged = LinePlot.Series(name: "log", x: [1, 2, 3, 4], y: [1, 0, 3, -1])
        XCTAssertEqual(logged.drawableRuns(logX: false, logY: true).map { $0.map(\.y) }, [[1], [3]])
        XCTAssertEqual(logged.leftOut(logX: false, logY: true).notPositive, 2)

        let joined = LinePlot.Series(name: "gap", x: [0, 1, 3, 4], y: [0, 0, 10, 10])
        func chart(_ s: LinePlot.Series) -> LinePlot { LinePlot(title: "", xLabel: "", yLabel: "", series: [s]) }
        let svg = SVGPlotRenderer().render(chart(gapped))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2, svg)
        XCTAssertNotEqual(svg, SVGPlotRenderer().render(chart(joined)))
        for mode in [ColorMode.plain, .ansi256] {
            let renderer = TerminalPlotRenderer(colorMode: mode, maxColumns: 60, rows: 10)
            XCTAssertNotEqual(renderer.render(chart(gapped)), renderer.render(chart(joined)), "\(mode)")
        }
        // A point alone between gaps is still marked in the SVG (a one-point polyline draws nothing).
        let alone = LinePlot.Series(name: "alone", x: [0, 1, 2, 3, 4], y: [1, 2, .nan, 3, .nan])
        let aloneSVG = SVGPlotRenderer().render(chart(alone))
        XCTAssertEqual(aloneSVG.components(separatedBy: "<polyline").count - 1, 1)
        XCTAssertEqual(aloneSVG.components(separatedBy: "<circle").count - 1,
                       SVGPlotRenderer().render(chart(.init(name: "alone", x: [0, 1, 3], y: [1, 2, 3]))).components(separatedBy: "<circle").count - 1)
    }

    /// Bounds with standard errors against σ on a log axis: the chart `plot` draws for notebook 04.
    func boundsPlot() -> LinePlot {
        let sigmas = [0.1, 0.25, 0.5, 1, 2]
        return LinePlot(title: "bounds against σ", xLabel: "σ", yLabel: "nats", series: [
            .init(name: "log p(x)", x: sigmas, y: sigmas.map { -5 - $0 }),
            .init(name: "L_dvae", x: sigmas, y: sigmas.map { -6 - 2 * $0 }, errors: sigmas.map { 0.1 + $0 / 4 }),
            .init(name: "L_cvae", x: sigmas, y: sigmas.map { -5.5 - 1.5 * $0 }, errors: [0.2, .nan, 0.2, 0.2, 0.2]),
            .init(name: "independent", x: sigmas, y: sigmas.map { -7 - $0 }),
        ], logX: true)
    }

    func testLogAxisTicksArePowersOfTen() {
        let wide = AxisScale(logarithmicMinimum: 0.03, maximum: 20)
        XCTAssertTrue(wide.isLogarithmic)
        XCTAssertEqual(wide.ticks.map { wide.label($0) }, ["0.01", "0.1", "1", "10", "100"])
        XCTAssertEqual(wide.fraction(1), 0.5, accuracy: 1e-12)
        XCTAssertEqual(wide.fraction(0.01), 0, accuracy: 1e-12)
        let short = AxisScale(logarithmicMinimum: 0.1, maximum: 2)
        XCTAssertEqual(short.ticks.map { short.label($0) }, ["0.1", "0.2", "0.5", "1", "2"], "a short range ends at the data")
        let offset = AxisScale(logarithmicMinimum: 0.3, maximum: 4)
        XCTAssertEqual(offset.ticks.map { offset.label($0) }, ["0.2", "0.5", "1", "2", "5"])
        let huge = AxisScale(logarithmicMinimum: 1e-3, maximum: 1e9)
        XCTAssertLessThanOrEqual(huge.ticks.count, 9)
        XCTAssertEqual(huge.label(1e6), "1e+06")
        let degenerate = AxisScale(logarithmicMinimum: 5, maximum: 5)
        XCTAssertLessThan(degenerate.lower, 5)
        XCTAssertGreaterThan(degenerate.upper, 5)
        let nothing = AxisScale(logarithmicMinimum: -1, maximum: 0)
        XCTAssertEqual(nothing.lower, 1)
        XCTAssertEqual(nothing.upper, 10)
    }

    func testAxesIncludeErrorBarsAndLogAxesDropNonPositivePoints() {
        let plot = LinePlot(title: "", xLabel: "", yLabel: "", series: [
            .init(name: "a", x: [0, 1, 10], y: [5, 6, 7], errors: [0, 0, 10]),
        ], logX: true)
        let (x, y) = plot.axes()
        XCTAssertEqual(plot.drawablePoints.count, 2, "x = 0 cannot be drawn on a log axis")
        XCTAssertEqual(x.lower, 1)
        XCTAssertLessThanOrEqual(y.lower, -3)
        XCTAssertGreaterThanOrEqual(y.upper, 17)
    }

    func testSeriesDifferByMarkerAndDashNotColourAlone() {
        let styles = (0..<8).map { "\(LinePlot.marker($0))/\(LinePlot.dash($0))" }
        XCTAssertEqual(Set(styles).count, 8)
        XCTAssertEqual(Set((0..<8).map { LinePlot.marker($0) }).count, 8)
        XCTAssertEqual(Set((0..<8).map { LinePlot.marker($0).ascii }).count, 8)
    }

    func testSVGDrawsErrorBarsDashesAndMarkers() throws {
        let svg = SVGPlotRenderer().render(boundsPlot())
        let dir = try temporaryDirectory()
        try svg.write(toFile: dir + "/bounds.svg", atomically: true, encoding: .utf8)
        let summary = try PythonDecoder.run(PythonDecoder.svgStyleSummary, argument: dir + "/bounds.svg")
        // 5 bars for L_dvae, 4 for L_cvae (one standard error is not a number).
        XCTAssertEqual(summary["errorbars"] as? Int, 9)
        let dashes = summary["dashes"] as? [String] ?? []
        XCTAssertEqual(dashes.count, 4)
        XCTAssertEqual(Set(dashes).count, 4, "each series has its own dash pattern: \(dashes)")
        let markers = summary["markers"] as? [String] ?? []
        // 5 points + 1 legend sample per series, each series with its own shape.
        XCTAssertEqual(markers.count, 24)
        XCTAssertEqual(Set(markers).count, 4, "\(markers)")
        let texts = summary["texts"] as? [String] ?? []
        for expected in ["σ (log scale)", "0.1", "1", "L_dvae", "independent", "bounds against σ"] {
            XCTAssertTrue(texts.contains(expected), "missing text \(expected) in \(texts)")
        }
    }

    func testSVGThinsMarkersOnLongSeries() {
        let xs = (0..<1000).map(Double.init)
        let svg = SVGPlotRenderer().render(LinePlot(title: "", xLabel: "", yLabel: "", series: [.init(name: "s", x: xs, y: xs)]))
        let circles = svg.components(separatedBy: "<circle").count - 1
        XCTAssertGreaterThan(circles, 10)
        XCTAssertLessThanOrEqual(circles, SVGPlotRenderer.maximumMarkers + 2)
    }

    func testTerminalPlotShowsErrorBarsMarkersAndLogScale() {
        let plain = TerminalPlotRenderer(colorMode: .plain, maxColumns: 80, rows: 14).render(boundsPlot())
        XCTAssertTrue(plain.contains("|"), plain)
        XCTAssertTrue(plain.contains("σ (log scale)"), plain)
        XCTAssertTrue(plain.contains("* log p(x)") && plain.contains("# L_dvae") && plain.contains("^ L_cvae"), plain)
        let colour = TerminalPlotRenderer(colorMode: .ansi256, maxColumns: 80, rows: 14).render(boundsPlot())
        for glyph in ["●", "■", "▲", "◆"] { XCTAssertTrue(colour.contains(glyph), "marker \(glyph) missing") }
        XCTAssertTrue(colour.contains("╌╌\u{1B}[0m L_dvae"), "legend shows the dash pattern")
        let tickLine = colour.split(separator: "\n").first { $0.contains("0.1") && $0.contains("0.5") && $0.hasSuffix("2") }
        XCTAssertNotNil(tickLine, "log ticks 0.1 … 2 under the x axis:\n\(colour)")
    }

    /// Issue 17, item 2: a long title is wrapped to the picture's width and centred on it,
    /// never cut off at the left.
    func testLongSVGTitleWrapsInsideThePicture() {
        let title = "Lemma 1's chain against σ: L_dvae stays below L_cvae, L_ind crosses log p(x) as σ grows"
        let plot = LinePlot(title: title, xLabel: "σ", yLabel: "nats", series: [.init(name: "a", x: [0, 1], y: [0, 1])])
        let renderer = SVGPlotRenderer()
        let svg = renderer.render(plot)
        let lines = SVGPlotRenderer.wrap(title, width: renderer.width - 24, characterWidth: SVGPlotRenderer.titleCharacterWidth)
        XCTAssertGreaterThan(lines.count, 1)
        XCTAssertEqual(lines.joined(separator: " "), title)
        for line in lines {
            XCTAssertLessThanOrEqual(Double(line.count) * SVGPlotRenderer.titleCharacterWidth, renderer.width - 24)
            XCTAssertTrue(svg.contains("<text x=\"320\" y=\"") && svg.contains(">\(SVGPlotRenderer.escape(line))</text>"), line)
        }
        XCTAssertEqual(SVGPlotRenderer.wrap("short", width: 600, characterWidth: 9), ["short"])
    }

    /// Issue 17, item 6: a series drawn in the same cells as another (L_dvae a few nats under
    /// L_cvae) still shows: shared cells alternate between the series.
    func testTerminalPlotDoesNotHideASeriesUnderAnother() {
        let xs = (0..<20).map(Double.init)
        let plot = LinePlot(title: "", xLabel: "", yLabel: "",
                            series: [.init(name: "far", x: xs, y: xs.map { $0 * 10 }),
                                     .init(name: "under", x: xs, y: xs.map { -100 - $0 }),
                                     .init(name: "over", x: xs, y: xs.map { -100 - $0 + 0.01 })])
        let plain = TerminalPlotRenderer(colorMode: .plain, maxColumns: 80, rows: 10).render(plot)
        let area = plain.split(separator: "\n").dropLast(3).joined()
        for s in 0..<3 {
            XCTAssertTrue(area.contains(TerminalPlotRenderer.markers[s]), "series \(s) is hidden:\n\(plain)")
        }
        let colour = TerminalPlotRenderer(colorMode: .ansi256, maxColumns: 80, rows: 10).render(plot)
        let colourArea = colour.split(separator: "\n").dropLast(3).joined()
        for s in 0..<3 {
            XCTAssertTrue(colourArea.contains("\u{1B}[38;5;\(TerminalPlotRenderer.colors[s])m"), "series \(s) has no colour in the plot")
        }
    }
}
