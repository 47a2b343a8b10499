import XCTest

/// `dvae` with standard input not a terminal: a script, no prompts.
final class PipedInputTests: XCTestCase {
    func testPrintsArithmetic() throws {
        let result = try DVAEBinary.run([], input: "print 1+1\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "2\n")
        XCTAssertEqual(result.stderr, "")
    }

    func testErrorExitsNonZeroWithLocation() throws {
        let result = try DVAEBinary.run([], input: "let a = 2\nprint a\nprint nope\nprint 3\n")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stdout, "2\n", "statements before the error ran; none after it")
        XCTAssertTrue(result.stderr.hasPrefix("<stdin>:3:7: error: "), result.stderr)
    }

    func testPicturesOnAPipeHaveNoEscapeCodes() throws {
        let script = """
        let d = load "synthetic"
        show d.test[0:3]
        """
        let result = try DVAEBinary.run([], input: script, environment: ["NO_COLOR": "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.contains("\u{1B}"))
        XCTAssertFalse(result.stdout.contains("\r"))
        XCTAssertGreaterThan(result.stdout.split(separator: "\n").count, 3)
    }

    func testTrainingOnAPipePrintsNoControlCharacters() throws {
        let script = """
        let d = load "synthetic" subset 200
        let m = model vae for d.train hidden [10] latent 2
        train m on d.train epochs 2
        """
        let result = try DVAEBinary.run([], input: script)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.unicodeScalars.contains { $0.value < 32 && $0 != "\n" }, result.stdout)
    }

    func testSetPredefinesVariables() throws {
        let result = try DVAEBinary.run(["repl", "--set", "n=41"], input: "print n + 1\n")
        XCTAssertEqual(result.stdout, "42\n", result.stderr)
    }

    func testRunNestedNotebookKeepsBindingsAndReportsItsOwnLines() throws {
        let dir = try cliTemporaryDirectory()
        try "# nested\n\n```dvae\nlet zz = 5\n```\n".write(toFile: dir + "/ok.md", atomically: true, encoding: .utf8)
        try "```dvae\nprint nope\n```\n".write(toFile: dir + "/bad.md", atomically: true, encoding: .utf8)
        let ok = try DVAEBinary.run([], input: "run \"\(dir)/ok.md\"\nprint zz\n")
        XCTAssertEqual(ok.stdout, "5\n", ok.stderr)
        let bad = try DVAEBinary.run([], input: "run \"\(dir)/bad.md\"\n")
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.hasPrefix("\(dir)/bad.md:2:7: error:"), bad.stderr)
    }
}
