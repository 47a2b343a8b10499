import DVAE
import Foundation

/// A literate notebook: Markdown prose with fenced ```` ```dvae ```` code blocks.
///
/// Only fences whose info string starts with the word `dvae` are code; every other fenced
/// block (```` ```text ````, ```` ```python ````, `~~~`) stays prose. Fences follow CommonMark:
/// three or more backticks or tildes, indented at most three spaces, closed by a fence of the
/// same character at least as long with nothing after it.
public struct Notebook: Sendable, Equatable {
    /// Where the notebook came from (used in error messages and output names).
    public var path: String
    /// The cells in file order.
    public var cells: [NotebookCell]

    /// Creates a notebook from cells.
    public init(path: String, cells: [NotebookCell]) {
        self.path = path
        self.cells = cells
    }

    /// The first ```` ```dvae ```` block that is never closed, if any: a runner reports it at its
    /// opening fence instead of running the rest of the file (prose) as code.
    public var unclosedCodeCell: CodeCell? {
        codeCells.first { $0.closingFence == nil }
    }

    /// The code cells in order.
    public var codeCells: [CodeCell] {
        cells.compactMap { if case .code(let c) = $0 { return c } else { return nil } }
    }

    /// The file name without directory or extension (e.g. `01-tour` for `notebooks/01-tour.md`).
    public var baseName: String {
        let name = (path as NSString).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        return stem.isEmpty ? "notebook" : stem
    }

    /// Reads the file at `path`: a Markdown notebook (`.md`, `.markdown`) is split into cells;
    /// any other file is a plain script and becomes one code cell (see ``script(text:path:)``).
    ///
    /// Only a regular file is read (a FIFO or a directory is a `DataError.unreadable`), within
    /// `budget`; the text is decoded by ``SourceText`` (UTF-8, BOM dropped, CRLF → LF; invalid
    /// UTF-8 is a ``SourceText/DecodingError`` located at its line).
    public static func load(path: String, budget: MemoryBudget = .default) throws -> Notebook {
        let text = try SourceText.read(path: path, budget: budget)
        return isMarkdown(path: path) ? parse(text: text, path: path) : script(text: text, path: path)
    }

    /// Whether `path` names a Markdown file (by extension).
    public static func isMarkdown(path: String) -> Bool {
        ["md", "markdown"].contains((path as NSString).pathExtension.lowercased())
    }

    /// A plain script as a notebook of one code cell whose first line is line 1 of the file.
    public static func script(text: String, path: String) -> Notebook {
        var source = text.replacingOccurrences(of: "\r\n", with: "\n")
        if source.hasSuffix("\n") { source.removeLast() }
        let cell = CodeCell(number: 1, source: source, fenceLine: 0, firstLine: 1,
                            openingFence: "```dvae", closingFence: "```")
        return Notebook(path: path, cells: [.code(cell)])
    }

    /// Splits `text` into prose and code cells.
    public static func parse(text: String, path: String) -> Notebook {
        // "\r\n" is a single Character in Swift, so normalise line ends before splitting.
        let unix = text.replacingOccurrences(of: "\r\n", with: "\n")
        var lines = unix.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }         // a final newline ends the last line

        var cells: [NotebookCell] = []
        var prose: [String] = []
        var proseStart = 1
        var codeNumber = 0
        var openOther: Fence? = nil         // inside a non-dvae fenced block (kept as prose)
        var i = 0

        func flushProse(nextLine: Int) {
            if !prose.isEmpty { cells.append(.prose(ProseCell(text: prose.joined(separator: "\n"), line: proseStart))) }
            prose = []
            proseStart = nextLine
        }

        while i < lines.count {
            let line = lines[i]
            if let fence = openOther {
                prose.append(line)
                if fence.isClosed(by: line) { openOther = nil }
                i += 1
                continue
            }
            guard let fence = Fence(openingLine: line) else {
                prose.append(line)
                i += 1
                continue
            }
            guard fence.isDVAE else {
                prose.append(line)
                openOther = fence
                i += 1
                continue
            }
            flushProse(nextLine: i + 1)
            var body: [String] = []
            var closing: String? = nil
            var j = i + 1
            while j < lines.count {
                if fence.isClosed(by: lines[j]) { closing = lines[j]; break }
                body.append(lines[j])
                j += 1
            }
            codeNumber += 1
            cells.append(.code(CodeCell(number: codeNumber, source: body.joined(separator: "\n"),
                                        fenceLine: i + 1, firstLine: i + 2,
                                        openingFence: line, closingFence: closing)))
            i = j + 1
            proseStart = i + 1
        }
        flushProse(nextLine: i + 1)
        return Notebook(path: path, cells: cells)
    }
}

/// A Markdown code fence: its character, length and info string.
struct Fence {
    /// "`" or "~".
    var character: Character
    /// Number of fence characters (at least 3).
    var length: Int
    /// The text after the fence, trimmed.
    var info: String

    /// Parses an opening fence line, or returns nil.
    init?(openingLine line: String) {
        let indent = line.prefix(while: { $0 == " " }).count
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard let first = rest.first, first == "`" || first == "~" else { return nil }
        let run = rest.prefix(while: { $0 == first }).count
        guard run >= 3 else { return nil }
        let info = rest.dropFirst(run).trimmingCharacters(in: .whitespaces)
        if first == "`" && info.contains("`") { return nil }   // CommonMark: not a fence
        character = first
        length = run
        self.info = info
    }

    /// Whether the info string names the dvae language (first word `dvae`, any case).
    var isDVAE: Bool {
        let word = info.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "{" || $0 == "," }).first
        return word.map { $0.lowercased() == "dvae" } ?? false
    }

    /// Whether `line` closes this fence.
    func isClosed(by line: String) -> Bool {
        let indent = line.prefix(while: { $0 == " " }).count
        guard indent <= 3 else { return false }
        let rest = line.dropFirst(indent)
        let run = rest.prefix(while: { $0 == character }).count
        guard run >= length else { return false }
        return rest.dropFirst(run).allSatisfy { $0 == " " || $0 == "\t" }
    }
}
