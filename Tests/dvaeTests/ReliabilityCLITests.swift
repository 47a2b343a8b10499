import Foundation
import XCTest

/// The executable's side of issue 10: the same decoding piped and from files, located errors for
/// files and directories that are not what they should be, and the memory budget.
final class ReliabilityCLITests: XCTestCase {
    func testPipedBOMAndCRLFAreReadLikeAFile() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("print 1+1\r\nlet x = [1\r\n 2]\r\nprint x\r\n".utf8)
        let piped = try DVAEBinary.run([], inputBytes: bytes)
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(piped.stdout, "2\n[1 2]\n")
        let dir = try cliTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/s.dvae", contents: Data(bytes))
        let file = try DVAEBinary.run(["run", dir + "/s.dvae"])
        XCTAssertEqual(file.status, 0, file.stderr)
        XCTAssertEqual(file.stdout, piped.stdout)
    }

    func testInvalidUTF8IsLocatedToItsLine() throws {
        let bytes = Array("print 1\nprint \"caf".utf8) + [0xE9] + Array("\"\n".utf8)
        let piped = try DVAEBinary.run([], inputBytes: bytes)
        XCTAssertEqual(piped.status, 1)
        XCTAssertTrue(piped.stderr.hasPrefix("<stdin>:2:11: error: invalid UTF-8: byte 0xE9"), piped.stderr)
        XCTAssertEqual(piped.stdout, "", "nothing runs from a file that cannot be decoded")
        let dir = try cliTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/s.dvae", contents: Data(bytes))
        let file = try DVAEBinary.run(["run", dir + "/s.dvae"])
        XCTAssertEqual(file.status, 2)
        XCTAssertTrue(file.stderr.hasPrefix("\(dir)/s.dvae:2:11: error: invalid UTF-8"), file.stderr)
    }

    func testAFIFOIsRefusedNotWaitedOn() throws {
        let dir = try cliTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertEqual(mkfifo(dir + "/x.amat", 0o644), 0)
        XCTAssertEqual(mkfifo(dir + "/nb.md", 0o644), 0)
        let load = try DVAEBinary.run([], input: "load \"\(dir)/x.amat\"\n")
        XCTAssertEqual(load.status, 1)
        XCTAssertTrue(load.stderr.contains("it is a named pipe (FIFO), not a regular file"), load.stderr)
        let run = try DVAEBinary.run(["run", dir + "/nb.md"])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("cannot read \(dir)/nb.md: it is a named pipe (FIFO)"), run.stderr)
    }

    func testAnUnclosedFenceIsAnErrorAtTheFence() throws {
        let dir = try cliTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "# T\n\n```dvae\nprint 1\n```\n\n  ````dvae\nprint 2\n\nprint \"prose\"\n".write(toFile: dir + "/nb.md", atomically: true, encoding: .utf8)
        let r = try DVAEBinary.run(["run", dir + "/nb.md"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "", "nothing runs")
        XCTAssertTrue(r.stderr.hasPrefix("\(dir)/nb.md:7:3: error: this ```dvae block is never closed\n    ````dvae\n    ^~~~"), r.stderr)
    }

    func testOutUnderARegularFileIsAClearError() throws {
        let dir = try cliTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "```dvae\nprint 1\n```\n".write(toFile: dir + "/nb.md", atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: dir + "/afile", contents: Data("x".utf8))
        let r = try DVAEBinary.run(["run", dir + "/nb.md", "--out", dir + "/afile/out"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("cannot create the output directory \(dir)/afile/out: \(dir)/afile is a regular file, not a directory"), r.stderr)
        XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
    }

    func testMaxMemoryRefusesLargeRequestsWithTheirSize() throws {
        let r = try DVAEBinary.run(["--max-memory", "64M"], input: "let m = model vae input 784 hidden [2000 2000] latent 50\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("would need 174.6 MiB, more than the memory limit of 64.0 MiB"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--max-memory"), r.stderr)
        let bad = try DVAEBinary.run(["--max-memory", "lots"], input: "print 1\n")
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--max-memory expects a size"), bad.stderr)
    }

    /// Located at the statement that shows it (file:line:col), before it is drawn, and the cells
    /// after it do not run (issue 20: `FILE:3` with no column, after the whole notebook had run).
    func testAPictureTooLargeForTheBudgetIsRefusedAtItsStatement() throws {
        let dir = try cliTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let nb = "# P\n\n```dvae\nlet d = load synthetic\nlet m = model vae for d.train hidden [4] latent 2\nshow sample m 2000\n```\n"
            + "\n```dvae\nprint \"after\"\n```\n"
        try nb.write(toFile: dir + "/nb.md", atomically: true, encoding: .utf8)
        let r = try DVAEBinary.run(["run", dir + "/nb.md", "--out", dir + "/out", "--scale", "16", "--max-memory", "100M"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("\(dir)/nb.md:6:6: error: this picture of 2000 images is"), r.stderr)
        XCTAssertTrue(r.stderr.contains("pixels at --scale 16 and would need"), r.stderr)
        XCTAssertTrue(r.stderr.contains("more than the memory limit of 100.0 MiB"), r.stderr)
        XCTAssertTrue(r.stderr.contains("help: show fewer images, lower --scale, or raise --max-memory"), r.stderr)
        XCTAssertFalse(r.stdout.contains("after"), r.stdout)
        // The rendered copy is written up to the failing block, with the error under it.
        let copy = try String(contentsOfFile: dir + "/out/nb.md", encoding: .utf8)
        XCTAssertTrue(copy.contains("nb.md:6:6: error: this picture of 2000 images"), copy)
    }

    /// The same with `--html` (issue 20: the page left such a picture out with a note, found only
    /// after the whole notebook had run): refused at its statement, and the
    /// page is still written, with the error at its cell. 700 pictures fit a PNG file within the
    /// limit but not the page (PictureOutputTests).
    func testAPictureTooLargeForTheHTMLPageIsRefusedAtItsStatement() throws {
        let dir = try cliTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let nb = "# P\n\n```dvae\nlet d = load synthetic\nlet m = model vae for d.train hidden [4] latent 2\nshow sample m 700\n```\n"
            + "\n```dvae\nprint \"after\"\n```\n"
        try nb.write(toFile: dir + "/nb.md", atomically: true, encoding: .utf8)
        let r = try DVAEBinary.run(["run", dir + "/nb.md", "--html", dir + "/nb.html", "--scale", "16", "--max-memory", "100M"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("\(dir)/nb.md:6:6: error: this picture of 700 images is"), r.stderr)
        XCTAssertTrue(r.stderr.contains("to inline in the HTML page, more than the memory limit of 100.0 MiB"), r.stderr)
        XCTAssertFalse(r.stdout.contains("after"), r.stdout)
        let page = try String(contentsOfFile: dir + "/nb.html", encoding: .utf8)
        XCTAssertTrue(page.contains("this picture of 700 images is"), "the page shows the error at its cell")
        XCTAssertFalse(page.contains("not inlined"), "the picture was refused, not drawn and left out")
    }

    /// A directory that exists and passes `access` but takes no new files (/proc; for root, any
    /// read-only place) is found before the first cell runs (issue 20: the page failed after the
    /// run with `NSCocoaErrorDomain Code=4`).
    func testAnOutputDirectoryThatRefusesNewFilesIsFoundBeforeTheRun() throws {
        #if os(Linux)
        let dir = try cliTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "```dvae\nprint \"ran\"\n```\n".write(toFile: dir + "/nb.md", atomically: true, encoding: .utf8)
        let r = try DVAEBinary.run(["run", dir + "/nb.md", "--html", "/proc/nb.html"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("cannot write --html /proc/nb.html: /proc does not take new files"), r.stderr)
        XCTAssertFalse(r.stdout.contains("ran"), "reported before the first cell")
        XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
        #endif
    }
}
