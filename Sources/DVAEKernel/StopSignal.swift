import Foundation

/// A flag one thread raises and others read: "the kernel is shutting down".
final class StopSignal: @unchecked Sendable {
    /// Guards ``raised``.
    private let lock = NSLock()
    /// Whether a shutdown was requested.
    private var raised = false

    /// Requests the stop.
    func raise() {
        lock.lock()
        raised = true
        lock.unlock()
    }

    /// Whether the stop was requested.
    var isRaised: Bool {
        lock.lock()
        defer { lock.unlock() }
        return raised
    }
}
