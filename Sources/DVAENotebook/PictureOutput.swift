import DVAE

/// A place pictures are encoded for besides the terminal, and the memory one encoding takes there:
/// a PNG file of the rendered copy (`dvae run --out`), a PNG inlined in the HTML page (`--html`),
/// or a PNG in a Jupyter message (`dvae kernel`). The interpreter refuses, at the statement that
/// shows it and before drawing it, a picture whose encoding would not fit the memory budget
/// (`InterpreterOptions.pictureOutputs`); the renderers check again for other callers.
public struct PictureOutput: Sendable, Equatable {
    /// Integer upscale of each image pixel.
    public var scale: Int
    /// Bytes the encoding holds at once per pixel of the scaled raster (see the constructors).
    public var bytesPerPixel: Int
    /// What the encoding is for, as the error says it: "to write as PNG".
    public var purpose: String
    /// The option that sets `scale` (`--scale`), or nil when it is fixed.
    public var scaleOption: String?

    /// A PNG file (`dvae run --out`): the raster, its filtered rows and the deflate output, each
    /// at most about one byte per pixel: 3.
    public static func pngFile(scale: Int) -> PictureOutput {
        PictureOutput(scale: scale, bytesPerPixel: 3, purpose: "to write as PNG", scaleOption: "--scale")
    }

    /// A PNG inlined in the HTML page (`dvae run --html`): the PNG file's 3, and its base64 text
    /// (4/3 of the deflate output, which is at most about one byte per pixel), rounded up: 5.
    public static func htmlPage(scale: Int) -> PictureOutput {
        PictureOutput(scale: scale, bytesPerPixel: 5, purpose: "to inline in the HTML page", scaleOption: "--scale")
    }

    /// A PNG in a Jupyter `display_data` message (`dvae kernel`, at a fixed scale): the PNG
    /// file's 3, then three copies of its base64 text (the MIME bundle, the message's JSON, the
    /// wire frame), each 4/3 of the deflate output: 3 + 4 = 7.
    public static func jupyter(scale: Int) -> PictureOutput {
        PictureOutput(scale: scale, bytesPerPixel: 7, purpose: "to send to Jupyter", scaleOption: nil)
    }

    /// The bytes encoding `grid` takes here (nil: beyond counting).
    public func bytes(for grid: ImageGrid) -> Int? {
        let size = grid.rasterSize(scale: scale)
        return ByteCount.product(size.width, size.height, bytesPerPixel)
    }

    /// What to do about a picture too large here.
    public var suggestion: String {
        scaleOption.map { "show fewer images, lower \($0), or raise --max-memory" } ?? "show fewer images, or raise --max-memory"
    }

    /// "at --scale 16" or "at scale 2" (fixed).
    public var scaleText: String {
        scaleOption.map { "at \($0) \(scale)" } ?? "at scale \(scale)"
    }
}
