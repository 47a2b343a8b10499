import Foundation
import XCTest
import DVAENotebook

final class PNGTests: XCTestCase {
    func testRasterSizeHasOnePixelSeparatorsAndUpscale() {
        let grid = ImageGrid(images: (0..<5).map { testImage(height: 28, width: 20, seed: $0) },
                             height: 28, width: 20, columns: 3)
        let one = grid.rasterSize(scale: 1)
        XCTAssertEqual(one.width, 3 * 20 + 2)
        XCTAssertEqual(one.height, 2 * 28 + 1)
        let three = grid.raster(scale: 3)
        XCTAssertEqual(three.width, 3 * 60 + 2)
        XCTAssertEqual(three.height, 2 * 84 + 1)
        XCTAssertEqual(three.pixels.count, three.width * three.height)
        // Image 4 (second row, second column) pixel (1, 2) is the bright marker, upscaled 3×.
        let x = 1 * (60 + 1) + 2 * 3, y = 1 * (84 + 1) + 1 * 3
        XCTAssertEqual(three[y, x], 255)
        XCTAssertEqual(three[y + 2, x + 2], 255)
        XCTAssertEqual(three[0, 60], 128, "separator column")
    }

    func testFewerImagesThanColumnsUsesOnlyNeededWidth() {
        let grid = ImageGrid(images: [testImage(height: 28, width: 28, seed: 0)], height: 28, width: 28, columns: 8)
        XCTAssertEqual(grid.rasterSize().width, 28)
        XCTAssertEqual(grid.rasterSize().height, 28)
    }

    func testPNGDecodesWithIndependentDecoder() throws {
        let grid = ImageGrid(images: (0..<4).map { testImage(height: 28, width: 28, seed: $0 * 3) },
                             height: 28, width: 28, columns: 3, title: "mnist-like")
        let raster = grid.raster(scale: 2)
        let bytes = try PNGEncoder.encode(raster)
        let dir = try temporaryDirectory()
        let path = dir + "/grid.png"
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let decoded = try PythonDecoder.run(PythonDecoder.pngDecoder, argument: path)
        XCTAssertEqual(decoded["width"] as? Int, 3 * 56 + 2)
        XCTAssertEqual(decoded["height"] as? Int, 2 * 56 + 1)
        XCTAssertEqual(decoded["bitDepth"] as? Int, 8)
        XCTAssertEqual(decoded["colorType"] as? Int, 0)
        let pixels = (decoded["pixels"] as? [Int])?.map { UInt8($0) }
        XCTAssertEqual(pixels, raster.pixels)
    }

    func testFreyFaceSizedPNG() throws {
        let grid = ImageGrid(images: (0..<10).map { testImage(height: 28, width: 20, seed: $0) },
                             height: 28, width: 20, columns: 5)
        let bytes = try PNGEncoder.encode(grid)
        let dir = try temporaryDirectory()
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/frey.png"))
        let decoded = try PythonDecoder.run(PythonDecoder.pngDecoder, argument: dir + "/frey.png")
        XCTAssertEqual(decoded["width"] as? Int, 5 * 20 + 4)
        XCTAssertEqual(decoded["height"] as? Int, 2 * 28 + 1)
        XCTAssertEqual((decoded["pixels"] as? [Int])?.map { UInt8($0) }, grid.raster().pixels)
    }

    func testValuesAreClampedAndNaNIsBlack() {
        XCTAssertEqual(GreyImage.level(-3), 0)
        XCTAssertEqual(GreyImage.level(7), 255)
        XCTAssertEqual(GreyImage.level(.nan), 0)
        XCTAssertEqual(GreyImage.level(0.5), 128)
    }

    func testEmptyImageIsRejected() {
        XCTAssertThrowsError(try PNGEncoder.encode(GreyImage(width: 0, height: 0)))
    }
}
