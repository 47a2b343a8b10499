@testable import DVAEKernel
import XCTest

/// The wire format and its HMAC-SHA256 signatures, without Python or sockets.
final class WireFormatTests: XCTestCase {
    let key = "a0436f6c-1916-498b-8eb9-e81ab9368e84"

    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testSignatureIsHMACSHA256InLowercaseHex() {
        // RFC 4231-style reference value (also Python's hmac.new(b"key", …, sha256).hexdigest()).
        let signer = MessageSigner(key: "key")
        XCTAssertEqual(signer.signature([bytes("The quick brown fox jumps over the lazy dog")]),
                       "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
        // Over the four frames in order, as jupyter_client's Session.sign computes it.
        let frames = [bytes(#"{"msg_id":"m1","msg_type":"kernel_info_request"}"#), bytes("{}"), bytes("{}"), bytes("{}")]
        XCTAssertEqual(MessageSigner(key: key).signature(frames),
                       "af879f65bfee16049d5760f3b66a9f884cfccc44068b3a1260fffcac18da3fa9")
    }

    func testParsesASignedMessageFromAClient() throws {
        let header = bytes(#"{"msg_id":"m1","msg_type":"kernel_info_request"}"#)
        let frames = [bytes("client-identity"), WireFormat.delimiter,
                      bytes("af879f65bfee16049d5760f3b66a9f884cfccc44068b3a1260fffcac18da3fa9"),
                      header, bytes("{}"), bytes("{}"), bytes("{}"), bytes("buffer")]
        let message = try WireFormat.decode(frames, signer: MessageSigner(key: key))
        XCTAssertEqual(message.identities, [bytes("client-identity")])
        XCTAssertEqual(message.type, "kernel_info_request")
        XCTAssertEqual(message.id, "m1")
        XCTAssertEqual(message.content, [:])
        XCTAssertEqual(message.buffers, [bytes("buffer")])
    }

    func testRoundTripKeepsEverything() throws {
        let signer = MessageSigner(key: key)
        let message = KernelMessage(identities: [bytes("a"), bytes("b")],
                                    header: KernelMessage.header(type: "execute_reply", session: "s1"),
                                    parentHeader: ["msg_id": "p1"], metadata: ["x": .double(1.5)],
                                    content: ["status": "ok", "execution_count": 3, "text": "σ → ∞ \"quoted\"\n"])
        let frames = WireFormat.encode(message, signer: signer)
        XCTAssertEqual(frames[2], WireFormat.delimiter)
        XCTAssertEqual(frames[3].count, 64, "a hex SHA-256")
        let back = try WireFormat.decode(frames, signer: signer)
        XCTAssertEqual(back, message)
        XCTAssertEqual(String(decoding: frames[7], as: UTF8.self).contains("\"execution_count\":3"), true,
                       "whole numbers stay integers")
    }

    func testAWrongSignatureIsRejected() {
        let message = KernelMessage(header: KernelMessage.header(type: "execute_request", session: "s"),
                                    content: ["code": "print 1"])
        let forged = WireFormat.encode(message, signer: MessageSigner(key: "not-the-key"))
        XCTAssertThrowsError(try WireFormat.decode(forged, signer: MessageSigner(key: key))) { error in
            XCTAssertEqual(error as? WireFormat.Failure, .badSignature)
        }
        // A correctly signed message whose content was changed afterwards.
        var tampered = WireFormat.encode(message, signer: MessageSigner(key: key))
        tampered[tampered.count - 1] = bytes(#"{"code":"let x = 1"}"#)
        XCTAssertThrowsError(try WireFormat.decode(tampered, signer: MessageSigner(key: key))) { error in
            XCTAssertEqual(error as? WireFormat.Failure, .badSignature)
        }
        // No signature at all, when a key is set.
        var unsigned = WireFormat.encode(message, signer: MessageSigner(key: key))
        unsigned[1] = []
        XCTAssertThrowsError(try WireFormat.decode(unsigned, signer: MessageSigner(key: key)))
    }

    func testWithoutAKeyNothingIsSignedAndEverythingIsAccepted() throws {
        let signer = MessageSigner(key: "")
        XCTAssertFalse(signer.isSigning)
        let message = KernelMessage(header: KernelMessage.header(type: "kernel_info_request", session: "s"), content: [:])
        let frames = WireFormat.encode(message, signer: signer)
        XCTAssertEqual(frames[1], [], "an empty signature frame")
        XCTAssertEqual(try WireFormat.decode(frames, signer: signer), message)
    }

    func testMalformedMessagesSayWhatIsWrong() {
        let signer = MessageSigner(key: "")
        XCTAssertThrowsError(try WireFormat.decode([bytes("{}")], signer: signer)) {
            XCTAssertEqual($0 as? WireFormat.Failure, .missingDelimiter)
        }
        XCTAssertThrowsError(try WireFormat.decode([WireFormat.delimiter, [], bytes("{}")], signer: signer)) {
            XCTAssertEqual($0 as? WireFormat.Failure, .tooFewFrames(2))
        }
        XCTAssertThrowsError(try WireFormat.decode([WireFormat.delimiter, [], bytes("{}"), bytes("{}"), bytes("[1]"), bytes("{}")],
                                                   signer: signer)) {
            XCTAssertEqual($0 as? WireFormat.Failure, .malformedJSON(frame: "metadata"))
        }
    }

    func testTimestampsAreISO8601WithMicroseconds() {
        XCTAssertEqual(KernelMessage.timestamp(Date(timeIntervalSince1970: 1_796_400_000.25)), "2026-12-04T16:00:00.250000Z")
        let header = KernelMessage.header(type: "status", session: "s")
        XCTAssertEqual(header["version"], "5.3")
        XCTAssertEqual(header["msg_type"], "status")
    }

    func testConnectionFilesAreReadAndCheckedWithLocatedMessages() throws {
        let json = #"{"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,"#
            + #" "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "dvae"}"#
        let info = try ConnectionInfo.parse(bytes(json), path: "conn.json")
        XCTAssertEqual(info.shellPort, 5001)
        XCTAssertEqual(info.endpoint(info.heartbeatPort), "tcp://127.0.0.1:5005")
        XCTAssertThrowsError(try ConnectionInfo.parse(bytes(#"{"shell_port": 1}"#), path: "conn.json")) {
            XCTAssertEqual("\($0)", "conn.json: error: `control_port` must be a port number (0–65535)")
        }
        XCTAssertThrowsError(try ConnectionInfo.parse(bytes(json.replacingOccurrences(of: "hmac-sha256", with: "hmac-md5")),
                                                      path: "conn.json")) {
            XCTAssertTrue("\($0)".contains("unsupported signature scheme `hmac-md5`"), "\($0)")
        }
        XCTAssertThrowsError(try ConnectionInfo.parse(bytes("not json"), path: "c.json")) {
            XCTAssertEqual("\($0)", "c.json: error: the connection file is not valid JSON")
        }
    }
}
