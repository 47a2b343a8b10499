/// One piece of output produced by running code: text, a picture or a chart.
public enum OutputItem: Sendable, Equatable {
    /// Plain text (may span several lines; no trailing newline needed).
    case text(String)
    /// A grid of images.
    case image(ImageGrid)
    /// A line chart.
    case plot(LinePlot)
}
