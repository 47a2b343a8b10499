@testable import DVAEKernel
import DVAE
import DVAEScript
import XCTest

/// The kernel in this process, over real ZeroMQ sockets (ipc endpoints in a temporary
/// directory), talked to by a minimal client written here: no Python needed. The Jupyter
/// clients themselves are exercised in `dvaeTests/JupyterClientTests`.
final class KernelServerTests: XCTestCase {
    /// A client's sockets, connected to a kernel.
    final class Client {
        let context: ZMQContext
        let shell: ZMQSocket
        let control: ZMQSocket
        let iopub: ZMQSocket
        let heartbeat: ZMQSocket
        let signer: MessageSigner

        init(_ connection: ConnectionInfo) throws {
            context = try ZMQContext()
            shell = try ZMQSocket(context, .dealer, name: "client shell", lingerMilliseconds: 0)
            control = try ZMQSocket(context, .dealer, name: "client control", lingerMilliseconds: 0)
            iopub = try ZMQSocket(context, .subscriber, name: "client iopub", lingerMilliseconds: 0)
            heartbeat = try ZMQSocket(context, .request, name: "client heartbeat", lingerMilliseconds: 0)
            try shell.connect(connection.endpoint(connection.shellPort))
            try control.connect(connection.endpoint(connection.controlPort))
            try iopub.connect(connection.endpoint(connection.iopubPort))
            try heartbeat.connect(connection.endpoint(connection.heartbeatPort))
            signer = MessageSigner(key: connection.key)
        }

        /// Sends a request of `type`, signed with `signer` (or another signer, to forge it).
        @discardableResult
        func send(_ type: String, _ content: JSONValue, on socket: ZMQSocket, signedBy other: MessageSigner? = nil) throws -> String {
            let message = KernelMessage(header: KernelMessage.header(type: type, session: "test-client"), content: content)
            try socket.send(WireFormat.encode(message, signer: other ?? signer))
            return message.id
        }

        /// The next message on `socket` within `seconds`, checked against the key; nil on timeout.
        func receive(on socket: ZMQSocket, within seconds: Double = 10) throws -> KernelMessage? {
            guard try socket.waitForMessage(milliseconds: Int(seconds * 1000)) else { return nil }
            return try WireFormat.decode(try socket.receive(), signer: signer)
        }

        func close() {
            [shell, control, iopub, heartbeat].forEach { $0.close() }
            context.terminate()
        }
    }

    /// A kernel with `options` on ipc sockets in a new temporary directory, running on its own
    /// thread, and a client connected to it. `stopped` is signalled when the kernel's loop ends;
    /// the caller closes the client and removes the directory.
    func startKernel(_ options: InterpreterOptions) throws -> (dir: String, client: Client, stopped: DispatchSemaphore) {
        let dir = NSTemporaryDirectory() + "dvae-kernel-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let connection = ConnectionInfo(transport: "ipc", ip: dir + "/k", shellPort: 1, controlPort: 2, iopubPort: 3,
                                        stdinPort: 4, heartbeatPort: 5, key: "secret-key")
        let server = try KernelServer(connection: connection, options: options)
        server.handlesInterruptSignal = false
        let stopped = DispatchSemaphore(value: 0)
        Thread {
            server.run()
            stopped.signal()
        }.start()
        return (dir, try Client(connection), stopped)
    }

    func testKernelAnswersAndDropsForgedMessagesThenShutsDown() throws {
        let (dir, client, done) = try startKernel(InterpreterOptions())
        defer { try? FileManager.default.removeItem(atPath: dir) }
        defer { client.close() }

        // Heartbeat: the bytes come back.
        try client.heartbeat.send([Array("ping".utf8)])
        XCTAssertTrue(try client.heartbeat.waitForMessage(milliseconds: 10_000))
        XCTAssertEqual(try client.heartbeat.receive(), [Array("ping".utf8)])

        // kernel_info on shell: a signed reply to this request.
        let infoID = try client.send("kernel_info_request", [:], on: client.shell)
        let info = try XCTUnwrap(try client.receive(on: client.shell))
        XCTAssertEqual(info.type, "kernel_info_reply")
        XCTAssertEqual(info.parentHeader["msg_id"]?.stringValue, infoID)
        XCTAssertEqual(info.content["protocol_version"], "5.3")
        XCTAssertEqual(info.content["language_info"]?["name"], "dvae")

        // A forged execute request: no reply, and it does not run.
        try client.send("execute_request", ["code": "let forged = 1", "silent": false], on: client.shell,
                        signedBy: MessageSigner(key: "wrong-key"))
        XCTAssertNil(try client.receive(on: client.shell, within: 0.5), "a message with a wrong signature must be dropped")
        try client.send("execute_request", ["code": "print forged", "silent": false], on: client.shell)
        let failed = try XCTUnwrap(try client.receive(on: client.shell, within: 30))
        XCTAssertEqual(failed.content["status"], "error")
        XCTAssertEqual(failed.content["evalue"], "unknown variable `forged`")

        // A cell's output on IOPub: busy, execute_input, stream, idle.
        let runID = try client.send("execute_request", ["code": "print 1 + 1", "silent": false], on: client.shell)
        let reply = try XCTUnwrap(try client.receive(on: client.shell, within: 30))
        XCTAssertEqual(reply.content["status"], "ok")
        XCTAssertEqual(reply.content["execution_count"], 2)
        var published: [String] = []
        while let message = try client.receive(on: client.iopub, within: 2) {
            guard message.parentHeader["msg_id"]?.stringValue == runID else { continue }
            published.append(message.type == "stream" ? "stream " + (message.content["text"]?.stringValue ?? "")
                             : message.type == "status" ? message.content["execution_state"]?.stringValue ?? "" : message.type)
            if published.last == "idle" { break }
        }
        XCTAssertEqual(published, ["busy", "execute_input", "stream 2\n", "idle"])

        // Shutdown on control: the reply, then `run()` returns.
        try client.send("shutdown_request", ["restart": false], on: client.control)
        let bye = try XCTUnwrap(try client.receive(on: client.control))
        XCTAssertEqual(bye.type, "shutdown_reply")
        XCTAssertEqual(bye.content["restart"], false)
        XCTAssertEqual(done.wait(timeout: .now() + 15), .success, "the kernel did not stop after shutdown_request")
    }

    /// A picture too large to send within the budget is refused at the statement that shows it
    /// (a located error in the reply, nothing displayed), and the session goes on (issue 20: the
    /// kernel encoded any picture, however large).
    func testAPictureTooLargeToSendIsRefusedAtItsStatement() throws {
        var options = InterpreterOptions(testMode: true)
        options.budget = MemoryBudget(limit: 8 << 20)
        let (dir, client, done) = try startKernel(options)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        defer { client.close() }
        /// Runs `code`; the reply and the types of the messages published for it.
        func execute(_ code: String) throws -> (KernelMessage, [String]) {
            let id = try client.send("execute_request", ["code": .string(code), "silent": false], on: client.shell)
            let reply = try XCTUnwrap(try client.receive(on: client.shell, within: 60))
            var published: [String] = []
            while let message = try client.receive(on: client.iopub, within: 5) {
                guard message.parentHeader["msg_id"]?.stringValue == id else { continue }
                published.append(message.type)
                if message.type == "status", message.content["execution_state"] == "idle" { break }
            }
            return (reply, published)
        }
        let (made, _) = try execute("let d = load synthetic\nlet m = model vae for d.train hidden [4] latent 2\nshow sample m 16")
        XCTAssertEqual(made.content["status"], "ok")
        let (refused, published) = try execute("print 1\nshow sample m 4000")
        XCTAssertEqual(refused.content["status"], "error")
        let message = refused.content["evalue"]?.stringValue ?? ""
        XCTAssertTrue(message.hasPrefix("this picture of 4000 images is"), message)
        XCTAssertTrue(message.hasSuffix("to send to Jupyter, more than the memory limit of 8.0 MiB"), message)
        XCTAssertFalse(published.contains("display_data"), "\(published)")
        let traceback = refused.content["traceback"].map { "\($0)" } ?? ""
        XCTAssertTrue(traceback.contains(":2:6"), "located at the statement: \(traceback)")
        let (after, _) = try execute("print 2")
        XCTAssertEqual(after.content["status"], "ok", "the session goes on")
        try client.send("shutdown_request", ["restart": false], on: client.control)
        _ = try client.receive(on: client.control)
        XCTAssertEqual(done.wait(timeout: .now() + 15), .success, "the kernel did not stop after shutdown_request")
    }
}
