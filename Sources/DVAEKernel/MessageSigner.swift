import Crypto

/// Signs and checks Jupyter messages: HMAC-SHA256 over the header, parent header, metadata and
/// content frames, written as lowercase hex (messaging protocol, "The Wire Protocol").
///
/// With an empty key nothing is signed (the signature frame is empty) and every message is
/// accepted, as the protocol specifies.
public struct MessageSigner: Sendable {
    /// The key's bytes from the connection file (nil: signing disabled). Kept as bytes, which
    /// are `Sendable`, so one signer can serve the shell, control and IOPub threads.
    private let key: [UInt8]?

    /// A signer for `key` (an empty key disables signing).
    public init(key: String) {
        self.key = key.isEmpty ? nil : Array(key.utf8)
    }

    /// Whether messages are signed.
    public var isSigning: Bool { key != nil }

    /// The hex signature of the four frames (empty when signing is disabled).
    public func signature(_ frames: [[UInt8]]) -> String {
        guard let key else { return "" }
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: key))
        for frame in frames { hmac.update(data: frame) }
        return Self.hex(Array(hmac.finalize()))
    }

    /// Whether `signature` is the signature of `frames`; compared in constant time, so the time
    /// taken does not reveal how many leading characters of a forged signature were right.
    public func isValid(signature: [UInt8], for frames: [[UInt8]]) -> Bool {
        guard key != nil else { return true }
        let expected = Array(self.signature(frames).utf8)
        guard signature.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(signature, expected) { difference |= a ^ b }
        return difference == 0
    }

    /// Lowercase hex of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
