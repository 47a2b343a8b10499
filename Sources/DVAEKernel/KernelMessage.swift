import Foundation

/// One Jupyter message: the routing identities it came with, its header, the header of the
/// request it answers, metadata, content and binary buffers (messaging protocol 5.3).
public struct KernelMessage: Equatable, Sendable {
    /// The protocol version this kernel speaks.
    public static let protocolVersion = "5.3"

    /// ZeroMQ routing identities (ROUTER sockets): a reply goes back with the request's.
    public var identities: [[UInt8]]
    /// `msg_id`, `session`, `username`, `date`, `msg_type`, `version`.
    public var header: JSONValue
    /// The header of the request this message answers or was caused by (`{}` if none).
    public var parentHeader: JSONValue
    /// Extra information (`{}` for most messages).
    public var metadata: JSONValue
    /// The message body, by type.
    public var content: JSONValue
    /// Binary buffers after the content frame (none from this kernel).
    public var buffers: [[UInt8]]

    /// Creates a message from its parts.
    public init(identities: [[UInt8]] = [], header: JSONValue, parentHeader: JSONValue = [:], metadata: JSONValue = [:],
                content: JSONValue, buffers: [[UInt8]] = []) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    /// `header.msg_type` (empty when missing).
    public var type: String { header["msg_type"]?.stringValue ?? "" }

    /// `header.msg_id` (empty when missing).
    public var id: String { header["msg_id"]?.stringValue ?? "" }

    /// A new header of type `type` for `session`, stamped now.
    public static func header(type: String, session: String, username: String = "dvae",
                              date: Date = Date()) -> JSONValue {
        [
            "msg_id": .string(UUID().uuidString.lowercased()),
            "session": .string(session),
            "username": .string(username),
            "date": .string(timestamp(date)),
            "msg_type": .string(type),
            "version": .string(protocolVersion),
        ]
    }

    /// ISO 8601 in UTC with microseconds, as Jupyter writes dates (`2026-12-04T15:30:00.123456Z`).
    public static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        var micros = Int(((seconds - Double(whole)) * 1_000_000).rounded())
        if micros >= 1_000_000 { micros -= 1_000_000; whole += 1 }
        var parts = tm()
        gmtime_r(&whole, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let fraction = String(micros).count < 6 ? String(repeating: "0", count: 6 - String(micros).count) + String(micros)
            : String(micros)
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }
}
