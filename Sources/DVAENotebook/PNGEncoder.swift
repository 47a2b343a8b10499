import CZlib

/// Writes greyscale 8-bit PNG files (colour type 0, no interlace), compressed with zlib.
public enum PNGEncoder {
    /// Errors from encoding.
    public enum Failure: Error, CustomStringConvertible {
        /// zlib's `compress2` returned this status.
        case zlib(Int32)
        /// The image has no pixels.
        case empty

        /// A readable explanation.
        public var description: String {
            switch self {
            case .zlib(let code): return "PNG: zlib compression failed (status \(code))"
            case .empty: return "PNG: the image has no pixels"
            }
        }
    }

    /// The 8-byte PNG signature.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Encodes `image` as PNG bytes.
    public static func encode(_ image: GreyImage) throws -> [UInt8] {
        guard image.width > 0, image.height > 0 else { throw Failure.empty }
        var header: [UInt8] = []
        appendBigEndian(UInt32(image.width), to: &header)
        appendBigEndian(UInt32(image.height), to: &header)
        header += [8, 0, 0, 0, 0]   // bit depth 8, greyscale, deflate, adaptive filters, no interlace

        // Each scanline is preceded by its filter type; 0 (None) for every row.
        var raw = [UInt8]()
        raw.reserveCapacity((image.width + 1) * image.height)
        for row in 0..<image.height {
            raw.append(0)
            raw += image.pixels[(row * image.width)..<((row + 1) * image.width)]
        }

        var png = signature
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", try deflate(raw), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// Encodes `grid` (see ``ImageGrid/raster(scale:separator:)``) as PNG bytes.
    public static func encode(_ grid: ImageGrid, scale: Int = 1) throws -> [UInt8] {
        try encode(grid.raster(scale: scale))
    }

    /// zlib-compresses `data` (zlib stream, as IDAT requires).
    static func deflate(_ data: [UInt8]) throws -> [UInt8] {
        var length = compressBound(uLong(data.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let status = data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                compress2(dst.baseAddress, &length, src.baseAddress, uLong(data.count), 9)
            }
        }
        guard status == Z_OK else { throw Failure.zlib(status) }
        return Array(out[0..<Int(length)])
    }

    /// Appends a chunk: length, type, data, CRC-32 of type and data.
    static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        appendBigEndian(UInt32(data.count), to: &png)
        let body = typeBytes + data
        png += body
        let crc = body.withUnsafeBufferPointer { buffer in
            crc32(crc32(0, nil, 0), buffer.baseAddress, uInt(buffer.count))
        }
        appendBigEndian(UInt32(truncatingIfNeeded: crc), to: &png)
    }

    /// Appends `value` as 4 big-endian bytes.
    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
