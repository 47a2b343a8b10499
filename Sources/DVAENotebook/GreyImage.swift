import DVAE

/// An 8-bit greyscale raster: `width × height` bytes, row-major, 0 black and 255 white.
public struct GreyImage: Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// `width * height` grey levels, row-major.
    public var pixels: [UInt8]

    /// Creates an image filled with `fill`.
    public init(width: Int, height: Int, fill: UInt8 = 0) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.pixels = [UInt8](repeating: fill, count: self.width * self.height)
    }

    /// Reads or writes the pixel at (`row`, `col`).
    public subscript(row: Int, col: Int) -> UInt8 {
        get { pixels[row * width + col] }
        set { pixels[row * width + col] = newValue }
    }

    /// Converts a value in `[0,1]` to a grey level (clamped; NaN is black).
    public static func level(_ v: Float) -> UInt8 {
        if v.isNaN { return 0 }
        return UInt8((min(1, max(0, v)) * 255).rounded())
    }
}

extension ImageGrid {
    /// The size, in pixels, of the raster made by ``raster(scale:separator:)``.
    public func rasterSize(scale: Int = 1) -> (width: Int, height: Int) {
        let s = max(1, scale)
        let perRow = min(columns, max(1, images.count))
        let rows = max(1, rowCount(columns: perRow))
        return (perRow * width * s + (perRow - 1), rows * height * s + (rows - 1))
    }

    /// Lays the images out `columns` per row as one raster.
    ///
    /// Each image pixel becomes a `scale × scale` block; images are separated by 1-pixel lines
    /// of grey `separator` (also used for empty slots in the last row).
    public func raster(scale: Int = 1, separator: UInt8 = 128) -> GreyImage {
        let s = max(1, scale)
        let perRow = min(columns, max(1, images.count))
        let size = rasterSize(scale: s)
        var out = GreyImage(width: size.width, height: size.height, fill: separator)
        for index in images.indices {
            let x0 = (index % perRow) * (width * s + 1)
            let y0 = (index / perRow) * (height * s + 1)
            for r in 0..<height {
                for c in 0..<width {
                    let g = GreyImage.level(pixel(index, r, c))
                    for dy in 0..<s {
                        let rowStart = (y0 + r * s + dy) * out.width + x0 + c * s
                        for dx in 0..<s { out.pixels[rowStart + dx] = g }
                    }
                }
            }
        }
        return out
    }
}
