import Foundation
import XCTest

/// `--set`, `--test` and `--data`, declared once (`ScriptOptions`) for `dvae`, `dvae repl` and
/// `dvae run`: options may come before or after the file, and `--data DIR` feeds `load`.
final class ScriptOptionsTests: XCTestCase {
    private func script(_ text: String, in dir: String, name: String = "s.dvae") throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testOptionsBeforeOrAfterTheFile() throws {
        let dir = try cliTemporaryDirectory()
        let path = try script("print x + 1, testing\n", in: dir)
        for args in [["run", "--set", "x=1", path], ["run", path, "--set", "x=1"],
                     ["run", "--set", "x=1", "--test", path], ["run", "--test", path, "--set", "x=1"]] {
            let r = try DVAEBinary.run(args)
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
            XCTAssertEqual(r.stdout, args.contains("--test") ? "2 true\n" : "2 false\n", "\(args)")
        }
    }

    func testSetRepeatsForSeveralVariables() throws {
        let dir = try cliTemporaryDirectory()
        let path = try script("print a, b\n", in: dir)
        let r = try DVAEBinary.run(["run", "--set", "a=1", "--set", "b=two", path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "1 two\n")
        let repl = try DVAEBinary.run(["--set", "a=5", "--set", "b=6"], input: "print a * b\n")
        XCTAssertEqual(repl.stdout, "30\n", repl.stderr)
    }

    func testDataDirectoryFeedsLoad() throws {
        let data = try cliTemporaryDirectory()
        let rows = (0..<3).map { r in (0..<784).map { ($0 + r) % 7 == 0 ? "1" : "0" }.joined(separator: " ") }
        try (rows.joined(separator: "\n") + "\n").write(toFile: data + "/tiny.amat", atomically: true, encoding: .utf8)
        let elsewhere = try cliTemporaryDirectory()
        let path = try script("let d = load \"tiny.amat\"\nprint d.count\n", in: elsewhere)
        let found = try DVAEBinary.run(["run", "--data", data, path], directory: elsewhere)
        XCTAssertEqual(found.status, 0, found.stderr)
        XCTAssertEqual(found.stdout, "3\n")
        let piped = try DVAEBinary.run(["repl", "--data", data], input: "print (load \"tiny.amat\").count\n", directory: elsewhere)
        XCTAssertEqual(piped.stdout, "3\n", piped.stderr)
        // Without it the file is not found, and the message names --data.
        let missing = try DVAEBinary.run(["run", path], environment: ["DVAE_DATA": ""], directory: elsewhere)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("--data DIR"), missing.stderr)
    }

    func testMalformedSetIsAUsageError() throws {
        let r = try DVAEBinary.run(["run", "--set", "novalue", "x.dvae"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--set expects name=value"), r.stderr)
    }
}
