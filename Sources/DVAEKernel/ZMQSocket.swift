import CZMQ
import Foundation

/// A failed ZeroMQ call: which one and libzmq's own message.
public struct ZMQError: Error, CustomStringConvertible, Equatable {
    /// The call that failed (e.g. `bind tcp://127.0.0.1:5555`).
    public var operation: String
    /// `errno` as libzmq set it.
    public var code: Int32
    /// True when the context was shut down (`ETERM`): the kernel is stopping, not failing.
    public var isTermination: Bool { code == ETERM }
    /// `OPERATION: MESSAGE`.
    public var description: String { "\(operation): \(String(cString: zmq_strerror(code)))" }

    /// The error libzmq just reported for `operation`.
    static func last(_ operation: String) -> ZMQError { ZMQError(operation: operation, code: zmq_errno()) }
}

/// A ZeroMQ context: owns the I/O thread and all sockets. ``shutdown()`` wakes every blocking
/// call with `ETERM` so each thread can close its socket; ``terminate()`` then frees it.
public final class ZMQContext: @unchecked Sendable {
    /// libzmq's context.
    let handle: UnsafeMutableRawPointer

    /// A new context.
    public init() throws {
        guard let h = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        handle = h
    }

    /// Makes blocking calls on this context's sockets fail with `ETERM`.
    public func shutdown() { zmq_ctx_shutdown(handle) }

    /// Waits until every socket is closed (and its linger period over), then frees the context.
    public func terminate() {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}

/// One ZeroMQ socket sending and receiving multipart messages of byte frames.
///
/// Not thread-safe by itself: each socket is used by one thread, except IOPub, which
/// ``IOPubChannel`` guards with a lock. Calls interrupted by a signal (SIGINT is how Jupyter
/// interrupts a kernel) are retried.
public final class ZMQSocket: @unchecked Sendable {
    /// libzmq's socket.
    let handle: UnsafeMutableRawPointer
    /// For messages: what this socket is for (e.g. `shell`).
    public let name: String
    /// Set once closed, so closing twice is harmless.
    private var closed = false

    /// Socket types this kernel uses.
    public enum Kind {
        /// Shell, control, stdin: requests from any number of clients, replies routed back.
        case router
        /// IOPub: broadcasts to every subscriber.
        case publisher
        /// Heartbeat: echo.
        case reply
        /// Test clients: the counterpart of a router.
        case dealer
        /// Test clients: the counterpart of a publisher (subscribed to everything).
        case subscriber
        /// Test clients: the counterpart of the heartbeat.
        case request

        var code: Int32 {
            switch self {
            case .router: return ZMQ_ROUTER
            case .publisher: return ZMQ_PUB
            case .reply: return ZMQ_REP
            case .dealer: return ZMQ_DEALER
            case .subscriber: return ZMQ_SUB
            case .request: return ZMQ_REQ
            }
        }
    }

    /// A socket of `kind` in `context`; `linger` is how long closing waits to deliver pending
    /// messages (a shutdown reply must get out, a vanished client must not hang the exit).
    public init(_ context: ZMQContext, _ kind: Kind, name: String, lingerMilliseconds: Int32 = 1000) throws {
        guard let h = zmq_socket(context.handle, kind.code) else { throw ZMQError.last("zmq_socket \(name)") }
        handle = h
        self.name = name
        var linger = lingerMilliseconds
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        if kind == .subscriber { zmq_setsockopt(handle, ZMQ_SUBSCRIBE, nil, 0) }
    }

    deinit { close() }

    /// Binds to `endpoint` (e.g. `tcp://127.0.0.1:5555`).
    public func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("\(name): bind \(endpoint)") }
    }

    /// Connects to `endpoint`.
    public func connect(_ endpoint: String) throws {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError.last("\(name): connect \(endpoint)") }
    }

    /// Sends `frames` as one multipart message.
    public func send(_ frames: [[UInt8]]) throws {
        for (i, frame) in frames.enumerated() {
            let flags = i < frames.count - 1 ? ZMQ_SNDMORE : 0
            while true {
                let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if rc >= 0 { break }
                if zmq_errno() == EINTR { continue }
                throw ZMQError.last("\(name): send")
            }
        }
    }

    /// Receives one multipart message (blocks until one arrives).
    public func receive() throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var more = true
        while more {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            while zmq_msg_recv(&message, handle, 0) < 0 {
                if zmq_errno() == EINTR { continue }
                throw ZMQError.last("\(name): receive")
            }
            let size = zmq_msg_size(&message)
            if size > 0, let data = zmq_msg_data(&message) {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            more = zmq_msg_more(&message) != 0
        }
        return frames
    }

    /// Waits up to `milliseconds` (−1: forever) for a message; true when one can be received.
    /// A signal ends the wait early (returns false), so the caller can look at its flags.
    public func waitForMessage(milliseconds: Int) throws -> Bool {
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let rc = zmq_poll(&item, 1, milliseconds)
        if rc < 0 {
            if zmq_errno() == EINTR { return false }
            throw ZMQError.last("\(name): poll")
        }
        return rc > 0 && (item.revents & Int16(ZMQ_POLLIN)) != 0
    }

    /// Closes the socket (pending messages get the linger period to leave).
    public func close() {
        guard !closed else { return }
        closed = true
        zmq_close(handle)
    }
}
