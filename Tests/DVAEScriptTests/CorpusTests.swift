import DVAE
import Foundation
import XCTest
@testable import DVAEScript

/// Runs every entry of the bad-input corpus (`Corpus/bad-inputs.txt`): each must fail with a
/// located error at the recorded line and column whose message or help contains the recorded text.
///
/// With `DVAE_CORPUS_RECORD=FILE` the test writes every entry's actual outcome to FILE instead of
/// checking (to review messages when the corpus grows).
final class CorpusTests: XCTestCase {
    func testEveryBadInputGivesItsLocatedMessage() throws {
        let entries = BadInputCorpus.entries()
        XCTAssertGreaterThanOrEqual(entries.count, 150, "the corpus must keep at least 150 inputs")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dvae-corpus-\(getpid())").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try CorpusFixtures.create(in: dir)

        let record = ProcessInfo.processInfo.environment["DVAE_CORPUS_RECORD"]
        var recorded: [String] = []
        for entry in entries {
            let source = entry.input.replacingOccurrences(of: "$DIR", with: dir)
            // A fixed 1 GiB budget, so the messages do not depend on the machine's memory.
            var options = InterpreterOptions(dataLocator: DataLocator(directories: [dir]), testMode: true)
            options.budget = MemoryBudget(limit: 1 << 30)
            let interpreter = Interpreter(sink: CaptureSink(), options: options)
            NotebookRunner.attachNotebookHook(to: interpreter)
            let label = "corpus entry \(entry.number) (bad-inputs.txt:\(entry.fileLine))"
            var outcome: String
            do {
                try interpreter.run(source, file: "corpus.dvae")
                outcome = "NO ERROR"
                if record == nil { XCTFail("\(label): ran without error:\n\(entry.input.prefix(300))") }
            } catch let e as ScriptError {
                let shown = e.description.replacingOccurrences(of: dir, with: "$DIR")
                outcome = "\(e.line):\(e.column) | \(shown)"
                if record == nil {
                    let text = (e.message + " " + (e.suggestion ?? "")).replacingOccurrences(of: dir, with: "$DIR")
                    XCTAssertEqual("\(e.line):\(e.column)", "\(entry.line):\(entry.column)", "\(label): location of\n\(shown)")
                    XCTAssertTrue(text.contains(entry.expected), "\(label): `\(entry.expected)` not in\n\(shown)")
                }
            } catch {
                outcome = "UNLOCATED \(type(of: error)): \(error)"
                if record == nil { XCTFail("\(label): unlocated error \(error)") }
            }
            recorded.append("=== #\(entry.number) (line \(entry.fileLine))\n\(entry.input.prefix(400))\n--> \(outcome)")
        }
        if let record {
            try recorded.joined(separator: "\n\n").write(toFile: record, atomically: true, encoding: .utf8)
        }
    }
}
