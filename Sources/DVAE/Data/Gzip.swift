import CZlib

/// Decompresses a gzip file's bytes (RFC 1952; several members are read one after another).
///
/// The output is measured against `budget` as it grows, so a small file that claims a huge
/// payload (a "zip bomb") fails with the budget's error instead of exhausting memory. Corrupt or
/// truncated input is reported as `DataError.malformed` with zlib's reason.
func gunzip(_ bytes: [UInt8], path: String, budget: MemoryBudget = .default) throws -> [UInt8] {
    var stream = z_stream()
    // 16 + MAX_WBITS: expect a gzip header and trailer (not a raw zlib stream).
    guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        throw DataError.malformed(path: path, line: nil, reason: "zlib could not start decompressing")
    }
    defer { inflateEnd(&stream) }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    try bytes.withUnsafeBufferPointer { input in
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.avail_in = UInt32(input.count)
        while true {
            let status: Int32 = chunk.withUnsafeMutableBufferPointer { out in
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                return inflate(&stream, Z_NO_FLUSH)
            }
            let produced = chunk.count - Int(stream.avail_out)
            try budget.check(output.count + produced, for: "the decompressed contents of \(path)")
            output.append(contentsOf: chunk[0..<produced])
            switch status {
            case Z_STREAM_END:
                // Another gzip member may follow (concatenated files are valid gzip).
                guard stream.avail_in > 0 else { return }
                guard inflateReset(&stream) == Z_OK else {
                    throw DataError.malformed(path: path, line: nil, reason: "zlib could not read the next gzip member")
                }
            case Z_OK:
                if stream.avail_in == 0 && produced == 0 {
                    throw DataError.malformed(path: path, line: nil, reason: "the gzip data ends early (truncated file)")
                }
            case Z_BUF_ERROR where stream.avail_in == 0:
                throw DataError.malformed(path: path, line: nil, reason: "the gzip data ends early (truncated file)")
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw DataError.malformed(path: path, line: nil, reason: "corrupt gzip data: \(reason)")
            }
        }
    }
    return output
}

/// True when `bytes` start with the gzip magic number 1f 8b.
func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }
