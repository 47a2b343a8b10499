import XCTest
import DVAENotebook

final class TerminalImageTests: XCTestCase {
    /// Removes SGR escape sequences.
    func visible(_ s: String) -> String {
        s.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    func testMNISTGridDimensionsAndWrapping() {
        let grid = ImageGrid(images: (0..<5).map { testImage(height: 28, width: 28, seed: $0) },
                             height: 28, width: 28, columns: 5)
        let renderer = TerminalImageRenderer(colorMode: .ansi256, maxColumns: 80)
        let layout = renderer.layout(of: grid)
        XCTAssertEqual(layout.cellWidth, 28)
        XCTAssertEqual(layout.cellHeight, 14, "two pixel rows per text row")
        XCTAssertEqual(layout.imagesPerRow, 2, "three 28-wide images don't fit in 80 columns")
        let lines = renderer.render(grid).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 3 * 14 + 2)
        for line in lines { XCTAssertLessThanOrEqual(visible(String(line)).count, 80) }
        XCTAssertEqual(visible(String(lines[0])).count, 2 * 28 + 1)
        XCTAssertTrue(lines[0].contains("▀"))
        XCTAssertTrue(lines[0].contains("\u{1B}[38;5;"))
    }

    func testFreyFaceAspect() {
        let grid = ImageGrid(images: [testImage(height: 28, width: 20, seed: 1)], height: 28, width: 20, columns: 1,
                             title: "frey")
        let text = TerminalImageRenderer(colorMode: .trueColor, maxColumns: 120).render(grid)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.first, "frey")
        XCTAssertEqual(lines.count, 1 + 14)
        XCTAssertEqual(visible(String(lines[1])).count, 20)
        XCTAssertTrue(text.contains("\u{1B}[38;2;"))
    }

    func testASCIIFallbackHasNoEscapeCodes() {
        let grid = ImageGrid(images: (0..<3).map { testImage(height: 28, width: 28, seed: $0) },
                             height: 28, width: 28, columns: 3)
        let text = TerminalImageRenderer(colorMode: .plain, maxColumns: 100).render(grid)
        XCTAssertFalse(text.contains("\u{1B}"))
        XCTAssertTrue(text.unicodeScalars.allSatisfy { $0.isASCII })
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 14)
        XCTAssertEqual(lines[0].count, 3 * 28 + 2)
        XCTAssertTrue(text.contains("@"))
    }

    func testWideImageIsShrunkToFit() {
        let grid = ImageGrid(images: [testImage(height: 40, width: 100, seed: 0)], height: 40, width: 100, columns: 1)
        let renderer = TerminalImageRenderer(colorMode: .plain, maxColumns: 60)
        XCTAssertEqual(renderer.layout(of: grid).shrink, 2)
        for line in renderer.render(grid).split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 60) }
    }

    func testGreyPalette() {
        XCTAssertEqual(TerminalImageRenderer.paletteIndex(0), 16)
        XCTAssertEqual(TerminalImageRenderer.paletteIndex(1), 231)
        XCTAssertEqual(TerminalImageRenderer.paletteIndex(0.5), 231 + 13)
        XCTAssertTrue((232...255).contains(TerminalImageRenderer.paletteIndex(0.3)))
    }

    func testColorModeFromEnvironment() {
        XCTAssertEqual(TerminalInfo.colorMode(isTerminal: false, environment: [:]), .plain)
        XCTAssertEqual(TerminalInfo.colorMode(isTerminal: true, environment: ["NO_COLOR": ""]), .plain)
        XCTAssertEqual(TerminalInfo.colorMode(isTerminal: true, environment: ["TERM": "dumb"]), .plain)
        XCTAssertEqual(TerminalInfo.colorMode(isTerminal: true, environment: ["COLORTERM": "truecolor"]), .trueColor)
        XCTAssertEqual(TerminalInfo.colorMode(isTerminal: true, environment: ["TERM": "xterm"]), .ansi256)
    }
}
