import DVAE
import DVAENotebook
import Foundation
import XCTest
@testable import DVAEScript

/// Runs the examples of the documentation so it cannot drift from what the tool does.
///
/// - `docs/language.md`: every ```` ```dvae ```` block runs, in order, in one session (as a
///   notebook would), and must finish without error (so every `assert` holds). A comment
///   `# → TEXT` promises that the block prints a line TEXT; an ```` ```output ```` block after a
///   code block promises those lines, consecutively. Promised lines must appear in the block's
///   output in the order written.
/// - `README.md`: its ```` ```dvae ```` blocks, if any, the same way; and the REPL transcript under "A REPL session" is replayed line by line through
///   one interpreter, as the REPL runs it (an error is printed and the session goes on); the
///   lines under each `dvae>` input must be exactly what that input prints.
///
/// Matching a promised line against a printed one: `…` stands for any text (a line holding only
/// `…` for any number of lines); a decimal number must agree to within 1 % (or one unit of its
/// last printed digit), because other processors' BLAS kernels round differently and training
/// amplifies the difference; a whole number must agree exactly; a duration (`12.3 s`) may be
/// anything.
final class DocumentationExampleTests: XCTestCase {
    /// The repository root, found from this file's path.
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The directory holding the real data files, found the way the tool looks for them, or nil.
    private static var realDataDirectory: String? {
        var places = [root.appendingPathComponent("data").path,
                      root.deletingLastPathComponent().appendingPathComponent("shared/data").path]
        if let d = ProcessInfo.processInfo.environment["DVAE_DATA"] { places.insert(d, at: 0) }
        return places.first { FileManager.default.fileExists(atPath: $0 + "/binarized_mnist_test.amat") }
    }

    // MARK: docs/language.md

    func testEveryLanguageReferenceExampleRunsAndPrintsWhatItsCommentsSay() throws {
        let promises = try checkExamples(of: "docs/language.md")
        XCTAssertGreaterThanOrEqual(promises, 5, "the reference should promise some outputs")
    }

    /// README.md has no ```` ```dvae ```` block today (its session is a transcript, checked
    /// below); any it gains runs here.
    func testEveryReadmeExampleRunsAndPrintsWhatItsCommentsSay() throws {
        _ = try checkExamples(of: "README.md")
    }

    /// Runs every ```` ```dvae ```` block of the Markdown file at `relative` (from the repository
    /// root) in one session and checks its promised output; returns the number of promises.
    private func checkExamples(of relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let path = Self.root.appendingPathComponent(relative).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let promises = DocPromises.parse(markdown: text)
        let notebook = Notebook.parse(text: text, path: path)
        if notebook.codeCells.isEmpty { return 0 }
        let needsData = notebook.codeCells.contains { $0.source.contains("\"binarized_mnist\"") || $0.source.contains("\"frey\"") }
        let data = Self.realDataDirectory
        if needsData && data == nil {
            throw XCTSkip("\(relative) loads real data; the data files are not available (set DVAE_DATA)")
        }
        // The examples may write a result cache under ./results: run them in a fresh directory.
        let fm = FileManager.default
        let previous = fm.currentDirectoryPath
        let scratch = NSTemporaryDirectory() + "dvae-doc-examples-" + UUID().uuidString
        try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        XCTAssertTrue(fm.changeCurrentDirectoryPath(scratch))
        defer {
            fm.changeCurrentDirectoryPath(previous)
            try? fm.removeItem(atPath: scratch)
        }
        let runner = NotebookRunner(options: InterpreterOptions(dataDirectory: data), forward: nil)
        let outcome = try runner.run(notebook)
        XCTAssertNil(outcome.error, "\(relative) failed: \(outcome.error?.description ?? "")", file: file, line: line)
        XCTAssertEqual(outcome.blocksCompleted, notebook.codeCells.count, file: file, line: line)
        for promise in promises {
            let printed = (outcome.outputs[promise.cell] ?? []).flatMap { item -> [String] in
                if case .text(let s) = item { return s.components(separatedBy: "\n") }
                return []
            }
            if let problem = DocPromises.check(promise, against: printed) {
                XCTFail("\(relative), code block \(promise.cell): \(problem)\nthe block printed:\n"
                        + printed.joined(separator: "\n"), file: file, line: line)
            }
        }
        return promises.count
    }

    // MARK: README.md

    func testReadmeReplTranscriptIsWhatTheReplPrints() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let entries = try XCTUnwrap(ReplTranscript.parse(markdown: text, section: "## A REPL session"),
                                    "README.md has no ```text transcript under \"## A REPL session\"")
        XCTAssertGreaterThanOrEqual(entries.count, 5)
        let (interp, sink) = makeInterpreter(testMode: false)
        for entry in entries {
            let before = sink.items.count
            var printed: [String] = []
            do {
                try interp.run(entry.input, file: "<repl>", firstLine: 1)
            } catch {
                printed = "\(error)".components(separatedBy: "\n")
            }
            let emitted = sink.items[before...].flatMap { item -> [String] in
                if case .text(let s) = item { return s.components(separatedBy: "\n") }
                return []
            }
            printed = emitted + printed
            if !DocPromises.linesMatch(expected: entry.output, printed: printed) {
                XCTFail("README.md, after `dvae> \(entry.input)` the transcript shows\n"
                        + entry.output.joined(separator: "\n") + "\nbut the REPL prints\n" + printed.joined(separator: "\n"))
            }
        }
    }

    // MARK: the matcher itself

    func testMatcherAcceptsRoundingAndEllipsesButNotOtherNumbers() {
        XCTAssertTrue(DocPromises.lineMatches("-145.67 ± 1.26 nats (IWAE-100, 1000 examples)",
                                              "-145.70 ± 1.25 nats (IWAE-100, 1000 examples)"))
        XCTAssertFalse(DocPromises.lineMatches("-98.31 ± 0.42 nats (IWAE-5000, 1000 examples)",
                                               "-191.15 ± 1.49 nats (IWAE-5000, 1000 examples)"))
        XCTAssertFalse(DocPromises.lineMatches("-145.67 ± 1.26 nats (IWAE-100, 1000 examples)",
                                               "-145.67 ± 1.26 nats (IWAE-100, 999 examples)"), "whole numbers are exact")
        XCTAssertTrue(DocPromises.lineMatches("seed 1: ELBO -146.67 ± 1.24 (1000 test examples), … s",
                                              "seed 1: ELBO -146.67 ± 1.24 (1000 test examples), 12.3 s"))
        XCTAssertTrue(DocPromises.lineMatches("train -66.01  (0.0 s)", "train -66.01  (0.3 s)"), "durations vary")
        XCTAssertFalse(DocPromises.lineMatches("holds", "fails"))
        XCTAssertFalse(DocPromises.lineMatches("16", "16 components"), "a line matches as a whole")
        XCTAssertTrue(DocPromises.linesMatch(expected: ["a 1", "…", "c 3"], printed: ["a 1", "b", "b", "c 3"]))
        XCTAssertFalse(DocPromises.linesMatch(expected: ["a 1", "c 3"], printed: ["a 1", "b", "c 3"]))
        let promises = DocPromises.parse(markdown: "```dvae\nprint 1   # → 1\n# plain comment\n```\ntext\n```output\nx\ny\n```\n")
        XCTAssertEqual(promises.map(\.cell), [1, 1])
        XCTAssertEqual(promises.map(\.lines), [["1"], ["x", "y"]])
        XCTAssertEqual(promises.map(\.consecutive), [false, true])
    }
}

/// What the documentation promises a code block prints, and how a promise is checked.
enum DocPromises {
    /// Lines a code block must print.
    struct Promise {
        /// 1-based number of the ```` ```dvae ```` block.
        var cell: Int
        /// The promised lines.
        var lines: [String]
        /// True for an ```` ```output ```` block (its lines must be printed one after another).
        var consecutive: Bool
    }

    /// Every `# → …` comment and every ```` ```output ```` block of `markdown`, in file order.
    static func parse(markdown: String) -> [Promise] {
        var promises: [Promise] = []
        var cell = 0
        var inside: String? = nil      // "dvae", "output" or another fence's info word
        var block: [String] = []
        for line in markdown.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let kind = inside {
                if trimmed == "```" {
                    if kind == "output", cell > 0 { promises.append(Promise(cell: cell, lines: block, consecutive: true)) }
                    inside = nil
                    block = []
                } else if kind == "output" {
                    block.append(line)
                } else if kind == "dvae", let arrow = line.range(of: "# → ") {
                    promises.append(Promise(cell: cell, lines: [String(line[arrow.upperBound...])], consecutive: false))
                }
            } else if trimmed.hasPrefix("```") {
                let info = trimmed.dropFirst(3).split(separator: " ").first.map(String.init) ?? ""
                inside = info
                if info == "dvae" { cell += 1 }
            }
        }
        return promises
    }

    /// Nil when `printed` keeps `promise`, otherwise what is missing.
    static func check(_ promise: Promise, against printed: [String]) -> String? {
        if promise.consecutive {
            let n = promise.lines.count
            guard n <= printed.count else { return "the output block is longer than what was printed" }
            for start in 0...(printed.count - n) where linesMatch(expected: promise.lines, printed: Array(printed[start..<start + n])) {
                return nil
            }
            return "these lines were not printed:\n" + promise.lines.joined(separator: "\n")
        }
        for line in promise.lines where !printed.contains(where: { lineMatches(line, $0) }) {
            return "a comment promises the line `\(line)`, which was not printed"
        }
        return nil
    }

    /// Whether `printed` is `expected` line for line; a line `…` stands for any number of lines.
    static func linesMatch(expected: [String], printed: [String]) -> Bool {
        guard let first = expected.first else { return printed.isEmpty }
        if first.trimmingCharacters(in: .whitespaces) == "…" {
            let rest = Array(expected.dropFirst())
            return (0...printed.count).contains { linesMatch(expected: rest, printed: Array(printed[$0...])) }
        }
        guard let line = printed.first, lineMatches(first, line) else { return false }
        return linesMatch(expected: Array(expected.dropFirst()), printed: Array(printed.dropFirst()))
    }

    /// A number as printed: optional sign, digits, optional decimals and exponent.
    private static let number = #"-?[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?"#

    /// Whether the printed line `actual` is the promised line `expected` (see the class comment).
    static func lineMatches(_ expected: String, _ actual: String) -> Bool {
        let expected = expected.trimmingCharacters(in: .whitespaces)
        let actual = actual.trimmingCharacters(in: .whitespaces)
        // Split the promise into literal text, numbers and `…`, and build one anchored pattern.
        let tokenizer = try! NSRegularExpression(pattern: "…|" + number)
        var pattern = "^"
        var numbers: [(text: String, isDuration: Bool)] = []
        var last = expected.startIndex
        let ns = expected as NSString
        for m in tokenizer.matches(in: expected, range: NSRange(location: 0, length: ns.length)) {
            let range = Range(m.range, in: expected)!
            pattern += NSRegularExpression.escapedPattern(for: String(expected[last..<range.lowerBound]))
            let token = String(expected[range])
            if token == "…" {
                pattern += ".*?"
            } else {
                pattern += "(" + number + ")"
                numbers.append((token, expected[range.upperBound...].hasPrefix(" s")
                                && !expected[range.upperBound...].hasPrefix(" se")))
            }
            last = range.upperBound
        }
        pattern += NSRegularExpression.escapedPattern(for: String(expected[last...])) + "$"
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let m = regex.firstMatch(in: actual, range: NSRange(location: 0, length: (actual as NSString).length))
        else { return false }
        for (i, promised) in numbers.enumerated() {
            let got = (actual as NSString).substring(with: m.range(at: i + 1))
            if promised.isDuration { continue }
            guard let e = Double(promised.text), let a = Double(got) else { return false }
            if let dot = promised.text.firstIndex(of: ".") {
                let decimals = promised.text[promised.text.index(after: dot)...].prefix { $0.isNumber }.count
                let unit = pow(10, -Double(decimals))
                if abs(a - e) > max(0.01 * abs(e), unit) + 1e-12 { return false }
            } else if promised.text != got {
                return false
            }
        }
        return true
    }
}

/// The `dvae>` inputs of a README transcript and the lines each one prints.
enum ReplTranscript {
    /// One input line and its output.
    struct Entry {
        var input: String
        var output: [String]
    }

    /// The entries of the first ```` ```text ```` block after the heading `section`, or nil.
    static func parse(markdown: String, section: String) -> [Entry]? {
        let lines = markdown.components(separatedBy: "\n")
        guard let heading = lines.firstIndex(of: section),
              let open = lines[heading...].firstIndex(where: { $0.hasPrefix("```text") }) else { return nil }
        var entries: [Entry] = []
        for line in lines[(open + 1)...] {
            if line.hasPrefix("```") { break }
            if line.hasPrefix("dvae> ") {
                entries.append(Entry(input: String(line.dropFirst(6)), output: []))
            } else if !entries.isEmpty {
                entries[entries.count - 1].output.append(line)
            }
        }
        return entries
    }
}
