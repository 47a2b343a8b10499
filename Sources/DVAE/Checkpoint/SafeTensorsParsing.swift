import Foundation

extension SafeTensors {
    /// Parses the bytes of a safetensors file, checking everything before trusting it.
    ///
    /// Errors (`CheckpointError`, naming `source`): fewer than 8 bytes; a header length beyond the
    /// end of the file; a header that is not a JSON object; a metadata entry that is not a map of
    /// strings; an entry without a valid dtype, shape or data_offsets; an unsupported dtype; a
    /// shape of rank above 2; offsets that disagree with the shape, leave the data section, overlap,
    /// leave a gap, or leave bytes unused at the end (truncated or padded data).
    public static func parse(_ bytes: [UInt8], source: String) throws -> SafeTensors {
        let (header, headerEnd) = try parseHeader(bytes, source: source)
        let metadata = try parseMetadata(header, source: source)
        let dataLength = bytes.count - headerEnd
        let entries = try parseEntries(header, source: source)
        for e in entries { try check(e, dataLength: dataLength, source: source) }
        try checkCoverage(entries, dataLength: dataLength, source: source)
        return SafeTensors(tensors: readTensors(entries, from: bytes, dataStart: headerEnd), metadata: metadata)
    }

    /// One tensor's header entry: its dtype, shape and byte range in the data section.
    private struct Entry {
        var name: String
        var dtype: String
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    /// The header as a JSON object, and where the data section starts: the 8-byte little-endian
    /// length, then that many bytes of JSON.
    private static func parseHeader(_ bytes: [UInt8], source: String) throws -> (header: [String: Any], headerEnd: Int) {
        guard bytes.count >= 8 else {
            throw CheckpointError.truncated(path: source, reason: "\(bytes.count) bytes, too short for the 8-byte header length")
        }
        var n: UInt64 = 0
        for i in (0..<8).reversed() { n = n << 8 | UInt64(bytes[i]) }
        guard n <= UInt64(bytes.count - 8) else {
            throw CheckpointError.truncated(path: source, reason: "header length \(n) exceeds the \(bytes.count - 8) bytes after the length field")
        }
        let headerEnd = 8 + Int(n)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd]), options: [])
        } catch {
            throw CheckpointError.corruptHeader(path: source, reason: "the \(n)-byte header is not valid JSON")
        }
        guard let header = json as? [String: Any] else {
            throw CheckpointError.corruptHeader(path: source, reason: "the header is not a JSON object")
        }
        return (header, headerEnd)
    }

    /// The `__metadata__` map of strings (empty when absent).
    private static func parseMetadata(_ header: [String: Any], source: String) throws -> [String: String] {
        var metadata: [String: String] = [:]
        guard let meta = header[metadataKey] else { return metadata }
        guard let dict = meta as? [String: Any] else {
            throw CheckpointError.corruptHeader(path: source, reason: "'\(metadataKey)' is not an object")
        }
        for (k, v) in dict {
            guard let s = v as? String else {
                throw CheckpointError.corruptHeader(path: source, reason: "metadata value for '\(k)' is not a string")
            }
            metadata[k] = s
        }
        return metadata
    }

    /// Every tensor entry of the header, with a dtype string, a shape and two offsets.
    private static func parseEntries(_ header: [String: Any], source: String) throws -> [Entry] {
        var entries: [Entry] = []
        for (name, value) in header where name != metadataKey {
            guard let e = value as? [String: Any] else {
                throw CheckpointError.badTensor(path: source, tensor: name, reason: "entry is not an object")
            }
            guard let dtype = e["dtype"] as? String else {
                throw CheckpointError.badTensor(path: source, tensor: name, reason: "missing or non-string 'dtype'")
            }
            guard let shapeAny = e["shape"] as? [Any], let shape = intArray(shapeAny), shape.allSatisfy({ $0 >= 0 }) else {
                throw CheckpointError.badTensor(path: source, tensor: name, reason: "'shape' must be an array of non-negative integers")
            }
            guard let offAny = e["data_offsets"] as? [Any], let off = intArray(offAny), off.count == 2 else {
                throw CheckpointError.badTensor(path: source, tensor: name, reason: "'data_offsets' must be two integers [begin, end]")
            }
            entries.append(Entry(name: name, dtype: dtype, shape: shape, begin: off[0], end: off[1]))
        }
        return entries
    }

    /// One entry on its own: a readable dtype, rank at most 2, offsets inside the data section
    /// spanning exactly the bytes its shape needs.
    private static func check(_ e: Entry, dataLength: Int, source: String) throws {
        guard let size = dtypeSize(e.dtype) else {
            throw CheckpointError.unsupportedDtype(path: source, tensor: e.name, dtype: e.dtype)
        }
        guard e.shape.count <= 2 else {
            throw CheckpointError.badTensor(path: source, tensor: e.name, reason: "rank-\(e.shape.count) shape \(e.shape) is not supported (at most 2 dimensions)")
        }
        guard e.begin >= 0, e.begin <= e.end else {
            throw CheckpointError.badTensor(path: source, tensor: e.name, reason: "invalid data_offsets [\(e.begin), \(e.end)]")
        }
        guard e.end <= dataLength else {
            throw CheckpointError.truncated(path: source,
                                            reason: "tensor '\(e.name)' has data_offsets [\(e.begin), \(e.end)] beyond the end of the \(dataLength)-byte data section")
        }
        // Checked: a hostile shape such as [2147483648, 1073741824] overflows Int once multiplied by 4.
        let needed = ByteCount.product(e.shape + [size])
        guard let needed, needed == e.end - e.begin else {
            throw CheckpointError.badTensor(path: source, tensor: e.name,
                                            reason: "shape \(e.shape) of \(e.dtype) needs \(needed.map(String.init) ?? "more than 2⁶³") bytes but data_offsets [\(e.begin), \(e.end)] span \(e.end - e.begin)")
        }
    }

    /// The entries, in offset order, cover the data section exactly: no overlap, no gap, no
    /// bytes left after the last.
    private static func checkCoverage(_ entries: [Entry], dataLength: Int, source: String) throws {
        var position = 0
        var previous = ""
        for e in entries.sorted(by: { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }) {
            if e.begin < position {
                throw CheckpointError.badTensor(path: source, tensor: e.name, reason: "data_offsets [\(e.begin), \(e.end)] overlap tensor '\(previous)'")
            }
            if e.begin > position {
                throw CheckpointError.badTensor(path: source, tensor: e.name, reason: "gap of \(e.begin - position) unused bytes before its data")
            }
            position = e.end
            previous = e.name
        }
        guard position == dataLength else {
            throw CheckpointError.badTensor(path: source, tensor: previous.isEmpty ? "(none)" : previous,
                                            reason: "\(dataLength - position) unused bytes after the last tensor's data")
        }
    }

    /// The checked entries' values as Float32 tensors (F64 rounded); a 1-D or scalar shape is one row.
    private static func readTensors(_ entries: [Entry], from bytes: [UInt8], dataStart: Int) -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        bytes.withUnsafeBytes { raw in
            let data = raw.baseAddress! + dataStart
            for e in entries {
                let rows = e.shape.count == 2 ? e.shape[0] : 1
                let cols = e.shape.count == 2 ? e.shape[1] : (e.shape.first ?? 1)
                let t = Tensor(rows: rows, cols: cols)
                let src = data + e.begin
                if e.dtype == "F32" {
                    for i in 0..<t.count {
                        t.data[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    }
                } else {  // F64
                    for i in 0..<t.count {
                        t.data[i] = Float(Double(bitPattern: UInt64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                    }
                }
                tensors[e.name] = t
            }
        }
        return tensors
    }

    /// Bytes per element of the readable dtypes; nil for any other dtype.
    private static func dtypeSize(_ dtype: String) -> Int? {
        switch dtype {
        case "F32": return 4
        case "F64": return 8
        default: return nil
        }
    }

    /// The values as integers, or nil if any is not an integral number.
    private static func intArray(_ values: [Any]) -> [Int]? {
        var out: [Int] = []
        for v in values {
            if let i = v as? Int { out.append(i); continue }
            if let d = v as? Double, d.rounded() == d, abs(d) < 9e15 { out.append(Int(d)); continue }
            return nil
        }
        return out
    }
}
