import DVAE

/// The one decoding rule for script and notebook text, whether it comes from a file or is piped
/// on standard input: UTF-8, an optional byte-order mark is dropped, CRLF line ends become LF.
/// Bytes that are not UTF-8 are an error located at their line and column.
public enum SourceText {
    /// Text that is not valid UTF-8, located like a script error.
    public struct DecodingError: Error, Equatable, CustomStringConvertible {
        /// The file (or `<stdin>`).
        public var file: String
        /// 1-based line of the first invalid byte.
        public var line: Int
        /// 1-based column (in characters) of the first invalid byte.
        public var column: Int
        /// The byte's value.
        public var byte: UInt8
        /// The line, with invalid bytes shown as U+FFFD.
        public var sourceLine: String

        /// `file:line:col: error: …`, the line, a caret and a hint (the layout of a script error).
        public var description: String {
            let hex = String(byte, radix: 16, uppercase: true)
            let shown = sourceLine.count > 200 ? String(sourceLine.prefix(200)) + "…" : sourceLine
            var out = "\(file):\(line):\(column): error: invalid UTF-8: byte 0x\(hex.count == 1 ? "0" + hex : hex) is not part of a UTF-8 character"
            out += "\n  " + shown.map { $0 == "\t" ? " " : $0 }
            out += "\n  " + String(repeating: " ", count: max(0, min(column, 201) - 1)) + "^"
            out += "\n  help: save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
            return out
        }
    }

    /// `bytes` decoded as UTF-8 without a BOM and with LF line ends; `file` names the source in errors.
    public static func decode(_ bytes: [UInt8], file: String) throws -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let bad = firstInvalidByte(body) {
            throw locate(bad, in: body, file: file)
        }
        let text = String(decoding: body, as: UTF8.self)
        // "\r\n" is one Character in Swift: normalise before anyone splits on "\n".
        return text.contains("\r\n") ? text.replacingOccurrences(of: "\r\n", with: "\n") : text
    }

    /// Reads the regular file at `path` (see `RegularFile.read`) and decodes it.
    public static func read(path: String, budget: MemoryBudget = .default) throws -> String {
        try decode(try RegularFile.read(path, budget: budget), file: path)
    }

    /// The index of the first byte that does not belong to a well-formed UTF-8 sequence.
    static func firstInvalidByte(_ b: ArraySlice<UInt8>) -> Int? {
        var i = b.startIndex
        while i < b.endIndex {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            for k in 1...need {
                guard i + k < b.endIndex else { return i }
                let x = b[i + k]
                if k == 1 ? !(lo...hi).contains(x) : !(0x80...0xBF).contains(x) { return i }
            }
            i += need + 1
        }
        return nil
    }

    private static func locate(_ index: Int, in b: ArraySlice<UInt8>, file: String) -> DecodingError {
        var lineStart = b.startIndex, line = 1
        for j in b.startIndex..<index where b[j] == 0x0A { line += 1; lineStart = j + 1 }
        var lineEnd = index
        while lineEnd < b.endIndex, b[lineEnd] != 0x0A { lineEnd += 1 }
        let before = String(decoding: b[lineStart..<index], as: UTF8.self)
        var text = String(decoding: b[lineStart..<lineEnd], as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return DecodingError(file: file, line: line, column: before.count + 1, byte: b[index], sourceLine: text)
    }
}
