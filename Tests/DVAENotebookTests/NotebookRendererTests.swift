import Foundation
import XCTest
import DVAENotebook

final class NotebookRendererTests: XCTestCase {
    let source = """
    # Demo

    ```dvae
    show noisy
    ```

    Middle prose.

    ```dvae
    plot curves
    ```

    ```dvae
    print "after"
    ```

    """

    func outputs() -> [Int: [OutputItem]] {
        let grid = ImageGrid(images: [testImage(height: 28, width: 28, seed: 0)], height: 28, width: 28, columns: 1,
                             title: "noisy [0:1]")
        let plot = LinePlot(title: "curves", xLabel: "epoch", yLabel: "nats",
                            series: [.init(name: "a", x: [1, 2], y: [3, 4])])
        return [1: [.text("before"), .text("with ``` inside"), .image(grid), .text("after")],
                2: [.plot(plot)]]
    }

    func testRenderedMarkdownAndFiles() throws {
        let notebook = Notebook.parse(text: source, path: "/x/demo.md")
        let files = try NotebookRenderer(notebook: notebook, outputDirectory: "/tmp/unused").render(outputs: outputs(), failure: nil)
        XCTAssertEqual(files.map(\.name), ["demo.md", "demo-cell1-1.png", "demo-cell2-1.svg"])
        let markdown = String(decoding: files[0].bytes, as: UTF8.self)
        XCTAssertTrue(markdown.contains("````text\nbefore\nwith ``` inside\n````"))
        XCTAssertTrue(markdown.contains("```\n\n````text\nbefore"), "a blank line after the block")
        XCTAssertTrue(markdown.contains("![noisy  0:1](demo-cell1-1.png)"))
        XCTAssertTrue(markdown.hasPrefix("# Demo\n\n```dvae\nshow noisy\n```\n"), markdown)
        XCTAssertTrue(markdown.contains("```text\nafter\n```"))
        XCTAssertTrue(markdown.contains("![curves](demo-cell2-1.svg)"))
        XCTAssertTrue(markdown.contains("Middle prose."))
        XCTAssertTrue(markdown.contains("print \"after\""))
        XCTAssertEqual(Array(files[1].bytes.prefix(8)), PNGEncoder.signature)
    }

    func testFailureStopsTheCopy() throws {
        let notebook = Notebook.parse(text: source, path: "demo.md")
        let failure = NotebookRenderer.Failure(cell: 2, message: "demo.md:10:1: error: unknown command 'plot'")
        let files = try NotebookRenderer(notebook: notebook, outputDirectory: "/tmp/unused")
            .render(outputs: outputs(), failure: failure)
        let markdown = String(decoding: files[0].bytes, as: UTF8.self)
        XCTAssertTrue(markdown.contains("```text\ndemo.md:10:1: error: unknown command 'plot'\n```"))
        XCTAssertTrue(markdown.contains("Stopped"))
        XCTAssertFalse(markdown.contains("print \"after\""))
    }

    func testWriteCreatesFilesAndRefusesToOverwriteSource() throws {
        let dir = try temporaryDirectory()
        let notebook = Notebook.parse(text: source, path: dir + "/demo.md")
        let out = dir + "/out/nested"
        let written = try NotebookRenderer(notebook: notebook, outputDirectory: out, imageScale: 3)
            .write(outputs: outputs(), failure: nil)
        XCTAssertEqual(written.count, 3)
        for path in written { XCTAssertTrue(FileManager.default.fileExists(atPath: path)) }
        let decoded = try PythonDecoder.run(PythonDecoder.pngDecoder, argument: out + "/demo-cell1-1.png")
        XCTAssertEqual(decoded["width"] as? Int, 84)

        XCTAssertThrowsError(try NotebookRenderer(notebook: notebook, outputDirectory: dir).write(outputs: [:], failure: nil))
    }

    func testCollectorFilesItemsPerCellAndForwards() {
        final class Recorder: OutputSink {
            var items: [OutputItem] = []
            var progressLines: [String] = []
            func emit(_ item: OutputItem) { items.append(item) }
            func progress(_ line: String) { progressLines.append(line) }
            func progressDone() {}
        }
        let recorder = Recorder()
        let collector = CellOutputCollector(forward: recorder)
        collector.beginCell(1)
        collector.emit(.text("a"))
        collector.progress("50%")
        collector.beginCell(3)
        collector.emit(.text("b"))
        collector.emit(.text("c"))
        XCTAssertEqual(collector.items(forCell: 1), [.text("a")])
        XCTAssertEqual(collector.items(forCell: 3), [.text("b"), .text("c")])
        XCTAssertEqual(collector.items(forCell: 2), [])
        XCTAssertEqual(recorder.items.count, 3)
        XCTAssertEqual(recorder.progressLines, ["50%"])
    }
}
