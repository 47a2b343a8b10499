import Foundation

/// A Jupyter connection file: where the kernel's five sockets listen and the key that signs
/// messages (written by the front end, passed as `dvae kernel --connection-file FILE`).
public struct ConnectionInfo: Equatable, Sendable {
    /// `tcp` or `ipc`.
    public var transport: String
    /// The address to bind (e.g. `127.0.0.1`).
    public var ip: String
    /// Requests from clients: execute, complete, inspect, history, …
    public var shellPort: Int
    /// Interrupt and shutdown requests, answered even while the shell is busy.
    public var controlPort: Int
    /// Broadcasts: status, outputs, errors.
    public var iopubPort: Int
    /// Input requests to the front end (dvae code never asks for input).
    public var stdinPort: Int
    /// Heartbeat: every message is echoed back.
    public var heartbeatPort: Int
    /// The HMAC key (empty: messages are not signed).
    public var key: String
    /// `hmac-sha256` (the only scheme this kernel supports) or empty with an empty key.
    public var signatureScheme: String

    /// Errors reading a connection file, each naming the file and what is wrong.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        /// The connection file.
        public var path: String
        /// What is wrong and what to do.
        public var reason: String
        /// `PATH: error: REASON`.
        public var description: String { "\(path): error: \(reason)" }
    }

    /// Creates connection details.
    public init(transport: String = "tcp", ip: String = "127.0.0.1", shellPort: Int, controlPort: Int, iopubPort: Int,
                stdinPort: Int, heartbeatPort: Int, key: String, signatureScheme: String = "hmac-sha256") {
        self.transport = transport
        self.ip = ip
        self.shellPort = shellPort
        self.controlPort = controlPort
        self.iopubPort = iopubPort
        self.stdinPort = stdinPort
        self.heartbeatPort = heartbeatPort
        self.key = key
        self.signatureScheme = signatureScheme
    }

    /// Reads and checks the connection file at `path`.
    public static func load(path: String) throws -> ConnectionInfo {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(path: path, reason: "cannot read the connection file (Jupyter writes it and passes its path as {connection_file})")
        }
        return try parse(Array(data), path: path)
    }

    /// Parses connection-file JSON; `path` names it in errors.
    public static func parse(_ bytes: [UInt8], path: String) throws -> ConnectionInfo {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw Problem(path: path, reason: "the connection file is not valid JSON")
        }
        guard case .object = json else { throw Problem(path: path, reason: "the connection file must be a JSON object") }
        func port(_ name: String) throws -> Int {
            guard let p = json[name]?.intValue, (0...65535).contains(p) else {
                throw Problem(path: path, reason: "`\(name)` must be a port number (0–65535)")
            }
            return p
        }
        let transport = json["transport"]?.stringValue ?? "tcp"
        guard transport == "tcp" || transport == "ipc" else {
            throw Problem(path: path, reason: "unsupported transport `\(transport)` (use tcp or ipc)")
        }
        let key = json["key"]?.stringValue ?? ""
        let scheme = json["signature_scheme"]?.stringValue ?? "hmac-sha256"
        guard key.isEmpty || scheme == "hmac-sha256" else {
            throw Problem(path: path, reason: "unsupported signature scheme `\(scheme)` (this kernel signs with hmac-sha256)")
        }
        return ConnectionInfo(transport: transport, ip: json["ip"]?.stringValue ?? "127.0.0.1",
                              shellPort: try port("shell_port"), controlPort: try port("control_port"),
                              iopubPort: try port("iopub_port"), stdinPort: try port("stdin_port"),
                              heartbeatPort: try port("hb_port"), key: key, signatureScheme: scheme)
    }

    /// The ZeroMQ endpoint for `port` (`tcp://IP:PORT`, or `ipc://IP-PORT` as Jupyter names them).
    public func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}
