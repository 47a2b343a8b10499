/// Where running code sends its output.
///
/// The terminal prints as it goes; a notebook run collects items per cell.
public protocol OutputSink: AnyObject {
    /// Emits one finished output item.
    func emit(_ item: OutputItem)
    /// Shows a transient progress line (replacing the previous one where possible).
    func progress(_ line: String)
    /// Ends the current progress display (a terminal moves to a fresh line).
    func progressDone()
}
