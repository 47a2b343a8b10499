import Foundation

/// Draws a ``LinePlot`` as a standalone SVG document: axes (linear or logarithmic) with ticks
/// and grid lines, a title, axis labels, one polyline per series in its own colour, dash pattern
/// and point marker, error bars where the series has them, and a legend showing all three.
public struct SVGPlotRenderer: Sendable {
    /// Picture width in SVG units (pixels).
    public var width: Double
    /// Picture height in SVG units (pixels).
    public var height: Double

    /// Series colours, in order (the Okabe–Ito palette: distinct for colour-blind readers too).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                 "#E69F00", "#56B4E9", "#000000", "#F0E442"]
    /// Most markers drawn along one series (longer series get a marker every few points).
    public static let maximumMarkers = 30

    /// Creates a renderer for a picture of the given size.
    public init(width: Double = 640, height: Double = 400) {
        self.width = width
        self.height = height
    }

    /// The SVG text for `plot`.
    public func render(_ plot: LinePlot) -> String {
        let (xAxis, yAxis) = plot.axes()
        let legendWidth = plot.series.isEmpty ? 0.0 : 40 + 7 * Double(plot.series.map(\.name.count).max() ?? 0) + 12
        // The title is centred on the whole picture and wrapped at word breaks to fit its width
        // (centred over the plot area alone, a long title ran off the left edge).
        let titleLines = Self.wrap(plot.title, width: width - 24, characterWidth: Self.titleCharacterWidth)
        let left = 70.0, right = width - 20 - legendWidth, bottom = height - 55
        let top = 40.0 + 18 * Double(max(0, titleLines.count - 1))
        func px(_ x: Double) -> Double { left + xAxis.fraction(x) * (right - left) }
        func py(_ y: Double) -> Double { bottom - yAxis.fraction(y) * (bottom - top) }

        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" \
        viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>

        """
        for (k, titleLine) in titleLines.enumerated() {
            svg += text(titleLine, x: width / 2, y: 22 + 18 * Double(k), anchor: "middle",
                        extra: " font-size=\"15\" font-weight=\"bold\"")
        }

        // Grid lines and ticks.
        for t in xAxis.ticks {
            let x = px(t)
            svg += line(x, top, x, bottom, stroke: "#e5e5e5")
            svg += line(x, bottom, x, bottom + 5, stroke: "#333")
            svg += text(xAxis.label(t), x: x, y: bottom + 19, anchor: "middle")
        }
        for t in yAxis.ticks {
            let y = py(t)
            svg += line(left, y, right, y, stroke: "#e5e5e5")
            svg += line(left - 5, y, left, y, stroke: "#333")
            svg += text(yAxis.label(t), x: left - 8, y: y + 4, anchor: "end")
        }
        // Axes and their labels (a log axis says so).
        svg += line(left, bottom, right, bottom, stroke: "#333")
        svg += line(left, top, left, bottom, stroke: "#333")
        let xLabel = plot.logX ? (plot.xLabel.isEmpty ? "log scale" : plot.xLabel + " (log scale)") : plot.xLabel
        let yLabel = plot.logY ? (plot.yLabel.isEmpty ? "log scale" : plot.yLabel + " (log scale)") : plot.yLabel
        svg += text(xLabel, x: (left + right) / 2, y: height - 15, anchor: "middle")
        svg += "<text x=\"18\" y=\"\(f((top + bottom) / 2))\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 18 \(f((top + bottom) / 2)))\">\(Self.escape(yLabel))</text>\n"

        // Series: error bars under the line, markers on top.
        for (i, series) in plot.series.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            let pts = series.drawablePoints(logX: plot.logX, logY: plot.logY)
            for p in pts where p.error > 0 {
                let x = px(p.x)
                let low = plot.logY && p.y - p.error <= 0 ? bottom : py(p.y - p.error)
                let high = py(p.y + p.error)
                svg += "<path class=\"errorbar\" d=\"M\(f(x)) \(f(low))V\(f(high))M\(f(x - 4)) \(f(low))H\(f(x + 4))"
                    + "M\(f(x - 4)) \(f(high))H\(f(x + 4))\" stroke=\"\(color)\" stroke-width=\"1.2\" fill=\"none\"/>\n"
            }
            let dash = LinePlot.dash(i).svgDashArray.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            // One polyline per run of drawable points: the line breaks where a point was left out.
            let runs = series.drawableRuns(logX: plot.logX, logY: plot.logY)
            var alone = Set<Int>()                  // points with no line through them: always marked
            var k = 0
            for run in runs {
                if run.count == 1 { alone.insert(k) }
                k += run.count
                guard !series.pointsOnly, run.count > 1 else { continue }
                let coords = run.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash) points=\"\(coords)\"/>\n"
            }
            // A scatter marks every point; a line every few when they would crowd.
            let every = series.pointsOnly ? 1 : max(1, (pts.count + Self.maximumMarkers - 1) / Self.maximumMarkers)
            for (k, p) in pts.enumerated() where k % every == 0 || k == pts.count - 1 || alone.contains(k) {
                svg += marker(LinePlot.marker(i), x: px(p.x), y: py(p.y), color: color)
            }
        }

        // Legend: a line sample in the series' dash pattern with its marker, then the name.
        let legendX = right + 16
        for (i, series) in plot.series.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            let y = top + 8 + Double(i) * 18
            let dash = LinePlot.dash(i).svgDashArray.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            if !series.pointsOnly {
                svg += "<line x1=\"\(f(legendX))\" y1=\"\(f(y))\" x2=\"\(f(legendX + 30))\" y2=\"\(f(y))\" "
                    + "stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>\n"
            }
            svg += marker(LinePlot.marker(i), x: legendX + 15, y: y, color: color)
            svg += text(series.name, x: legendX + 38, y: y + 4, anchor: "start")
        }
        svg += "</svg>\n"
        return svg
    }

    /// The widest a character of the bold 15-pixel title can be, in pixels, for wrapping (sans-serif
    /// capitals and `m`/`w` reach about 0.6 em; the average is near 0.55 em).
    static let titleCharacterWidth = 9.0

    /// `text` broken at spaces into lines of at most `width` pixels at `characterWidth` pixels a
    /// character; a word longer than a line is cut.
    static func wrap(_ text: String, width: Double, characterWidth: Double) -> [String] {
        let limit = max(8, Int(width / characterWidth))
        guard text.count > limit else { return text.isEmpty ? [] : [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(word)
            while word.count > limit {
                if !current.isEmpty { lines.append(current); current = "" }
                lines.append(String(word.prefix(limit)))
                word = String(word.dropFirst(limit))
            }
            if current.isEmpty {
                current = word
            } else if current.count + 1 + word.count <= limit {
                current += " " + word
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// An SVG shape for `kind` centred at (`x`, `y`).
    func marker(_ kind: LinePlot.Marker, x: Double, y: Double, color: String) -> String {
        let r = 4.0
        func polygon(_ points: [(Double, Double)]) -> String {
            let list = points.map { "\(f(x + $0.0)),\(f(y + $0.1))" }.joined(separator: " ")
            return "<polygon class=\"marker\" points=\"\(list)\" fill=\"\(color)\"/>\n"
        }
        switch kind {
        case .circle:
            return "<circle class=\"marker\" cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"3.5\" fill=\"\(color)\"/>\n"
        case .square:
            return "<rect class=\"marker\" x=\"\(f(x - 3.5))\" y=\"\(f(y - 3.5))\" width=\"7\" height=\"7\" fill=\"\(color)\"/>\n"
        case .triangle: return polygon([(0, -r - 0.5), (r, r - 1), (-r, r - 1)])
        case .triangleDown: return polygon([(0, r + 0.5), (r, 1 - r), (-r, 1 - r)])
        case .diamond: return polygon([(0, -r - 0.5), (r + 0.5, 0), (0, r + 0.5), (-r - 0.5, 0)])
        case .star:
            let points = (0..<10).map { k -> (Double, Double) in
                let angle = Double.pi / 2 + Double(k) * Double.pi / 5
                let radius = k % 2 == 0 ? r + 1 : (r + 1) * 0.45
                return (radius * cos(angle), -radius * sin(angle))
            }
            return polygon(points)
        case .cross:
            return "<path class=\"marker\" d=\"M\(f(x - r)) \(f(y - r))L\(f(x + r)) \(f(y + r))M\(f(x - r)) \(f(y + r))L\(f(x + r)) \(f(y - r))\" "
                + "stroke=\"\(color)\" stroke-width=\"2\" fill=\"none\"/>\n"
        case .plus:
            return "<path class=\"marker\" d=\"M\(f(x - r)) \(f(y))H\(f(x + r))M\(f(x)) \(f(y - r))V\(f(y + r))\" "
                + "stroke=\"\(color)\" stroke-width=\"2\" fill=\"none\"/>\n"
        }
    }

    /// A number with at most two decimals.
    private func f(_ v: Double) -> String {
        let s = String(format: "%.2f", v)
        return s.hasSuffix(".00") ? String(s.dropLast(3)) : s
    }

    /// An SVG `<line>` element.
    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\"/>\n"
    }

    /// An SVG `<text>` element.
    private func text(_ s: String, x: Double, y: Double, anchor: String, extra: String = "") -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\"\(extra)>\(Self.escape(s))</text>\n"
    }

    /// Escapes XML special characters.
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
