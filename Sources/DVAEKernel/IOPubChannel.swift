import Foundation

/// The kernel's broadcasts (IOPub): status, the code being run, outputs, results and errors.
///
/// Both the shell thread (outputs of a running cell) and the control thread (status around an
/// interrupt) publish, and a ZeroMQ socket must not be used by two threads at once, so every
/// send holds a lock.
public final class IOPubChannel: @unchecked Sendable {
    /// The PUB socket.
    private let socket: ZMQSocket
    /// Signs each message.
    private let signer: MessageSigner
    /// This kernel's session id (in every header it writes).
    public let session: String
    /// Serialises sends (and closing).
    private let lock = NSLock()
    /// Set by ``close()``: later messages are dropped.
    private var closed = false

    /// A channel publishing on `socket`.
    public init(socket: ZMQSocket, signer: MessageSigner, session: String) {
        self.socket = socket
        self.signer = signer
        self.session = session
    }

    /// Publishes a message of `type` with `content`, caused by the request with `parent` header.
    public func publish(_ type: String, content: JSONValue, parent: JSONValue, metadata: JSONValue = [:]) {
        // The topic frame lets subscribers filter; Jupyter clients subscribe to everything.
        let message = KernelMessage(identities: [Array("kernel.\(session).\(type)".utf8)],
                                    header: KernelMessage.header(type: type, session: session),
                                    parentHeader: parent, metadata: metadata, content: content)
        let frames = WireFormat.encode(message, signer: signer)
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        do {
            try socket.send(frames)
        } catch let error as ZMQError where error.isTermination {
            // Shutting down: nobody is left to read it.
        } catch {
            KernelLog.write("cannot publish \(type): \(error)")
        }
    }

    /// Closes the socket; anything published afterwards is dropped.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        closed = true
        socket.close()
    }

    /// `status: busy` or `idle` for the request with `parent` header (`starting` at launch).
    public func status(_ state: String, parent: JSONValue) {
        publish("status", content: ["execution_state": .string(state)], parent: parent)
    }
}
