import DVAENotebook
import Foundation

/// Markdown notebooks ↔ Jupyter's `.ipynb` (nbformat 4.5), keeping prose and cells:
/// each ```` ```dvae ```` block is a code cell, the Markdown between blocks a markdown cell.
///
/// Markdown → `.ipynb` → Markdown gives back the same file: cells are separated by one blank
/// line unless the cell before says otherwise; other spacing is recorded in a cell's metadata
/// (`dvae.blank_lines_after`, `…_before`, `…_at_end`), and a fence other than ```` ```dvae ````
/// in `dvae.fence`, so those come back too. Outputs in an `.ipynb` are not carried into Markdown: a Markdown
/// notebook holds no outputs (`dvae run --out` writes a rendered copy with them).
public enum NotebookConversion {
    /// A notebook that cannot be converted, and why.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        /// The file.
        public var path: String
        /// What is wrong and what to do.
        public var reason: String
        /// `PATH: error: REASON`.
        public var description: String { "\(path): error: \(reason)" }
    }

    /// The `.ipynb` JSON of `notebook`, with the dvae kernelspec in its metadata.
    public static func ipynb(from notebook: Notebook) -> JSONValue {
        var cells: [[String: JSONValue]] = []
        var spacing: [[String: JSONValue]] = []   // each cell's `dvae` metadata: fences, blank lines
        var blank = 0                             // empty lines since the last cell's last line

        func add(_ type: String, _ source: String, fence: [String: JSONValue] = [:]) {
            if cells.isEmpty {
                if blank != 0 { spacing.append(["blank_lines_before": .int(blank)]) } else { spacing.append([:]) }
            } else {
                if blank != 1 { spacing[spacing.count - 1]["blank_lines_after"] = .int(blank) }
                spacing.append([:])
            }
            spacing[spacing.count - 1].merge(fence) { _, new in new }
            var cell: [String: JSONValue] = ["cell_type": .string(type), "id": .string("cell-\(cells.count + 1)"),
                                             "source": lines(source)]
            if type == "code" {
                cell["execution_count"] = .null
                cell["outputs"] = []
            }
            cells.append(cell)
            blank = 0
        }

        for cell in notebook.cells {
            switch cell {
            case .prose(let prose):
                var text = prose.text.components(separatedBy: "\n")
                let leading = text.prefix(while: \.isEmpty).count
                text.removeFirst(leading)
                let trailing = text.reversed().prefix(while: \.isEmpty).count
                text.removeLast(trailing)
                blank += leading
                if !text.isEmpty {
                    add("markdown", text.joined(separator: "\n"))
                    blank = trailing
                }
            case .code(let code):
                var fence: [String: JSONValue] = [:]
                if code.openingFence != "```dvae" || code.closingFence != "```" {
                    fence["fence"] = .string(code.openingFence)
                    fence["closing_fence"] = code.closingFence.map(JSONValue.string) ?? .null
                }
                add("code", code.source, fence: fence)
            }
        }
        if blank != 0, !spacing.isEmpty { spacing[spacing.count - 1]["blank_lines_at_end"] = .int(blank) }
        let withMetadata: [JSONValue] = zip(cells, spacing).map { cell, dvae in
            var cell = cell
            cell["metadata"] = dvae.isEmpty ? [:] : ["dvae": .object(dvae)]
            return .object(cell)
        }
        return [
            "cells": .array(withMetadata),
            "metadata": [
                "kernelspec": ["name": .string(KernelInfo.kernelName), "display_name": .string(KernelInfo.displayName),
                               "language": .string(KernelInfo.language)],
                "language_info": KernelInfo.languageInfo,
            ],
            "nbformat": 4,
            "nbformat_minor": 5,
        ]
    }

    /// The Markdown notebook for the `.ipynb` bytes read from `path`.
    public static func markdown(fromIPYNB bytes: [UInt8], path: String) throws -> String {
        guard let json = try? JSONValue.parse(bytes), case .object = json else {
            throw Problem(path: path, reason: "not a Jupyter notebook: the file is not a JSON object")
        }
        guard json["nbformat"]?.intValue == 4 else {
            throw Problem(path: path, reason: "only nbformat 4 notebooks can be converted (this one is "
                          + "\(json["nbformat"]?.intValue.map { "version \($0)" } ?? "unversioned")); "
                          + "upgrade it with `jupyter nbconvert --to notebook`")
        }
        let metadata = json["metadata"]
        let language = metadata?["kernelspec"]?["language"]?.stringValue ?? metadata?["language_info"]?["name"]?.stringValue
        if let language, language.lowercased() != KernelInfo.language {
            throw Problem(path: path, reason: "this is a \(language) notebook, not a dvae one: its code cells would become "
                          + "```dvae blocks; convert notebooks whose kernel is dvae")
        }
        guard let cells = json["cells"]?.arrayValue else {
            throw Problem(path: path, reason: "the notebook has no `cells` list")
        }
        var out = String(repeating: "\n", count: cells.first?["metadata"]?["dvae"]?["blank_lines_before"]?.intValue ?? 0)
        for (index, cell) in cells.enumerated() {
            let source = text(of: cell["source"])
            let dvae = cell["metadata"]?["dvae"]
            switch cell["cell_type"]?.stringValue {
            case "code":
                let fence = dvae?["fence"]?.stringValue ?? Self.fence(for: source) + "dvae"
                let closing: String?
                if let stored = dvae?["closing_fence"] { closing = stored.stringValue } else {
                    closing = String(fence.prefix(while: { $0 == "`" || $0 == "~" || $0 == " " }))
                }
                out += fence + "\n" + (source.isEmpty ? "" : source + "\n") + (closing.map { $0 + "\n" } ?? "")
            case "markdown", "raw":
                out += source + "\n"
            default:
                throw Problem(path: path, reason: "cell \(index + 1) has an unknown cell_type "
                              + "`\(cell["cell_type"]?.stringValue ?? "none")` (expected code, markdown or raw)")
            }
            let blank = index < cells.count - 1 ? dvae?["blank_lines_after"]?.intValue ?? 1
                : dvae?["blank_lines_at_end"]?.intValue ?? 0
            out += String(repeating: "\n", count: max(0, blank))
        }
        return out
    }

    /// A cell's `source`: a string, or a list of lines (each with its newline) to join.
    static func text(of source: JSONValue?) -> String {
        var text: String
        switch source {
        case .string(let s)?: text = s
        case .array(let parts)?: text = parts.compactMap(\.stringValue).joined()
        default: text = ""
        }
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// `source` as nbformat writes it: lines, each but the last ending in `\n`.
    static func lines(_ source: String) -> JSONValue {
        guard !source.isEmpty else { return [] }
        let parts = source.components(separatedBy: "\n")
        return .array(parts.enumerated().map { i, line in .string(i < parts.count - 1 ? line + "\n" : line) })
    }

    /// An opening fence of backticks longer than any run of backticks that starts a line of `code`
    /// (so the code cannot close it early).
    static func fence(for code: String) -> String {
        var longest = 0
        for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
            let run = line.drop(while: { $0 == " " }).prefix(while: { $0 == "`" }).count
            longest = max(longest, run)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }
}
