@testable import DVAEKernel
import XCTest

/// The kernelspec, history queries and cursor arithmetic.
final class KernelPiecesTests: XCTestCase {
    func testKernelSpecIsWrittenWhereJupyterLooks() throws {
        let dir = NSTemporaryDirectory() + "dvae-kernelspec-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spec = KernelSpec(executable: "/opt/bin/dvae", extraArguments: ["--data", "/data"])
        let installed = try spec.install(at: .prefix(dir))
        XCTAssertEqual(installed, dir + "/share/jupyter/kernels/dvae")
        let json = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: installed + "/kernel.json"))))
        XCTAssertEqual(json["argv"], ["/opt/bin/dvae", "kernel", "--data", "/data", "--connection-file", "{connection_file}"])
        XCTAssertEqual(json["language"], "dvae")
        XCTAssertEqual(json["display_name"], "dvae")
        XCTAssertEqual(json["interrupt_mode"], "signal")

        XCTAssertEqual(try KernelSpec.Location.user.dataDirectory(environment: ["JUPYTER_DATA_DIR": "/j"]), "/j")
        XCTAssertEqual(try KernelSpec.Location.user.dataDirectory(environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]), "/x/jupyter")
        XCTAssertEqual(try KernelSpec.Location.user.dataDirectory(environment: ["HOME": "/h"]), "/h/.local/share/jupyter")
        XCTAssertThrowsError(try spec.install(at: .prefix(dir), name: "bad name")) {
            XCTAssertTrue("\($0)".contains("a kernel name may use only"), "\($0)")
        }
        try "x".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try spec.install(at: .prefix(dir + "/file"))) {
            XCTAssertTrue("\($0)".hasPrefix("cannot install the kernelspec at \(dir)/file/share/jupyter/kernels/dvae: "), "\($0)")
        }
    }

    func testHistoryAnswersTailRangeAndSearch() {
        var history = KernelHistory()
        history.record(line: 1, input: "let x = 1", output: nil)
        history.record(line: 2, input: "x + 1", output: "2")
        history.record(line: 3, input: "print x", output: nil)
        history.record(line: 4, input: "x + 1", output: "2")
        XCTAssertEqual(history.reply(to: ["hist_access_type": "tail", "n": 2]), [[1, 3, "print x"], [1, 4, "x + 1"]])
        XCTAssertEqual(history.reply(to: ["hist_access_type": "range", "session": 0, "start": 2, "stop": 4, "output": true]),
                       [[1, 2, ["x + 1", "2"]], [1, 3, ["print x", nil]]])
        XCTAssertEqual(history.reply(to: ["hist_access_type": "range", "session": 7, "start": 1]), [], "another session")
        XCTAssertEqual(history.reply(to: ["hist_access_type": "search", "pattern": "x*1"]),
                       [[1, 2, "x + 1"], [1, 4, "x + 1"]], "a glob matches the whole input")
        XCTAssertEqual(history.reply(to: ["hist_access_type": "search", "pattern": "*x*", "unique": true, "n": 2]),
                       [[1, 3, "print x"], [1, 4, "x + 1"]])
        XCTAssertTrue(KernelHistory.glob("pr?nt *", matches: "print x"))
        XCTAssertFalse(KernelHistory.glob("print", matches: "print x"))
    }

    func testCursorCountsCodePointsAndFindsTheWord() {
        let code = "let σ = 1\nbound m on d.te"
        let cursor = CodeCursor(code: code, position: code.unicodeScalars.count)
        XCTAssertEqual(cursor.word, "d.te")
        XCTAssertEqual(cursor.wordStart, code.unicodeScalars.count - 4)
        XCTAssertEqual(cursor.line, "bound m on d.te")
        XCTAssertFalse(cursor.inString)
        XCTAssertTrue(CodeCursor(code: "load \"note", position: 10).inString)
        XCTAssertEqual(CodeCursor.word(in: "?train m", at: 0), "train")
        XCTAssertEqual(CodeCursor.word(in: "print data.train.", at: 8), "data.train")
        XCTAssertEqual(CodeCursor(code: "é", position: 99).position, 1, "clamped to the code")
    }
}
