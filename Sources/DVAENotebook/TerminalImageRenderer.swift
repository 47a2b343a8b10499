/// Draws an ``ImageGrid`` as text.
///
/// With colour, each character cell is an upper half block `▀` whose foreground is the upper
/// pixel and whose background is the lower one, so one text row shows two pixel rows and a
/// 28×28 image takes 28 columns × 14 rows (square pixels on a usual 1:2 cell). Without colour,
/// each cell is an ASCII shade `" .:-=+*#%@"` of the mean of the same two pixels, so the shape
/// and aspect are the same. Images wrap onto several rows to fit `maxColumns`; images wider
/// than the terminal are shrunk by an integer factor.
public struct TerminalImageRenderer: Sendable {
    /// Colour support of the target.
    public var colorMode: ColorMode
    /// Width available, in character cells.
    public var maxColumns: Int

    /// The ASCII shades from dark to light.
    public static let asciiRamp: [Character] = Array(" .:-=+*#%@")

    /// Creates a renderer for the given colour mode and width.
    public init(colorMode: ColorMode, maxColumns: Int) {
        self.colorMode = colorMode
        self.maxColumns = max(1, maxColumns)
    }

    /// The layout chosen for `grid`: shrink factor, images per row, and the text size.
    public struct Layout: Sendable, Equatable {
        /// Integer down-sampling factor (1 = every pixel drawn).
        public var shrink: Int
        /// Images per text row of images.
        public var imagesPerRow: Int
        /// Character cells per image horizontally.
        public var cellWidth: Int
        /// Text rows per image.
        public var cellHeight: Int
        /// Total width of the widest text line, in cells.
        public var totalWidth: Int
        /// Total text lines (without the title).
        public var totalLines: Int
    }

    /// Computes the layout of `grid` for this renderer.
    public func layout(of grid: ImageGrid) -> Layout {
        let shrink = max(1, (grid.width + maxColumns - 1) / maxColumns)
        let cellWidth = (grid.width + shrink - 1) / shrink
        let pixelRows = (grid.height + shrink - 1) / shrink
        let cellHeight = (pixelRows + 1) / 2
        let fit = max(1, (maxColumns + 1) / (cellWidth + 1))
        let perRow = max(1, min(grid.columns, fit, max(1, grid.images.count)))
        let rows = grid.rowCount(columns: perRow)
        let used = min(perRow, grid.images.count)
        let totalWidth = used == 0 ? 0 : used * cellWidth + (used - 1)
        let totalLines = rows == 0 ? 0 : rows * cellHeight + (rows - 1)
        return Layout(shrink: shrink, imagesPerRow: perRow, cellWidth: cellWidth,
                      cellHeight: cellHeight, totalWidth: totalWidth, totalLines: totalLines)
    }

    /// Renders the grid as lines of text (the title first, when present), without a final newline.
    public func render(_ grid: ImageGrid) -> String {
        var lines: [String] = []
        if let title = grid.title, !title.isEmpty { lines.append(title) }
        let layout = layout(of: grid)
        guard grid.height > 0, grid.width > 0, !grid.images.isEmpty else {
            return lines.joined(separator: "\n")
        }
        let rows = grid.rowCount(columns: layout.imagesPerRow)
        for gridRow in 0..<rows {
            if gridRow > 0 { lines.append("") }
            let first = gridRow * layout.imagesPerRow
            let indices = Array(first..<min(first + layout.imagesPerRow, grid.images.count))
            for textRow in 0..<layout.cellHeight {
                var line = ""
                for (n, index) in indices.enumerated() {
                    if n > 0 { line += " " }
                    line += cells(grid, index: index, textRow: textRow, layout: layout)
                }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// One text row of one image.
    private func cells(_ grid: ImageGrid, index: Int, textRow: Int, layout: Layout) -> String {
        var out = ""
        var lastCode = ""
        for cell in 0..<layout.cellWidth {
            let upper = sample(grid, index, pixelRow: 2 * textRow, pixelCol: cell, shrink: layout.shrink) ?? 0
            let lower = sample(grid, index, pixelRow: 2 * textRow + 1, pixelCol: cell, shrink: layout.shrink)
            switch colorMode {
            case .plain:
                let mean = lower.map { (upper + $0) / 2 } ?? upper
                let ramp = Self.asciiRamp
                let level = Int((mean * Float(ramp.count - 1)).rounded())
                out.append(ramp[min(ramp.count - 1, max(0, level))])
            case .ansi256, .trueColor:
                let code = colorCode(foreground: upper) + (lower.map { colorCode(background: $0) } ?? "\u{1B}[49m")
                if code != lastCode { out += code; lastCode = code }
                out += "▀"
            }
        }
        if colorMode.usesEscapes { out += "\u{1B}[0m" }
        return out
    }

    /// The mean of the `shrink × shrink` block at a down-sampled position, or nil past the bottom.
    private func sample(_ grid: ImageGrid, _ index: Int, pixelRow: Int, pixelCol: Int, shrink: Int) -> Float? {
        let r0 = pixelRow * shrink, c0 = pixelCol * shrink
        guard r0 < grid.height else { return nil }
        var sum: Float = 0
        var count = 0
        for r in r0..<min(r0 + shrink, grid.height) {
            for c in c0..<min(c0 + shrink, grid.width) {
                sum += grid.pixel(index, r, c)
                count += 1
            }
        }
        return count == 0 ? 0 : sum / Float(count)
    }

    /// The escape code setting the foreground to grey level `v`.
    private func colorCode(foreground v: Float) -> String { code(v, layer: 38) }

    /// The escape code setting the background to grey level `v`.
    private func colorCode(background v: Float) -> String { code(v, layer: 48) }

    /// An SGR escape for grey `v` in `[0,1]` on `layer` (38 foreground, 48 background).
    private func code(_ v: Float, layer: Int) -> String {
        switch colorMode {
        case .trueColor:
            let g = Int((v * 255).rounded())
            return "\u{1B}[\(layer);2;\(g);\(g);\(g)m"
        default:
            return "\u{1B}[\(layer);5;\(Self.paletteIndex(v))m"
        }
    }

    /// The xterm-256 palette index for grey `v`: 16 (black), the ramp 232–255, or 231 (white).
    public static func paletteIndex(_ v: Float) -> Int {
        let level = Int((min(1, max(0, v)) * 25).rounded())
        switch level {
        case 0: return 16
        case 25: return 231
        default: return 231 + level
        }
    }
}
