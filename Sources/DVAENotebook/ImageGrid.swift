/// A grid of greyscale images that share one size, shown as a picture.
///
/// Pixels are in `[0, 1]` (0 is black, 1 is white), stored row-major per image.
/// Values outside the range are clamped when drawn; NaN draws as black.
public struct ImageGrid: Sendable, Equatable {
    /// The images, each `height * width` pixels, row-major.
    public var images: [[Float]]
    /// Height of one image in pixels.
    public var height: Int
    /// Width of one image in pixels.
    public var width: Int
    /// Preferred number of images per row (renderers may wrap to fewer to fit).
    public var columns: Int
    /// Optional caption.
    public var title: String?

    /// Creates a grid. `columns` is clamped to at least 1.
    public init(images: [[Float]], height: Int, width: Int, columns: Int, title: String? = nil) {
        self.images = images
        self.height = height
        self.width = width
        self.columns = max(1, columns)
        self.title = title
    }

    /// The number of image rows when laid out `columns` per row.
    public func rowCount(columns: Int) -> Int {
        let c = max(1, columns)
        return (images.count + c - 1) / c
    }

    /// The pixel at (`row`, `col`) of image `index`, clamped to `[0, 1]`.
    public func pixel(_ index: Int, _ row: Int, _ col: Int) -> Float {
        let image = images[index]
        let i = row * width + col
        guard i < image.count else { return 0 }
        let v = image[i]
        if v.isNaN { return 0 }
        return min(1, max(0, v))
    }
}
