#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A flag set from a SIGINT handler (or another thread) and polled by the interpreter.
///
/// Training polls it after every step and stops cleanly; loops and statements poll it between
/// iterations. The storage is a single `sig_atomic_t`, the one type C guarantees can be written
/// from a signal handler.
public final class InterruptFlag: @unchecked Sendable {
    /// The raw storage, for a C signal handler that cannot capture Swift objects.
    public let pointer: UnsafeMutablePointer<sig_atomic_t>

    /// A cleared flag.
    public init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: 0)
    }

    deinit { pointer.deallocate() }

    /// Requests an interrupt (safe to call from a signal handler through `pointer`, or directly).
    public func set() { pointer.pointee = 1 }

    /// True when an interrupt was requested and not yet handled.
    public var isSet: Bool { pointer.pointee != 0 }

    /// Clears the request.
    public func reset() { pointer.pointee = 0 }
}
