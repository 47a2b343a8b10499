import Foundation

/// An ``OutputSink`` that prints to a terminal or a pipe.
///
/// Text prints as is; pictures and plots are drawn with ``TerminalImageRenderer`` and
/// ``TerminalPlotRenderer``. On a terminal, progress is one live line rewritten with
/// `\r` and clear-line; otherwise there are no control characters at all, and progress
/// appears as a plain line at most every ``plainProgressInterval`` seconds (so a short command
/// prints none, and a long batch run leaves an occasional sign of life in its log).
public final class TerminalSink: OutputSink {
    /// What the output is attached to (the width follows terminal resizes when ``resizeFD`` is set).
    public private(set) var info: TerminalInfo
    /// The descriptor whose terminal width is re-read before each picture, or nil.
    public var resizeFD: Int32? = nil
    /// Minimum seconds between progress lines when not on a terminal.
    public var plainProgressInterval: Double = 15
    /// Writes text to the destination.
    private let write: (String) -> Void
    /// Whether a live progress line is on screen now.
    private var progressShown = false
    /// When the last plain progress line was printed (or progress was first seen).
    private var lastPlainProgress: Date? = nil

    /// Creates a sink writing through `write`, formatted for `info`.
    public init(info: TerminalInfo, write: @escaping (String) -> Void) {
        self.info = info
        self.write = write
    }

    /// A sink for the process's standard output (flushed after every write).
    public static func standardOutput(environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalSink {
        let sink = TerminalSink(info: TerminalInfo.detect(fd: 1, environment: environment)) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if sink.info.isTerminal { sink.resizeFD = 1 }
        return sink
    }

    /// Prints `item` on its own lines.
    public func emit(_ item: OutputItem) {
        clearProgress()
        refreshWidth()
        switch item {
        case .text(let text):
            write(text.hasSuffix("\n") ? text : text + "\n")
        case .image(let grid):
            let renderer = TerminalImageRenderer(colorMode: info.colorMode, maxColumns: info.columns)
            write(renderer.render(grid) + "\n")
        case .plot(let plot):
            let renderer = TerminalPlotRenderer(colorMode: info.colorMode, maxColumns: info.columns)
            write(renderer.render(plot) + "\n")
        }
    }

    /// Shows `line` as the live progress line (terminal) or as an occasional plain line.
    public func progress(_ line: String) {
        let flat = line.replacingOccurrences(of: "\n", with: " ")
        if info.isTerminal {
            refreshWidth()
            let width = max(1, info.columns - 1)
            let shown = flat.count > width ? String(flat.prefix(width)) : flat
            write("\r\u{1B}[2K" + shown)
            progressShown = true
        } else {
            let now = Date()
            guard let last = lastPlainProgress else {
                lastPlainProgress = now
                if plainProgressInterval <= 0 { write(flat + "\n") }
                return
            }
            guard now.timeIntervalSince(last) >= plainProgressInterval else { return }
            lastPlainProgress = now
            write(flat + "\n")
        }
    }

    /// Ends the live progress line, leaving its last text on screen.
    public func progressDone() {
        if progressShown { write("\n") }
        progressShown = false
    }

    /// Re-reads the terminal width (the window may have been resized).
    private func refreshWidth() {
        if let fd = resizeFD, let width = TerminalInfo.windowWidth(fd: fd) { info.columns = width }
    }

    /// Moves past a live progress line before printing something else.
    private func clearProgress() {
        if progressShown {
            write("\r\u{1B}[2K")
            progressShown = false
        }
    }
}
