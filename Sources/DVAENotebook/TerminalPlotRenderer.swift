/// Draws a ``LinePlot`` as compact text for a terminal.
///
/// With colour, curves are drawn in Braille dots (2×4 dots per character cell), one colour and
/// one dash pattern per series, with the series' marker glyph (`●`, `■`, `▲`, …) at its data
/// points; without colour, each series is drawn with its own ASCII character (`*`, `#`, `^`, …)
/// so the curves stay distinguishable with no escape codes. Error bars are vertical dot lines
/// (`|` without colour). Y tick labels sit on the left, x tick labels and the x label below, then
/// a legend line.
public struct TerminalPlotRenderer: Sendable {
    /// Colour support of the target.
    public var colorMode: ColorMode
    /// Total width available, in character cells.
    public var maxColumns: Int
    /// Height of the plotting area, in text rows.
    public var rows: Int

    /// Characters for series in plain mode (the markers' ASCII forms, in series order).
    public static var markers: [Character] { LinePlot.Marker.allCases.map(\.ascii) }
    /// xterm-256 colours for series (close to ``SVGPlotRenderer/palette``).
    public static let colors = [33, 166, 35, 175, 214, 117, 250, 227]

    /// Creates a renderer.
    public init(colorMode: ColorMode, maxColumns: Int, rows: Int = 12) {
        self.colorMode = colorMode
        self.maxColumns = max(20, maxColumns)
        self.rows = max(3, rows)
    }

    /// Renders `plot` as lines of text without a final newline.
    public func render(_ plot: LinePlot) -> String {
        let (xAxis, yAxis) = plot.axes(yTicks: max(2, rows / 3))
        let yLabels = yAxis.ticks.map { yAxis.label($0) }
        let labelWidth = yLabels.map(\.count).max() ?? 1
        let plotColumns = max(10, min(72, maxColumns - labelWidth - 2))
        let braille = colorMode.usesEscapes
        let dotsX = braille ? 2 : 1, dotsY = braille ? 4 : 1
        let width = plotColumns * dotsX, height = rows * dotsY

        // Each cell: braille bits, the last series drawn there, and a glyph that replaces the dots.
        var bits = [[Int]](repeating: [Int](repeating: 0, count: plotColumns), count: rows)
        var owner = [[Int]](repeating: [Int](repeating: -1, count: plotColumns), count: rows)
        var glyph = [[Character?]](repeating: [Character?](repeating: nil, count: plotColumns), count: rows)
        // Which series draw their curve (bit s) and a marker in each cell: where several share
        // a cell, they take it in turns along the row, so a series lying under another (L_dvae a
        // few nats below L_cvae on a scale of a hundred) still shows its colour and marker.
        var curves = [[UInt64]](repeating: [UInt64](repeating: 0, count: plotColumns), count: rows)
        var markerCells = [[UInt64]](repeating: [UInt64](repeating: 0, count: plotColumns), count: rows)
        func dot(_ x: Int, _ y: Int, _ s: Int, plainGlyph: Character? = nil) {
            guard x >= 0, x < width, y >= 0, y < height else { return }
            let (cx, cy) = (x / dotsX, y / dotsY)
            if plainGlyph == nil && s < 64 { curves[cy][cx] |= 1 << UInt64(s) }
            if braille {
                let (dx, dy) = (x % 2, y % 4)
                let table = dx == 0 ? [0x01, 0x02, 0x04, 0x40] : [0x08, 0x10, 0x20, 0x80]
                bits[cy][cx] |= table[dy]
            } else if let plainGlyph, owner[cy][cx] < 0 {
                glyph[cy][cx] = plainGlyph
            }
            if plainGlyph == nil || owner[cy][cx] < 0 { owner[cy][cx] = s }
            if !braille && plainGlyph == nil { glyph[cy][cx] = nil }
        }
        func toDot(x: Double, y: Double) -> (Int, Int) {
            let px = Int((xAxis.fraction(x) * Double(width - 1)).rounded())
            let py = Int(((1 - yAxis.fraction(y)) * Double(height - 1)).rounded())
            return (px, py)
        }
        for (s, series) in plot.series.enumerated() {
            let points = series.drawablePoints(logX: plot.logX, logY: plot.logY)
            // Error bars first, so the curve is drawn over them.
            for p in points where p.error > 0 {
                let (x, top) = toDot(x: p.x, y: p.y + p.error)
                let low = plot.logY && p.y - p.error <= 0 ? height - 1 : toDot(x: p.x, y: p.y - p.error).1
                for y in min(top, low)...max(top, low) { dot(x, y, s, plainGlyph: "|") }
            }
            let dots = points.map { toDot(x: $0.x, y: $0.y) }
            let dash = LinePlot.dash(s)
            var step = 0
            // Lines join the points of each run only: the line breaks where a point was left out.
            for run in series.drawableRuns(logX: plot.logX, logY: plot.logY) {
                let runDots = run.map { toDot(x: $0.x, y: $0.y) }
                if runDots.count == 1 || series.pointsOnly { for d in runDots { dot(d.0, d.1, s) } }
                for (a, b) in zip(runDots, runDots.dropFirst()) where !series.pointsOnly {
                    drawLine(from: a, to: b) { x, y in
                        if !braille || dash.inks(step) { dot(x, y, s) }
                        step += 1
                    }
                }
            }
            // Marker glyphs at the data points (every few points when they would crowd).
            if braille {
                let every = series.pointsOnly ? 1 : max(1, (dots.count * 3 + plotColumns - 1) / plotColumns)
                for (k, d) in dots.enumerated() where k % every == 0 || k == dots.count - 1 {
                    let (cx, cy) = (d.0 / dotsX, d.1 / dotsY)
                    guard cx >= 0, cx < plotColumns, cy >= 0, cy < rows else { continue }
                    glyph[cy][cx] = LinePlot.marker(s).glyph
                    owner[cy][cx] = s
                    if s < 64 { markerCells[cy][cx] |= 1 << UInt64(s) }
                }
            }
        }

        // Rows of the y ticks.
        var tickAtRow: [Int: String] = [:]
        for (t, label) in zip(yAxis.ticks, yLabels) {
            let row = Int(((1 - yAxis.fraction(t)) * Double(rows - 1)).rounded())
            tickAtRow[row] = label
        }

        var lines: [String] = []
        if !plot.title.isEmpty { lines.append(plot.title) }
        let yLabel = plot.logY ? plot.yLabel + (plot.yLabel.isEmpty ? "" : " ") + "(log scale)" : plot.yLabel
        if !yLabel.isEmpty { lines.append(yLabel) }
        for r in 0..<rows {
            let label = tickAtRow[r] ?? ""
            var line = String(repeating: " ", count: labelWidth - label.count) + label
            line += tickAtRow[r] == nil ? (braille ? " │" : " |") : (braille ? " ┤" : " +")
            var current = -1
            for c in 0..<plotColumns {
                var s = owner[r][c]
                var cellGlyph = glyph[r][c]
                let shared = curves[r][c] | markerCells[r][c]
                if shared.nonzeroBitCount > 1 {
                    s = Self.setBit(shared, number: c % shared.nonzeroBitCount)
                    if markerCells[r][c] & (1 << UInt64(s)) != 0 {
                        cellGlyph = LinePlot.marker(s).glyph
                    } else if markerCells[r][c] != 0 {
                        cellGlyph = nil
                    }
                    if !braille { cellGlyph = nil }
                }
                if braille {
                    if s != current {
                        line += s < 0 ? "\u{1B}[0m" : "\u{1B}[38;5;\(color(s))m"
                        current = s
                    }
                    if let g = cellGlyph {
                        line.append(g)
                    } else {
                        line += s < 0 ? " " : String(Character(Unicode.Scalar(0x2800 + bits[r][c])!))
                    }
                } else {
                    line.append(s < 0 ? " " : cellGlyph ?? Self.markers[s % Self.markers.count])
                }
            }
            if braille && current >= 0 { line += "\u{1B}[0m" }
            lines.append(line.trailingSpacesRemoved)
        }
        lines.append(String(repeating: " ", count: labelWidth + 1) + (braille ? "└" : "+")
                     + String(repeating: braille ? "─" : "-", count: plotColumns))
        lines.append(xTickLine(xAxis, labelWidth: labelWidth, plotColumns: plotColumns))
        let xLabel = plot.logX ? plot.xLabel + (plot.xLabel.isEmpty ? "" : " ") + "(log scale)" : plot.xLabel
        if !xLabel.isEmpty {
            let pad = labelWidth + 2 + max(0, (plotColumns - xLabel.count) / 2)
            lines.append(String(repeating: " ", count: pad) + xLabel)
        }
        if !plot.series.isEmpty { lines.append(legend(plot, indent: labelWidth + 2)) }
        return lines.joined(separator: "\n")
    }

    /// The x tick labels, placed under their columns where they don't overlap.
    private func xTickLine(_ axis: AxisScale, labelWidth: Int, plotColumns: Int) -> String {
        var chars = [Character](repeating: " ", count: labelWidth + 2 + plotColumns + 8)
        var nextFree = 0
        for t in axis.ticks {
            let label = Array(axis.label(t))
            let column = labelWidth + 2 + Int((axis.fraction(t) * Double(plotColumns - 1)).rounded())
            let start = max(0, column - label.count / 2)
            guard start >= nextFree, start + label.count <= chars.count else { continue }
            for (i, ch) in label.enumerated() { chars[start + i] = ch }
            nextFree = start + label.count + 1
        }
        return String(chars).trailingSpacesRemoved
    }

    /// One legend line: a coloured sample of marker and dash pattern (or the ASCII character)
    /// and each series' name.
    private func legend(_ plot: LinePlot, indent: Int) -> String {
        var parts: [String] = []
        for (s, series) in plot.series.enumerated() {
            if colorMode.usesEscapes {
                let sample: String
                switch LinePlot.dash(s) {
                case .solid: sample = "──"
                case .dashed: sample = "╌╌"
                case .dotted: sample = "┈┈"
                case .dashDot: sample = "─·"
                }
                parts.append("\u{1B}[38;5;\(color(s))m\(LinePlot.marker(s).glyph)\(sample)\u{1B}[0m \(series.name)")
            } else {
                parts.append("\(Self.markers[s % Self.markers.count]) \(series.name)")
            }
        }
        return String(repeating: " ", count: indent) + parts.joined(separator: "   ")
    }

    /// The index of the `number`-th (0-based) set bit of `mask`.
    static func setBit(_ mask: UInt64, number: Int) -> Int {
        var seen = 0
        for bit in 0..<64 where mask & (1 << UInt64(bit)) != 0 {
            if seen == number { return bit }
            seen += 1
        }
        return 0
    }

    /// The 256-colour index of series `s`.
    private func color(_ s: Int) -> Int { Self.colors[s % Self.colors.count] }

    /// Calls `plot` for every grid point on the segment from `a` to `b` (Bresenham).
    private func drawLine(from a: (Int, Int), to b: (Int, Int), _ plot: (Int, Int) -> Void) {
        var (x0, y0) = a
        let (x1, y1) = b
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            plot(x0, y0)
            if x0 == x1 && y0 == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x0 += sx }
            if e2 <= dx { err += dx; y0 += sy }
        }
    }
}

extension String {
    /// The string without trailing spaces.
    var trailingSpacesRemoved: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
