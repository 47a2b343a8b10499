import DVAEScript
import Foundation

/// The running kernel: binds the five sockets of a connection file and answers Jupyter's
/// messages until a `shutdown_request`.
///
/// Threads: the caller's thread serves the shell (cells run there, one at a time, in the one
/// ``KernelSession``); the control socket has its own thread, so interrupt and shutdown are
/// answered while a cell runs; the heartbeat echoes on a third. Messages whose signature does
/// not match the connection file's key are dropped with a line on standard error.
public final class KernelServer: @unchecked Sendable {
    /// Where the sockets listen and the signing key.
    public let connection: ConnectionInfo
    /// Signs and checks messages.
    private let signer: MessageSigner
    /// Owns the sockets.
    private let context: ZMQContext
    /// Requests (ROUTER).
    private let shell: ZMQSocket
    /// Interrupt and shutdown (ROUTER, own thread).
    private let control: ZMQSocket
    /// Input requests to front ends (ROUTER; dvae code never reads input).
    private let stdin: ZMQSocket
    /// Echo (REP, own thread).
    private let heartbeat: ZMQSocket
    /// Broadcasts.
    private let iopub: IOPubChannel
    /// The dvae session the cells run in.
    private let session: KernelSession
    /// Raised by a shutdown request.
    private let stopping = StopSignal()
    /// Raised when ``run()`` has closed everything.
    private let finished = StopSignal()
    /// Whether ``run()`` installs the SIGINT handler (a host process embedding the kernel, such as
    /// a test, may keep its own).
    public var handlesInterruptSignal = true
    /// Seconds a shutdown waits for the running cell to stop before the process exits anyway.
    public var shutdownGrace: Double = 10

    /// Binds every socket of `connection`; cells run with `options`.
    public init(connection: ConnectionInfo, options: InterpreterOptions) throws {
        self.connection = connection
        signer = MessageSigner(key: connection.key)
        context = try ZMQContext()
        shell = try ZMQSocket(context, .router, name: "shell")
        control = try ZMQSocket(context, .router, name: "control")
        stdin = try ZMQSocket(context, .router, name: "stdin")
        heartbeat = try ZMQSocket(context, .reply, name: "heartbeat")
        let publisher = try ZMQSocket(context, .publisher, name: "iopub")
        try shell.bind(connection.endpoint(connection.shellPort))
        try control.bind(connection.endpoint(connection.controlPort))
        try stdin.bind(connection.endpoint(connection.stdinPort))
        try heartbeat.bind(connection.endpoint(connection.heartbeatPort))
        try publisher.bind(connection.endpoint(connection.iopubPort))
        iopub = IOPubChannel(socket: publisher, signer: signer, session: UUID().uuidString.lowercased())
        session = KernelSession(options: options, iopub: iopub)
    }

    /// Serves until a shutdown request, then closes every socket and returns.
    public func run() {
        if handlesInterruptSignal { KernelInterrupt.install() }
        Thread { [self] in serveHeartbeat() }.start()
        Thread { [self] in serveControl() }.start()
        iopub.status("starting", parent: [:])
        while !stopping.isRaised {
            do {
                guard try shell.waitForMessage(milliseconds: 100) else { continue }
                handleShell(try shell.receive(), aborting: false)
            } catch {
                KernelLog.write("shell: \(error)")
                break
            }
        }
        // Wake the control and heartbeat threads (their receive fails with ETERM and they close
        // their sockets), close ours, and wait for pending replies to leave.
        context.shutdown()
        shell.close()
        stdin.close()
        iopub.close()
        context.terminate()
        finished.raise()
    }

    // MARK: - Shell

    /// Handles one shell message; `aborting`: an earlier cell failed, so queued cells are not run.
    private func handleShell(_ frames: [[UInt8]], aborting: Bool) {
        guard let request = decode(frames, on: shell) else { return }
        iopub.status("busy", parent: request.header)
        defer { iopub.status("idle", parent: request.header) }
        let content = request.content
        switch request.type {
        case "execute_request":
            if aborting {
                reply(to: request, "execute_reply", ["status": "aborted", "execution_count": .int(session.executionCount)], on: shell)
                return
            }
            let outcome = session.execute(request)
            // Requests already queued are taken before the error reply goes out, so a cell the
            // client sends after seeing the error is never mistaken for a queued one.
            let queued = outcome.failed && (content["stop_on_error"]?.boolValue ?? true) ? queuedRequests() : []
            reply(to: request, "execute_reply", outcome.reply, on: shell)
            for frames in queued { handleShell(frames, aborting: true) }
        case "kernel_info_request":
            reply(to: request, "kernel_info_reply", KernelInfo.reply, on: shell)
        case "complete_request":
            reply(to: request, "complete_reply", session.complete(content), on: shell)
        case "inspect_request":
            reply(to: request, "inspect_reply", session.inspect(content), on: shell)
        case "is_complete_request":
            reply(to: request, "is_complete_reply", session.isComplete(content), on: shell)
        case "history_request":
            reply(to: request, "history_reply", session.historyReply(content), on: shell)
        case "comm_info_request":
            reply(to: request, "comm_info_reply", ["status": "ok", "comms": [:]], on: shell)
        case "comm_open":
            // No comm targets (widgets) exist in dvae: close it at once, as IPython does for an
            // unknown target, so the front end does not wait on it.
            iopub.publish("comm_close", content: ["comm_id": content["comm_id"] ?? "", "data": [:]], parent: request.header)
        case "comm_msg", "comm_close":
            break
        case "shutdown_request":
            shutdown(request, on: shell)
        default:
            KernelLog.write("shell: ignoring an unsupported \(request.type.isEmpty ? "message" : request.type)")
        }
    }

    /// The shell messages waiting now: after a failed cell, their execute requests are answered
    /// `aborted` (what `stop_on_error` asks for: "Run All" stops at the first error) and the
    /// rest are served as usual.
    private func queuedRequests() -> [[[UInt8]]] {
        var queued: [[[UInt8]]] = []
        while (try? shell.waitForMessage(milliseconds: 0)) == true, let frames = try? shell.receive() {
            queued.append(frames)
        }
        return queued
    }

    // MARK: - Control

    /// Serves the control socket until the context shuts down.
    private func serveControl() {
        defer { control.close() }
        while true {
            let frames: [[UInt8]]
            do {
                frames = try control.receive()
            } catch {
                if let e = error as? ZMQError, e.isTermination { return }
                KernelLog.write("control: \(error)")
                return
            }
            guard let request = decode(frames, on: control) else { continue }
            iopub.status("busy", parent: request.header)
            switch request.type {
            case "interrupt_request":
                KernelInterrupt.request()
                reply(to: request, "interrupt_reply", ["status": "ok"], on: control)
            case "shutdown_request":
                shutdown(request, on: control)
            case "kernel_info_request":
                reply(to: request, "kernel_info_reply", KernelInfo.reply, on: control)
            default:
                KernelLog.write("control: ignoring an unsupported \(request.type.isEmpty ? "message" : request.type)")
            }
            iopub.status("idle", parent: request.header)
        }
    }

    /// Answers a shutdown request, stops the running cell as an interrupt would, and makes the
    /// shell loop end; if the cell does not stop within ``shutdownGrace`` seconds, exits anyway.
    private func shutdown(_ request: KernelMessage, on socket: ZMQSocket) {
        reply(to: request, "shutdown_reply", ["status": "ok", "restart": request.content["restart"] ?? false], on: socket)
        stopping.raise()
        KernelInterrupt.request()
        let grace = shutdownGrace
        Thread { [finished] in
            Thread.sleep(forTimeInterval: grace)
            guard !finished.isRaised else { return }
            KernelLog.write("the running cell did not stop within \(grace) s of the shutdown request; exiting")
            exit(0)
        }.start()
    }

    // MARK: - Heartbeat

    /// Echoes every heartbeat message until the context shuts down.
    private func serveHeartbeat() {
        defer { heartbeat.close() }
        while true {
            do {
                try heartbeat.send(try heartbeat.receive())
            } catch {
                if let e = error as? ZMQError, e.isTermination { return }
                KernelLog.write("heartbeat: \(error)")
                return
            }
        }
    }

    // MARK: - Wire

    /// The message in `frames`, or nil (logged) when it cannot be read or its signature is wrong.
    private func decode(_ frames: [[UInt8]], on socket: ZMQSocket) -> KernelMessage? {
        do {
            return try WireFormat.decode(frames, signer: signer)
        } catch {
            KernelLog.write("\(socket.name): dropped a message: \(error)")
            return nil
        }
    }

    /// Sends the reply `type` with `content` to the sender of `request`.
    private func reply(to request: KernelMessage, _ type: String, _ content: JSONValue, on socket: ZMQSocket) {
        let message = KernelMessage(identities: request.identities,
                                    header: KernelMessage.header(type: type, session: iopub.session),
                                    parentHeader: request.header, content: content)
        do {
            try socket.send(WireFormat.encode(message, signer: signer))
        } catch {
            KernelLog.write("\(socket.name): cannot send \(type): \(error)")
        }
    }
}
