import Foundation
import XCTest

/// `dvae run FILE`: exit codes, error locations, rendered copies.
final class RunCommandTests: XCTestCase {
    let passing = """
    # A passing notebook

    Some prose.

    ```dvae
    let a = 20
    print a + 1
    ```

    ```python
    this is not run
    ```

    ```dvae
    let d = load "synthetic"
    show d.test[0:4]
    assert a == 20
    ```

    """

    let failing = """
    # A failing notebook

    ```dvae
    let a = 1
    print "first"
    ```

    Text.

    ```dvae
    print "second"
    assert a == 2
    print "not reached"
    ```

    ```dvae
    print "third"
    ```

    """

    func write(_ text: String, name: String, in dir: String) throws -> String {
        let path = (dir as NSString).appendingPathComponent(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `--html` and `--out` paths that cannot be written are refused before the first cell runs
    /// (issue 20: they were checked only after the whole notebook had computed).
    func testOutputPathsAreCheckedBeforeTheFirstCell() throws {
        let dir = try cliTemporaryDirectory()
        let path = dir + "/nb.md"
        try "# N\n\n```dvae\nprint \"cell ran\"\n```\n".write(toFile: path, atomically: true, encoding: .utf8)
        let blocker = dir + "/plain-file"
        try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/adir", withIntermediateDirectories: true)
        for (args, message) in [
            (["--html", blocker + "/page.html"], "cannot write --html \(blocker)/page.html: \(blocker) is a regular file, not a directory"),
            (["--html", dir + "/adir"], "--html \(dir)/adir is a directory"),
            (["--html", path], "is the notebook itself"),
            (["--out", blocker], "cannot create the output directory \(blocker): \(blocker) is a regular file, not a directory"),
            (["--out", blocker + "/sub/deeper"], "\(blocker) is a regular file, not a directory"),
        ] {
            let r = try DVAEBinary.run(["run", path] + args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stdout.contains("cell ran"), "\(args): no cell runs")
        }
        // Paths still to be created are fine.
        let ok = try DVAEBinary.run(["run", path, "--html", dir + "/new/page.html", "--out", dir + "/new/out"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/new/page.html"))
    }

    /// `--cache DIR`: the variable `cache`, always a string, given once, not a file.
    func testCacheOptionSetsTheCacheVariable() throws {
        let dir = try cliTemporaryDirectory()
        let path = try write("# C\n\n```dvae\nlet cache = \"default\"\nprint cache + \"/x\"\n```\n", name: "c.md", in: dir)
        let plain = try DVAEBinary.run(["run", path])
        XCTAssertEqual(plain.stdout, "default/x\n", plain.stderr)
        let given = try DVAEBinary.run(["run", path, "--cache", "2024"])
        XCTAssertEqual(given.status, 0, given.stderr)
        XCTAssertEqual(given.stdout, "2024/x\n", "a directory named like a number stays a string")
        let both = try DVAEBinary.run(["run", path, "--cache", "a", "--set", "cache=b"])
        XCTAssertNotEqual(both.status, 0, both.stderr)
        XCTAssertTrue(both.stderr.contains("give the cache once"), both.stderr)
        let file = try write("x", name: "plain", in: dir)
        let onFile = try DVAEBinary.run(["run", path, "--cache", file])
        XCTAssertTrue(onFile.stderr.contains("is a file, not a directory"), onFile.stderr)
        XCTAssertNotEqual(onFile.status, 0)
    }

    func testPassingNotebookExitsZero() throws {
        let dir = try cliTemporaryDirectory()
        let path = try write(passing, name: "pass.md", in: dir)
        let result = try DVAEBinary.run(["run", path], environment: ["NO_COLOR": "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("21\n"), result.stdout)
        XCTAssertFalse(result.stdout.contains("not run"))
    }

    func testFailingNotebookReportsNotebookLineAndStops() throws {
        let dir = try cliTemporaryDirectory()
        let path = try write(failing, name: "fail.md", in: dir)
        let result = try DVAEBinary.run(["run", path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("first"))
        XCTAssertTrue(result.stdout.contains("second"))
        XCTAssertFalse(result.stdout.contains("not reached"))
        XCTAssertFalse(result.stdout.contains("third"))
        // `assert a == 2` is line 11 of the notebook file.
        XCTAssertTrue(result.stderr.contains("\(path):12:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("error:"), result.stderr)
    }

    func testSetOverridesTheNotebooksValue() throws {
        let dir = try cliTemporaryDirectory()
        let path = try write(failing, name: "fail.md", in: dir)
        let result = try DVAEBinary.run(["run", path, "--set", "a=2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("not reached"))
    }

    func testOutWritesRenderedCopyWithPNG() throws {
        let dir = try cliTemporaryDirectory()
        let path = try write(passing, name: "pass.md", in: dir)
        let out = dir + "/rendered"
        let result = try DVAEBinary.run(["run", path, "--out", out])
        XCTAssertEqual(result.status, 0, result.stderr)
        let markdown = try String(contentsOfFile: out + "/pass.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("```text\n21\n```"), markdown)
        XCTAssertTrue(markdown.contains("](pass-cell2-1.png)"), markdown)
        let png = try Data(contentsOf: URL(fileURLWithPath: out + "/pass-cell2-1.png"))
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR: width and height, big-endian, at bytes 16..<24; 4 synthetic 12×12 images at scale 2.
        let bytes = [UInt8](png)
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(height, 24)
        XCTAssertEqual(width, 4 * 24 + 3)
    }

    func testOutOnFailureShowsTheErrorAndStops() throws {
        let dir = try cliTemporaryDirectory()
        let path = try write(failing, name: "fail.md", in: dir)
        let result = try DVAEBinary.run(["run", path, "--out", dir + "/o"])
        XCTAssertNotEqual(result.status, 0)
        let markdown = try String(contentsOfFile: dir + "/o/fail.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("fail.md:12:"), markdown)
        XCTAssertFalse(markdown.contains("print \"third\""))
    }

    func testPlainScriptFile() throws {
        let dir = try cliTemporaryDirectory()
        let path = try write("let x = 3\nprint x * 2\nprint y\n", name: "s.dvae", in: dir)
        let result = try DVAEBinary.run(["run", path])
        XCTAssertEqual(result.stdout, "6\n")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.hasPrefix("\(path):3:7: error:"), result.stderr)
    }

    func testMissingFile() throws {
        let result = try DVAEBinary.run(["run", "/nonexistent/nb.md"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("/nonexistent/nb.md"))
    }

    func testTestFlagSetsTesting() throws {
        let dir = try cliTemporaryDirectory()
        let path = try write("```dvae\nprint testing\n```\n", name: "t.md", in: dir)
        XCTAssertEqual(try DVAEBinary.run(["run", path, "--test"]).stdout, "true\n")
        XCTAssertEqual(try DVAEBinary.run(["run", path]).stdout, "false\n")
    }

    /// `--cached-only` computes nothing: an unfinished cell is pending, listed as read only, the run
    /// exits 0, and no result appears in the cache. Without the flag the same notebook computes it.
    func testCachedOnlyReadsAndNeverComputes() throws {
        let dir = try cliTemporaryDirectory()
        let cache = dir + "/cache"
        let path = try write("""
            ```dvae
            let d = load synthetic
            let r = experiment on d hidden [8] latent 2 epochs 2 train_size 100 test_size 20 seed 1 cache "\(cache)"
            print r.pending
            ```

            """, name: "c.md", in: dir)
        let looked = try DVAEBinary.run(["run", "--cached-only", path])
        XCTAssertEqual(looked.status, 0, looked.stderr)
        XCTAssertEqual(looked.stdout, "true\n")
        XCTAssertTrue(looked.stderr.contains("\n  read only: "), looked.stderr)
        let results = (try? FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasSuffix(".json") }) ?? []
        XCTAssertEqual(results, [], "--cached-only stored a result")
        let computed = try DVAEBinary.run(["run", path])
        XCTAssertEqual(computed.status, 0, computed.stderr)
        XCTAssertEqual(computed.stdout, "false\n")
        let read = try DVAEBinary.run(["run", "--cached-only", path])
        XCTAssertEqual(read.stdout, "false\n", "a finished cell is read under --cached-only")
        XCTAssertEqual(read.stderr, "")
    }
}
