import DVAE
import Foundation
@testable import DVAEScript

/// The bad-input corpus: `bad-inputs.txt` beside this file, one entry per `=== LINE:COL | TEXT`
/// header followed by the input's lines. Each input must fail with a `ScriptError` at LINE:COL
/// whose message or help contains TEXT.
///
/// In inputs, `$DIR` is the fixture directory (`CorpusFixtures`), a line `@prelude` is replaced by
/// two lines that load a small dataset `d` and make a model `m`, and `@longname` is a
/// 30,000-character name. Lines starting with `##` are comments.
enum BadInputCorpus {
    struct Entry {
        /// 1-based number of the entry in the file.
        var number: Int
        /// Line of the header in `bad-inputs.txt`.
        var fileLine: Int
        var line: Int
        var column: Int
        var expected: String
        /// The input with `@prelude` and `@longname` expanded (`$DIR` is not).
        var input: String
    }

    static let prelude = "let d = load synthetic subset 50\nlet m = model vae for d.train hidden [8] latent 2"
    static let longName = String(repeating: "a", count: 30_000)

    static var path: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("bad-inputs.txt").path
    }

    static func entries() -> [Entry] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var entries: [Entry] = []
        var header: (fileLine: Int, line: Int, column: Int, expected: String)?
        var body: [String] = []
        func flush() {
            guard let h = header else { return }
            while body.last?.isEmpty == true { body.removeLast() }
            let input = body.map { $0 == "@prelude" ? prelude : $0.replacingOccurrences(of: "@longname", with: longName) }
                .joined(separator: "\n")
            entries.append(Entry(number: entries.count + 1, fileLine: h.fileLine, line: h.line, column: h.column,
                                 expected: h.expected, input: input))
        }
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("##") { continue }
            if line.hasPrefix("=== ") {
                flush()
                body = []
                let rest = line.dropFirst(4)
                let parts = rest.split(separator: "|", maxSplits: 1)
                let where_ = parts[0].trimmingCharacters(in: .whitespaces).split(separator: ":")
                header = (i + 1, Int(where_.first ?? "") ?? 0, Int(where_.dropFirst().first ?? "") ?? 0,
                          parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
            } else if header != nil {
                body.append(String(line))
            }
        }
        flush()
        return entries
    }
}

/// The files the corpus names: data files, checkpoints and notebooks that are broken in one way each.
enum CorpusFixtures {
    /// Creates every fixture in `dir` (which must exist).
    static func create(in dir: String) throws {
        func file(_ name: String, _ bytes: [UInt8]) {
            FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(bytes))
        }
        func text(_ name: String, _ s: String) { file(name, Array(s.utf8)) }
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }

        // Not regular files.
        for name in ["fifo.amat", "fifo.safetensors", "fifo.dvae"] { mkfifo(dir + "/" + name, 0o644) }
        for name in ["dir.amat", "dir.safetensors"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + name, withIntermediateDirectories: true)
        }
        text("afile", "a regular file where a directory is expected\n")

        // Data files.
        let row = (0..<784).map { $0 % 3 == 0 ? "1" : "0" }.joined(separator: " ")
        text("UPPER.AMAT", row + "\n" + row + "\n")
        text("nl.amat", String(repeating: "\n", count: 200_000))
        text("short-row.amat", row + "\n0 1 0\n")
        text("bad-token.amat", row.replacingOccurrences(of: "1 0 0 1", with: "1 0 x7 1") + "\n")
        text("negative.amat", row.replacingOccurrences(of: "1 0 0 1", with: "1 0 -0.5 1") + "\n")
        text("empty.amat", "")
        text("x.csv", "1,2,3\n")
        text("garbage.mat", String(repeating: "not a mat file ", count: 20))
        file("big-idx3-ubyte", [0, 0, 8, 3] + be32(0x8000_0000) + be32(0x8000_0000) + be32(0x8000_0000))
        file("small-idx3-ubyte", [0, 0, 8, 3] + be32(2) + be32(28) + be32(28) + [UInt8](repeating: 7, count: 100))
        file("labels-idx1-ubyte", [0, 0, 8, 1] + be32(3) + [1, 2, 3])
        file("gz-idx3-ubyte", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0])

        // Checkpoints: a tiny valid one, then copies broken in one way each.
        let good = dir + "/good.safetensors"
        let interpreter = Interpreter(sink: CaptureSink())
        try interpreter.run("let m = model vae input 16 hidden [4] latent 2\nsave m \"\(good)\"", file: "fixture.dvae")
        let base = try SafeTensors.read(from: good)
        func variant(_ name: String, tensors: [String: Tensor]? = nil, _ edit: (inout [String: String]) -> Void) throws {
            var metadata = base.metadata
            edit(&metadata)
            try SafeTensors(tensors: tensors ?? base.tensors, metadata: metadata).write(to: dir + "/" + name)
        }
        try variant("epoch-negative.safetensors") { $0[Checkpoint.MetadataKey.epoch] = "-5" }
        try variant("epoch-max.safetensors") { $0[Checkpoint.MetadataKey.epoch] = String(Int.max) }
        try variant("epoch-text.safetensors") { $0[Checkpoint.MetadataKey.epoch] = "twelve" }
        try variant("adam-step-negative.safetensors") { $0[Checkpoint.MetadataKey.adamStep] = "-1" }
        try variant("no-arch.safetensors") { $0[Checkpoint.MetadataKey.architecture] = nil }
        try variant("arch-huge.safetensors") {
            $0[Checkpoint.MetadataKey.architecture] = $0[Checkpoint.MetadataKey.architecture]!
                .replacingOccurrences(of: "\"encoderHidden\":[4]", with: "\"encoderHidden\":[100000,100000,100000]")
        }
        try variant("arch-mismatch.safetensors") {
            $0[Checkpoint.MetadataKey.architecture] = $0[Checkpoint.MetadataKey.architecture]!
                .replacingOccurrences(of: "\"latent\":2", with: "\"latent\":3")
        }
        // A header claiming a [2147483648, 1073741824] tensor (its byte count overflows Int).
        let header = #"{"w":{"dtype":"F32","shape":[2147483648,1073741824],"data_offsets":[0,8]}}"#
        var huge = [UInt8](repeating: 0, count: 8)
        let n = header.utf8.count
        for i in 0..<8 { huge[i] = UInt8((n >> (8 * i)) & 255) }
        file("huge-shape.safetensors", huge + Array(header.utf8) + [UInt8](repeating: 0, count: 8))
        file("header-too-long.safetensors", [255, 255, 255, 255, 255, 255, 255, 127, 1, 2, 3])
        file("garbage.safetensors", Array("this is not a checkpoint at all".utf8))
        file("empty.safetensors", [])

        // Notebooks and scripts.
        text("unclosed.md", "# A notebook\n\n```dvae\nprint 1\n\nProse that must not run as code.\n")
        file("bad-utf8.dvae", Array("print 1\nprint \"caf".utf8) + [0xE9] + Array("\"\n".utf8))
        text("error-inside.dvae", "print 1\nprint nosuch\n")
    }
}
