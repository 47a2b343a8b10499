import DVAENotebook
import Foundation

/// Sends a running cell's output to the front end as it happens: text as `stream` (stdout),
/// pictures and plots as `display_data`, progress as a live line on stdout.
///
/// A progress line is written after a carriage return and padded over the previous one, and
/// cleared (spaces, then `\r`) when it ends, which is how both JupyterLab's output area and
/// nbconvert treat `\r` (as a terminal does: tqdm works the same way). So training shows one
/// live line per epoch, and the saved notebook keeps only the lines a terminal would show.
public final class KernelOutputSink: OutputSink {
    /// Where messages go.
    private let iopub: IOPubChannel
    /// The header of the `execute_request` whose output this is.
    public var parent: JSONValue = [:]
    /// When set (a `silent` execution), nothing is published.
    public var muted = false
    /// Least seconds between two progress messages (the rest are skipped; the line is live).
    public var progressInterval: Double = 0.25
    /// Width of the progress line on screen now (0: none).
    private var progressWidth = 0
    /// When the last progress message was sent.
    private var lastProgress: DispatchTime?

    /// A sink publishing on `iopub`.
    public init(iopub: IOPubChannel) {
        self.iopub = iopub
    }

    /// Publishes `item` (text as stdout, pictures and plots as `display_data`).
    public func emit(_ item: OutputItem) {
        progressDone()
        switch item {
        case .text(let text):
            stdout(text.hasSuffix("\n") ? text : text + "\n")
        case .image, .plot:
            guard !muted else { return }
            iopub.publish("display_data", content: ["data": MimeBundle.data(for: item), "metadata": [:], "transient": [:]],
                          parent: parent)
        }
    }

    /// Shows `line` as the live progress line (at most every ``progressInterval`` seconds).
    public func progress(_ line: String) {
        let now = DispatchTime.now()
        if let last = lastProgress, Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e9 < progressInterval { return }
        lastProgress = now
        let flat = line.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        let padding = String(repeating: " ", count: max(0, progressWidth - flat.count))
        stdout("\r" + flat + padding)
        progressWidth = max(progressWidth, flat.count)
    }

    /// Clears the live progress line, if one is shown.
    public func progressDone() {
        guard progressWidth > 0 else { return }
        stdout("\r" + String(repeating: " ", count: progressWidth) + "\r")
        progressWidth = 0
        lastProgress = nil
    }

    /// Publishes `text` on the stdout stream.
    private func stdout(_ text: String) {
        guard !muted else { return }
        iopub.publish("stream", content: ["name": "stdout", "text": .string(text)], parent: parent)
    }
}
