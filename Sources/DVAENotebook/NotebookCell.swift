/// One cell of a notebook: prose or a ```` ```dvae ```` code block.
public enum NotebookCell: Sendable, Equatable {
    /// Markdown kept verbatim (including fenced blocks in other languages).
    case prose(ProseCell)
    /// A fenced ```` ```dvae ```` block.
    case code(CodeCell)
}

/// A run of Markdown lines between code blocks, kept verbatim.
public struct ProseCell: Sendable, Equatable {
    /// The lines, joined with `\n` (no final newline).
    public var text: String
    /// 1-based line number of the first line in the file.
    public var line: Int

    /// Creates a prose cell.
    public init(text: String, line: Int) {
        self.text = text
        self.line = line
    }
}

/// A fenced ```` ```dvae ```` block of code.
public struct CodeCell: Sendable, Equatable {
    /// 1-based position among the notebook's code cells (used in output file names).
    public var number: Int
    /// The code between the fences, joined with `\n` (no final newline).
    public var source: String
    /// 1-based line number of the opening fence.
    public var fenceLine: Int
    /// 1-based line number of the first code line (the line after the opening fence).
    public var firstLine: Int
    /// The opening fence line, verbatim (e.g. ```` ```dvae ````).
    public var openingFence: String
    /// The closing fence line, verbatim; nil when the block runs to the end of the file.
    public var closingFence: String?

    /// Creates a code cell.
    public init(number: Int, source: String, fenceLine: Int, firstLine: Int,
                openingFence: String, closingFence: String?) {
        self.number = number
        self.source = source
        self.fenceLine = fenceLine
        self.firstLine = firstLine
        self.openingFence = openingFence
        self.closingFence = closingFence
    }

    /// The block as it appears in the file: fences and code.
    public var markdown: String {
        var parts = [openingFence]
        if !source.isEmpty || closingFence != nil { parts.append(source) }
        if let closingFence { parts.append(closingFence) }
        return parts.joined(separator: "\n")
    }
}
