import Foundation

/// Draws a ``LinePlot`` as a standalone SVG document: axes with ticks and grid lines,
/// a title, axis labels, one coloured polyline (with point markers) per series, and a legend.
public struct SVGPlotRenderer: Sendable {
    /// Picture width in SVG units (pixels).
    public var width: Double
    /// Picture height in SVG units (pixels).
    public var height: Double

    /// Series colours, in order (the Okabe–Ito palette: distinct for colour-blind readers too).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                 "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    /// Creates a renderer for a picture of the given size.
    public init(width: Double = 640, height: Double = 400) {
        self.width = width
        self.height = height
    }

    /// The SVG text for `plot`.
    public func render(_ plot: LinePlot) -> String {
        let points = plot.series.flatMap { $0.finitePoints }
        let xAxis = AxisScale(minimum: points.map(\.x).min() ?? 0, maximum: points.map(\.x).max() ?? 1)
        let yAxis = AxisScale(minimum: points.map(\.y).min() ?? 0, maximum: points.map(\.y).max() ?? 1)

        let legendWidth = plot.series.isEmpty ? 0.0 : 24 + 7 * Double(plot.series.map(\.name.count).max() ?? 0) + 16
        let left = 70.0, right = width - 20 - legendWidth, top = 40.0, bottom = height - 55
        func px(_ x: Double) -> Double { left + xAxis.fraction(x) * (right - left) }
        func py(_ y: Double) -> Double { bottom - yAxis.fraction(y) * (bottom - top) }

        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" \
        viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>

        """
        svg += text(plot.title, x: (left + right) / 2, y: 22, anchor: "middle", extra: " font-size=\"15\" font-weight=\"bold\"")

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
        // Axes and their labels.
        svg += line(left, bottom, right, bottom, stroke: "#333")
        svg += line(left, top, left, bottom, stroke: "#333")
        svg += text(plot.xLabel, x: (left + right) / 2, y: height - 15, anchor: "middle")
        svg += "<text x=\"18\" y=\"\(f((top + bottom) / 2))\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 18 \(f((top + bottom) / 2)))\">\(Self.escape(plot.yLabel))</text>\n"

        // Series.
        for (i, series) in plot.series.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            let pts = series.finitePoints
            let coords = pts.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(coords)\"/>\n"
            if pts.count <= 60 {
                for p in pts {
                    svg += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\" fill=\"\(color)\"/>\n"
                }
            }
        }

        // Legend.
        let legendX = right + 16
        for (i, series) in plot.series.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            let y = top + 8 + Double(i) * 18
            svg += line(legendX, y, legendX + 18, y, stroke: color, width: 3)
            svg += text(series.name, x: legendX + 24, y: y + 4, anchor: "start")
        }
        svg += "</svg>\n"
        return svg
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
