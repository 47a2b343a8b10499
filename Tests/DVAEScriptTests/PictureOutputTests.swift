import DVAE
import DVAENotebook
import XCTest
@testable import DVAEScript

/// Every place pictures are encoded for — PNG files (`--out`), the HTML page (`--html`), Jupyter
/// messages (`dvae kernel`) — refuses a picture too large for the budget at the statement that
/// shows it, before it is drawn (issue 20: `--html` and the kernel had no such check).
final class PictureOutputTests: XCTestCase {
    private let setUpModel = "let d = load synthetic\nlet m = model vae for d.train hidden [4] latent 2"

    private func interpreter(limit: Int, outputs: [PictureOutput]) -> (Interpreter, CaptureSink) {
        var options = InterpreterOptions(testMode: true)
        options.budget = MemoryBudget(limit: limit)
        options.pictureOutputs = outputs
        let sink = CaptureSink()
        return (Interpreter(sink: sink, options: options), sink)
    }

    /// A picture of `n` samples of a synthetic model (12 × 12 pixels each, 8 a row).
    private func samples(_ n: Int) -> ImageGrid {
        ImageGrid(images: Array(repeating: [Float](repeating: 0, count: 144), count: n), height: 12, width: 12,
                  columns: min(8, n), title: nil)
    }

    /// The HTML page costs more per pixel than a PNG file, so a picture can fit the one and not
    /// the other: with both (`--out` and `--html`) the page is the one named.
    func testTheHTMLPageRefusesWhatAPNGFileWouldTake() throws {
        let limit = 100 << 20, n = 700
        let png = PictureOutput.pngFile(scale: 16), html = PictureOutput.htmlPage(scale: 16)
        let budget = MemoryBudget(limit: limit)
        XCTAssertTrue(budget.allows(png.bytes(for: samples(n))), "the case needs a picture a PNG file can take")
        XCTAssertFalse(budget.allows(html.bytes(for: samples(n))), "… and the page cannot")
        let (fileOnly, fileSink) = interpreter(limit: limit, outputs: [png])
        try fileOnly.run(setUpModel + "\nshow sample m \(n)", file: "t.dvae")
        XCTAssertEqual(fileSink.images.count, 1)
        let (both, sink) = interpreter(limit: limit, outputs: [png, html])
        try both.run(setUpModel, file: "t.dvae")
        guard let e = error(of: "print 1\nshow sample m \(n)", in: both) else { return }
        XCTAssertEqual("\(e.line):\(e.column)", "2:6")
        let size = samples(n).rasterSize(scale: 16)
        XCTAssertEqual(e.message, "this picture of \(n) images is \(size.width)×\(size.height) pixels at --scale 16 and would need "
                       + "\(MemoryBudget.format(html.bytes(for: samples(n))!)) to inline in the HTML page, "
                       + "more than the memory limit of 100.0 MiB")
        XCTAssertEqual(e.suggestion, "show fewer images, lower --scale, or raise --max-memory")
        XCTAssertTrue(sink.images.isEmpty, "refused before it is drawn")
    }

    /// The kernel's scale is fixed, so the way out does not name --scale.
    func testAJupyterPictureTooLargeIsRefusedAtItsStatement() throws {
        let (kernel, sink) = interpreter(limit: 8 << 20, outputs: [.jupyter(scale: 2)])
        try kernel.run(setUpModel + "\nshow sample m 16", file: "t.dvae")
        XCTAssertEqual(sink.images.count, 1, "a picture within the budget is shown")
        guard let e = error(of: "sample m 4000", in: kernel) else { return }
        XCTAssertEqual("\(e.line):\(e.column)", "1:1")
        XCTAssertTrue(e.message.contains("pixels at scale 2 and would need"), e.message)
        XCTAssertTrue(e.message.hasSuffix("to send to Jupyter, more than the memory limit of 8.0 MiB"), e.message)
        XCTAssertEqual(e.suggestion, "show fewer images, or raise --max-memory")
        XCTAssertEqual(sink.images.count, 1)
    }
}
