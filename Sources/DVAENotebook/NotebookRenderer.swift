import DVAE
import Foundation

/// Writes a rendered copy of a notebook: the original Markdown with each code block's outputs
/// placed under it.
///
/// Text goes in a fenced ```` ```text ```` block; pictures become `NAME-cellN-M.png` files and
/// plots `NAME-cellN-M.svg` files (N = code cell number, M = picture number within the cell),
/// linked with `![…](…)`. Everything of the original is kept verbatim; outputs are inserted
/// after their block, each preceded by a blank line. When a block failed, the copy stops after that block and shows the error.
public struct NotebookRenderer: Sendable {
    /// The notebook being rendered.
    public var notebook: Notebook
    /// Directory receiving `NAME.md` and the picture files (created if missing).
    public var outputDirectory: String
    /// Integer upscale applied to PNG pictures.
    public var imageScale: Int
    /// The most memory one picture may take while it is encoded (raster, filtered rows, deflate).
    public var budget: MemoryBudget

    /// A failed block: which cell and the message to show.
    public struct Failure: Sendable, Equatable {
        /// Code cell number that failed.
        public var cell: Int
        /// The full error message (e.g. `notebook.md:12:5: error: …`).
        public var message: String

        /// Creates a failure record.
        public init(cell: Int, message: String) {
            self.cell = cell
            self.message = message
        }
    }

    /// One file of the rendering, before it is written.
    public struct RenderedFile: Sendable, Equatable {
        /// File name inside ``NotebookRenderer/outputDirectory``.
        public var name: String
        /// The bytes to write.
        public var bytes: [UInt8]
    }

    /// Errors while writing.
    public enum WriteError: Error, CustomStringConvertible {
        /// The rendered copy would overwrite the notebook itself.
        case wouldOverwriteSource(String)
        /// The output directory cannot be created (`reason` says which part is in the way).
        case cannotCreateDirectory(path: String, reason: String)
        /// A file of the rendered copy cannot be written.
        case cannotWrite(path: String, reason: String)
        /// A picture at this scale would take more memory than the budget allows.
        case pictureTooLarge(notebook: String, line: Int, pixels: String, bytes: Int?, limit: Int)

        /// A readable explanation.
        public var description: String {
            switch self {
            case .wouldOverwriteSource(let path):
                return "the rendered copy would overwrite the notebook itself (\(path)); choose another --out directory"
            case let .cannotCreateDirectory(path, reason):
                return "cannot create the output directory \(path): \(reason); choose another --out directory"
            case let .cannotWrite(path, reason):
                return "cannot write \(path): \(reason)"
            case let .pictureTooLarge(notebook, line, pixels, bytes, limit):
                return "\(notebook):\(line): the picture of this block is \(pixels) pixels and would need "
                    + "\(bytes.map(MemoryBudget.format) ?? "more than 8 EiB") to encode, more than the memory limit of "
                    + "\(MemoryBudget.format(limit)); lower --scale, show fewer images, or raise --max-memory"
            }
        }
    }

    /// Creates a renderer.
    public init(notebook: Notebook, outputDirectory: String, imageScale: Int = 2, budget: MemoryBudget = .default) {
        self.notebook = notebook
        self.outputDirectory = outputDirectory
        self.imageScale = max(1, imageScale)
        self.budget = budget
    }

    /// File name of the rendered Markdown copy.
    public var markdownFileName: String { notebook.baseName + ".md" }

    /// Builds the rendered Markdown and the picture files.
    ///
    /// - Parameters:
    ///   - outputs: items per code cell number (see ``CellOutputCollector``).
    ///   - failure: the failed block, if any; rendering stops after it.
    /// - Throws: `WriteError.pictureTooLarge` when a picture at ``imageScale`` exceeds ``budget``.
    public func render(outputs: [Int: [OutputItem]], failure: Failure?) throws -> [RenderedFile] {
        var files: [RenderedFile] = []
        var parts: [String] = []            // joined with "\n": cells verbatim, outputs between
        var afterOutput = false             // the last part was an output block
        let name = notebook.baseName

        func addOutput(_ block: String) {
            parts.append("")                // a blank line before each output block
            parts.append(block)
            afterOutput = true
        }

        cellLoop: for cell in notebook.cells {
            switch cell {
            case .prose(let prose):
                if afterOutput && !prose.text.hasPrefix("\n") && !prose.text.isEmpty { parts.append("") }
                parts.append(prose.text)
                afterOutput = false
            case .code(let code):
                parts.append(code.markdown)
                afterOutput = false
                var pendingText: [String] = []
                var pictureCount = 0
                func flushText() {
                    if !pendingText.isEmpty { addOutput(Self.textBlock(pendingText.joined(separator: "\n"))) }
                    pendingText = []
                }
                for item in outputs[code.number] ?? [] {
                    switch item {
                    case .text(let text):
                        pendingText.append(text.hasSuffix("\n") ? String(text.dropLast()) : text)
                    case .image(let grid):
                        // `dvae run --out` refuses such a picture at the statement that shows it
                        // (InterpreterOptions.pictureOutputs); this covers other callers.
                        let size = grid.rasterSize(scale: imageScale)
                        let bytes = PictureOutput.pngFile(scale: imageScale).bytes(for: grid)
                        guard budget.allows(bytes) else {
                            throw WriteError.pictureTooLarge(notebook: notebook.path, line: code.fenceLine,
                                                             pixels: "\(size.width)×\(size.height)", bytes: bytes, limit: budget.limit)
                        }
                        guard let png = try? PNGEncoder.encode(grid, scale: imageScale) else {
                            pendingText.append("(empty picture)")
                            continue
                        }
                        flushText()
                        pictureCount += 1
                        let file = "\(name)-cell\(code.number)-\(pictureCount).png"
                        files.append(RenderedFile(name: file, bytes: png))
                        let alt = grid.title ?? "cell \(code.number) picture \(pictureCount)"
                        addOutput("![\(Self.altText(alt))](\(file))")
                    case .plot(let plot):
                        flushText()
                        pictureCount += 1
                        let file = "\(name)-cell\(code.number)-\(pictureCount).svg"
                        files.append(RenderedFile(name: file, bytes: Array(SVGPlotRenderer().render(plot).utf8)))
                        let alt = plot.title.isEmpty ? "cell \(code.number) plot \(pictureCount)" : plot.title
                        addOutput("![\(Self.altText(alt))](\(file))")
                    }
                }
                flushText()
                if let failure, failure.cell == code.number {
                    addOutput(Self.textBlock(failure.message))
                    addOutput("> **Stopped:** the block above failed, so the rest of the notebook was not run.")
                    break cellLoop
                }
            }
        }
        let markdown = parts.joined(separator: "\n") + "\n"
        files.insert(RenderedFile(name: markdownFileName, bytes: Array(markdown.utf8)), at: 0)
        return files
    }

    /// Renders and writes every file into ``outputDirectory``; returns the written paths.
    @discardableResult
    public func write(outputs: [Int: [OutputItem]], failure: Failure?) throws -> [String] {
        let manager = FileManager.default
        try Self.makeDirectory(outputDirectory)
        let target = (outputDirectory as NSString).appendingPathComponent(markdownFileName)
        let resolvedTarget = URL(fileURLWithPath: target).standardizedFileURL.resolvingSymlinksInPath().path
        let resolvedSource = URL(fileURLWithPath: notebook.path).standardizedFileURL.resolvingSymlinksInPath().path
        if resolvedTarget == resolvedSource { throw WriteError.wouldOverwriteSource(notebook.path) }

        // Pictures of an earlier run of this notebook would otherwise linger beside the new copy.
        let stem = (markdownFileName as NSString).deletingPathExtension + "-cell"
        for old in (try? manager.contentsOfDirectory(atPath: outputDirectory)) ?? []
        where old.hasPrefix(stem) && (old.hasSuffix(".png") || old.hasSuffix(".svg")) {
            try? manager.removeItem(atPath: (outputDirectory as NSString).appendingPathComponent(old))
        }
        var written: [String] = []
        for file in try render(outputs: outputs, failure: failure) {
            let path = (outputDirectory as NSString).appendingPathComponent(file.name)
            do {
                try Data(file.bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw WriteError.cannotWrite(path: path, reason: (error as NSError).localizedFailureReason ?? "\(error.localizedDescription)")
            }
            written.append(path)
        }
        return written
    }

    /// `mkdir -p path`, with an error naming the part that is in the way (a regular file where a
    /// directory is needed) instead of Foundation's `NSCocoaErrorDomain` text.
    static func makeDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            var st = stat()
            if stat(prefix, &st) == 0 {
                if (st.st_mode & S_IFMT) != S_IFDIR {
                    let what = RegularFile.describe(st.st_mode) ?? "a regular file"
                    throw WriteError.cannotCreateDirectory(path: path, reason: "\(prefix) is \(what), not a directory")
                }
                continue
            }
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw WriteError.cannotCreateDirectory(path: path, reason: "\(prefix): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// A fenced ```` ```text ```` block whose fence is longer than any backtick run inside.
    static func textBlock(_ text: String) -> String {
        var longest = 0, run = 0
        for ch in text {
            run = ch == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)text\n\(text)\n\(fence)"
    }

    /// Alt text with brackets and newlines replaced by spaces, trimmed.
    static func altText(_ s: String) -> String {
        String(s.map { "[]\n".contains($0) ? " " : $0 }).trimmingCharacters(in: .whitespaces)
    }
}
