import DVAENotebook
import Foundation

/// How an output item appears in Jupyter: a MIME bundle, richest representation first for
/// front ends that draw, plain text for those that do not (`jupyter console`).
///
/// Pictures are PNG (each pixel scaled 2×, as `dvae run --out` writes them); plots are SVG, as in
/// rendered notebooks; `text/plain` is the terminal drawing without escape codes.
public enum MimeBundle {
    /// Integer upscale of PNG pictures (the default of `dvae run --scale`).
    public static let imageScale = 2
    /// Columns of the plain-text drawings: 80, what `dvae run` uses when its output is not a
    /// terminal, so a notebook's text is the same from the kernel and from `dvae run`.
    public static let textColumns = 80

    /// The `data` of a `display_data` or `execute_result` message for `item`.
    public static func data(for item: OutputItem) -> JSONValue {
        switch item {
        case .text(let text):
            return ["text/plain": .string(text.hasSuffix("\n") ? String(text.dropLast()) : text)]
        case .image(let grid):
            let plain = TerminalImageRenderer(colorMode: .plain, maxColumns: textColumns).render(grid)
            guard let png = try? PNGEncoder.encode(grid, scale: imageScale) else {
                return ["text/plain": "(empty picture)"]
            }
            return ["image/png": .string(Data(png).base64EncodedString()), "text/plain": .string(plain)]
        case .plot(let plot):
            let plain = TerminalPlotRenderer(colorMode: .plain, maxColumns: textColumns).render(plot)
            return ["image/svg+xml": .string(SVGPlotRenderer().render(plot)), "text/plain": .string(plain)]
        }
    }
}
