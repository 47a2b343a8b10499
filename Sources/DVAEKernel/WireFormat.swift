/// Jupyter's wire format: a message as ZeroMQ frames and back.
///
/// ```
/// [identities…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…]
/// ```
/// The signature is the ``MessageSigner`` HMAC of the next four frames. A message whose
/// signature does not match is rejected (the kernel drops it and logs why).
public enum WireFormat {
    /// The frame that separates routing identities from the message.
    public static let delimiter: [UInt8] = Array("<IDS|MSG>".utf8)

    /// Why a multipart message could not be read.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// No `<IDS|MSG>` frame.
        case missingDelimiter
        /// Fewer than the five frames after the delimiter.
        case tooFewFrames(Int)
        /// The signature does not match the frames (wrong key, tampering, or a forged message).
        case badSignature
        /// A header, parent header, metadata or content frame is not a JSON object.
        case malformedJSON(frame: String)

        /// A readable explanation.
        public var description: String {
            switch self {
            case .missingDelimiter: return "no <IDS|MSG> delimiter frame"
            case .tooFewFrames(let n): return "\(n) frames after the delimiter, need at least 5 (signature, header, parent, metadata, content)"
            case .badSignature: return "the HMAC signature does not match (wrong key or altered message)"
            case .malformedJSON(let frame): return "the \(frame) frame is not a JSON object"
            }
        }
    }

    /// The frames of `message`, signed by `signer`.
    public static func encode(_ message: KernelMessage, signer: MessageSigner) -> [[UInt8]] {
        let body = [message.header.encoded(), message.parentHeader.encoded(), message.metadata.encoded(),
                    message.content.encoded()]
        return message.identities + [delimiter, Array(signer.signature(body).utf8)] + body + message.buffers
    }

    /// The message in `frames`, after checking its signature with `signer`.
    public static func decode(_ frames: [[UInt8]], signer: MessageSigner) throws -> KernelMessage {
        guard let split = frames.firstIndex(of: delimiter) else { throw Failure.missingDelimiter }
        let rest = Array(frames[(split + 1)...])
        guard rest.count >= 5 else { throw Failure.tooFewFrames(rest.count) }
        let body = Array(rest[1...4])
        // The signature is checked on the raw bytes before any of them is parsed.
        guard signer.isValid(signature: rest[0], for: body) else { throw Failure.badSignature }
        let names = ["header", "parent header", "metadata", "content"]
        var parts: [JSONValue] = []
        for (name, frame) in zip(names, body) {
            guard let value = try? JSONValue.parse(frame), case .object = value else {
                throw Failure.malformedJSON(frame: name)
            }
            parts.append(value)
        }
        return KernelMessage(identities: Array(frames[..<split]), header: parts[0], parentHeader: parts[1],
                             metadata: parts[2], content: parts[3], buffers: Array(rest.dropFirst(5)))
    }
}
