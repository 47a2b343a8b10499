/// An ``OutputSink`` that files each item under the code cell being run.
///
/// Call ``beginCell(_:)`` before running a cell; items emitted afterwards belong to it.
/// Items and progress are also passed on to `forward` (e.g. a terminal sink), if given.
public final class CellOutputCollector: OutputSink {
    /// Items per code-cell number, in emission order.
    public private(set) var items: [Int: [OutputItem]] = [:]
    /// Wall time in seconds per code-cell number, as recorded by ``finishCell(_:seconds:)``.
    public private(set) var seconds: [Int: Double] = [:]
    /// The cell receiving items now (0 before the first ``beginCell(_:)``).
    public private(set) var currentCell = 0
    /// Another sink that also receives everything, or nil.
    public let forward: OutputSink?

    /// Creates a collector, optionally passing output on to `forward`.
    public init(forward: OutputSink? = nil) {
        self.forward = forward
    }

    /// Starts collecting for code cell `number`.
    public func beginCell(_ number: Int) {
        currentCell = number
    }

    /// Records how long code cell `number` took to run (wall time).
    public func finishCell(_ number: Int, seconds: Double) {
        self.seconds[number] = seconds
    }

    /// The items collected for cell `number`.
    public func items(forCell number: Int) -> [OutputItem] {
        items[number] ?? []
    }

    /// Records `item` under the current cell and forwards it.
    public func emit(_ item: OutputItem) {
        items[currentCell, default: []].append(item)
        forward?.emit(item)
    }

    /// Forwards progress (progress lines are not part of a notebook's rendered output).
    public func progress(_ line: String) {
        forward?.progress(line)
    }

    /// Forwards the end of progress.
    public func progressDone() {
        forward?.progressDone()
    }
}
