/// A set of named tensors with string metadata, in the safetensors file format.
///
/// Layout: an 8-byte little-endian unsigned header length `N`; `N` bytes of UTF-8 JSON
/// `{"__metadata__": {string: string}, "<name>": {"dtype": "F32", "shape": [rows, cols],
/// "data_offsets": [begin, end]}, …}` (padded with spaces to a multiple of 8 bytes); then the
/// tensor bytes, little-endian, row-major. Offsets are relative to the start of the data section.
/// Writing stores every tensor as F32 with shape `[rows, cols]`, tensors sorted by name and packed
/// in that order. Reading is strict (see `parse(_:source:)`); F32 and F64 (converted to Float) are
/// read, shapes of rank 0, 1 and 2 become `1×1`, `1×n` and `rows×cols` tensors.
public struct SafeTensors: Sendable {
    /// The tensors, by name.
    public var tensors: [String: Tensor]
    /// Free-form string metadata (the `__metadata__` entry).
    public var metadata: [String: String]

    /// The reserved header key holding the metadata.
    public static let metadataKey = "__metadata__"

    /// A collection of `tensors` with `metadata`.
    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Reads and strictly validates the safetensors file at `path`; a file larger than `budget`
    /// is refused (`ResourceError.tooLarge`) before it is read. The tensors it holds are never
    /// larger than the file (sizes are checked against its length before allocation).
    public static func read(from path: String, budget: MemoryBudget = .default) throws -> SafeTensors {
        let bytes: [UInt8]
        do {
            bytes = try readFileBytes(path, budget: budget)
        } catch let error as DataError {
            if case let .unreadable(_, reason) = error { throw CheckpointError.io(path: path, reason: reason) }
            throw CheckpointError.io(path: path, reason: "\(error)")
        }
        return try parse(bytes, source: path)
    }

    /// Writes the file atomically (temporary file in the same directory, fsync, rename).
    public func write(to path: String) throws {
        try writeFileAtomically(serialized(), to: path)
    }

    /// The complete file contents.
    public func serialized() throws -> [UInt8] {
        let names = tensors.keys.sorted()
        for name in names { try Self.checkName(name) }
        var header = "{"
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.append("\(jsonString(Self.metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let t = tensors[name]!
            let end = offset + t.count * 4
            entries.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(t.rows),\(t.cols)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += entries.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while (8 + headerBytes.count) % 8 != 0 { headerBytes.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + headerBytes.count + offset)
        var n = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for name in names {
            let t = tensors[name]!
            #if _endian(little)
            out.append(contentsOf: UnsafeRawBufferPointer(start: t.data, count: t.count * 4))
            #else
            for i in 0..<t.count {
                var v = t.data[i].bitPattern.littleEndian
                withUnsafeBytes(of: &v) { out.append(contentsOf: $0) }
            }
            #endif
        }
        return out
    }

    /// Tensor names must be non-empty, valid and not the reserved metadata key.
    static func checkName(_ name: String) throws {
        if name.isEmpty { throw CheckpointError.invalidName(name, reason: "names must not be empty") }
        if name == metadataKey { throw CheckpointError.invalidName(name, reason: "'\(metadataKey)' is reserved for metadata") }
    }
}

/// `s` as a JSON string literal.
func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 {
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}
