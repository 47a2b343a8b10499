/// A minimal reader for MATLAB level-5 MAT files (uncompressed), enough for Frey Face.
///
/// Layout: a 128-byte header (116 bytes of text starting "MATLAB 5.0 MAT-file", 8 bytes of
/// subsystem offset, a 2-byte version, the 2-byte endian indicator "IM" for little-endian or "MI"
/// for big-endian), then data elements. Each element has a tag (type, byte count) followed by its
/// data padded to 8 bytes; a "small data element" packs type and count (≤ 4) into the first four
/// bytes of the tag and its data into the next four. A variable is an `miMATRIX` (type 14) element
/// whose sub-elements are: array flags (class in the low byte), dimensions, name, real part.
/// `miCOMPRESSED` (type 15) elements and MATLAB v7.3 (HDF5) files are reported as unsupported.
struct MATFile {
    /// One top-level variable: its header and the location of its real part in the file.
    struct Variable {
        /// Variable name.
        var name: String
        /// MATLAB class number (6 double, 7 single, 8 int8, 9 uint8, …).
        var classID: Int
        /// Dimensions (rows, cols, …).
        var dimensions: [Int]
        /// Whether the array has an imaginary part.
        var isComplex: Bool
        /// Storage type of the real part (1 miINT8, 2 miUINT8, …), nil for non-numeric classes.
        var storageType: Int?
        /// Byte range of the real part's data in the file.
        var dataRange: Range<Int>

        /// The MATLAB name of the class, e.g. "uint8".
        var className: String { MATFile.className(classID) }
    }

    /// The file's path (for messages).
    let path: String
    /// The whole file.
    let bytes: [UInt8]
    /// The top-level variables, in file order.
    private(set) var variables: [Variable] = []
    private var littleEndian = true

    /// Parses the header and every top-level variable of `bytes` read from `path`.
    init(bytes: [UInt8], path: String) throws {
        self.bytes = bytes
        self.path = path
        try parseHeader()
        var offset = 128
        while offset < bytes.count {
            let tag = try readTag(at: offset, limit: bytes.count, context: "top-level element at byte \(offset)")
            switch tag.type {
            case 15:
                throw DataError.unsupportedFormat(path: path, reason: "compressed MAT files (miCOMPRESSED elements, the default of MATLAB -v7) aren't supported; re-save uncompressed with save(file, 'ff', '-v6') or scipy.io.savemat(..., do_compression=False)")
            case 14:
                variables.append(try parseMatrix(tag.data))
            default:
                break  // other top-level elements carry no variables we need
            }
            offset = tag.next
        }
    }

    /// The variable called `name`, if any.
    func variable(named name: String) -> Variable? { variables.first { $0.name == name } }

    // MARK: - Parsing

    private func malformed(_ reason: String) -> DataError {
        DataError.malformed(path: path, line: nil, reason: reason)
    }

    private mutating func parseHeader() throws {
        if bytes.count >= 4 && bytes[0] == 0x89 && bytes[1] == 0x48 && bytes[2] == 0x44 && bytes[3] == 0x46 {
            throw v73Error()
        }
        guard bytes.count >= 128 else {
            throw malformed("file of \(bytes.count) bytes is too short for a MAT-file header (128 bytes)")
        }
        let text = String(decoding: bytes[0..<116], as: UTF8.self)
        if text.hasPrefix("MATLAB 7.3") || (bytes.count >= 516 && bytes[512..<516].elementsEqual([0x89, 0x48, 0x44, 0x46])) {
            throw v73Error()
        }
        guard text.hasPrefix("MATLAB") else {
            let shown = String(text.prefix(24)).filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == ".") }
            throw DataError.unsupportedFormat(path: path, reason: "not a MATLAB level-5 MAT file: header starts with '\(shown)' instead of 'MATLAB 5.0 MAT-file' (level-4 MAT files are not supported)")
        }
        switch (bytes[126], bytes[127]) {
        case (0x49, 0x4D): littleEndian = true   // "IM"
        case (0x4D, 0x49): littleEndian = false  // "MI"
        default:
            throw malformed("bad endian indicator \(hexDigits(bytes[126])) \(hexDigits(bytes[127])) at byte 126, expected 'IM' or 'MI'")
        }
    }

    private func v73Error() -> DataError {
        DataError.unsupportedFormat(path: path, reason: "MATLAB v7.3 MAT files (HDF5 containers) aren't supported; re-save with save(file, 'ff', '-v6')")
    }

    private func u32(_ o: Int) -> UInt32 {
        let a = UInt32(bytes[o]), b = UInt32(bytes[o + 1]), c = UInt32(bytes[o + 2]), d = UInt32(bytes[o + 3])
        return littleEndian ? (a | b << 8 | c << 16 | d << 24) : (a << 24 | b << 16 | c << 8 | d)
    }

    private struct Tag { var type: Int; var data: Range<Int>; var next: Int }

    /// Reads the element tag at `offset`, checking that the element fits before `limit`.
    private func readTag(at offset: Int, limit: Int, context: String) throws -> Tag {
        guard offset + 8 <= limit else {
            throw malformed("\(context): truncated tag (needs 8 bytes, \(limit - offset) left)")
        }
        let first = u32(offset)
        if first >> 16 != 0 {  // small data element
            let size = Int(first >> 16)
            guard size <= 4 else { throw malformed("\(context): small data element claims \(size) bytes (at most 4)") }
            return Tag(type: Int(first & 0xFFFF), data: (offset + 4)..<(offset + 4 + size), next: offset + 8)
        }
        let size = Int(u32(offset + 4))
        let start = offset + 8
        guard start + size <= limit else {
            throw malformed("\(context): element of type \(first) claims \(size) bytes but only \(limit - start) remain (truncated file?)")
        }
        let padded = (size + 7) & ~7
        return Tag(type: Int(first), data: start..<(start + size), next: min(start + padded, limit))
    }

    private func parseMatrix(_ range: Range<Int>) throws -> Variable {
        let where_ = "variable at byte \(range.lowerBound - 8)"
        let flags = try readTag(at: range.lowerBound, limit: range.upperBound, context: "\(where_): array flags")
        guard flags.type == 6, flags.data.count == 8 else {
            throw malformed("\(where_): expected array flags (miUINT32, 8 bytes), found type \(flags.type) of \(flags.data.count) bytes")
        }
        let flagWord = u32(flags.data.lowerBound)
        let classID = Int(flagWord & 0xFF)
        let isComplex = flagWord & 0x0800 != 0
        let dimsTag = try readTag(at: flags.next, limit: range.upperBound, context: "\(where_): dimensions")
        guard dimsTag.type == 5, dimsTag.data.count % 4 == 0 else {
            throw malformed("\(where_): expected dimensions (miINT32), found type \(dimsTag.type)")
        }
        let dims = stride(from: dimsTag.data.lowerBound, to: dimsTag.data.upperBound, by: 4).map { Int(Int32(bitPattern: u32($0))) }
        let nameTag = try readTag(at: dimsTag.next, limit: range.upperBound, context: "\(where_): name")
        guard nameTag.type == 1 else {
            throw malformed("\(where_): expected the array name (miINT8), found type \(nameTag.type)")
        }
        let name = String(decoding: bytes[nameTag.data], as: UTF8.self)
        var storage: Int? = nil
        var dataRange = nameTag.next..<nameTag.next
        if (6...15).contains(classID) && nameTag.next < range.upperBound {
            let real = try readTag(at: nameTag.next, limit: range.upperBound, context: "variable '\(name)': real part")
            storage = real.type
            dataRange = real.data
        }
        return Variable(name: name, classID: classID, dimensions: dims, isComplex: isComplex,
                        storageType: storage, dataRange: dataRange)
    }

    /// The MATLAB name of a class number.
    static func className(_ id: Int) -> String {
        let names = [1: "cell", 2: "struct", 3: "object", 4: "char", 5: "sparse", 6: "double", 7: "single",
                     8: "int8", 9: "uint8", 10: "int16", 11: "uint16", 12: "int32", 13: "uint32",
                     14: "int64", 15: "uint64"]
        return names[id] ?? "class \(id)"
    }

    /// The name of a MAT data type number (miUINT8, …).
    static func typeName(_ t: Int) -> String {
        let names = [1: "miINT8", 2: "miUINT8", 3: "miINT16", 4: "miUINT16", 5: "miINT32", 6: "miUINT32",
                     7: "miSINGLE", 9: "miDOUBLE", 12: "miINT64", 13: "miUINT64", 14: "miMATRIX",
                     15: "miCOMPRESSED", 16: "miUTF8", 17: "miUTF16", 18: "miUTF32"]
        return names[t] ?? "type \(t)"
    }
}
