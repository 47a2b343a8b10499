import Foundation
import XCTest

/// Runs every notebook in `notebooks/` through the real binary with `--test` (smaller sample
/// counts and epochs, the same code path), `--out` and `--html`, and requires exit status 0:
/// every block ran and every assert held. Each HTML page is then opened in headless Chromium
/// (when installed): it loads, has its contents and cell times, and every picture decodes.
final class NotebookSuiteTests: XCTestCase {
    /// The repository root, found from this file's path.
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// True when the real data files can be found the way the tool looks for them.
    private static var realDataAvailable: Bool {
        let env = ProcessInfo.processInfo.environment
        var places = [root.appendingPathComponent("data").path,
                      root.deletingLastPathComponent().appendingPathComponent("shared/data").path]
        if let d = env["DVAE_DATA"] { places.insert(d, at: 0) }
        return places.contains { FileManager.default.fileExists(atPath: $0 + "/binarized_mnist_test.amat") }
    }

    func testEveryNotebookRunsCleanInTestMode() throws {
        let dir = Self.root.appendingPathComponent("notebooks")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".md") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 1, "no notebooks found in \(dir.path)")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("dvae-notebooks-\(getpid())")
        defer { try? FileManager.default.removeItem(at: out) }
        for name in names {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            let needsRealData = text.contains("\"binarized_mnist\"") || text.contains("\"frey\"") || text.contains("\"mnist_binomial\"")
            if needsRealData && !Self.realDataAvailable {
                print("skipping \(name): the real data files are not available")
                continue
            }
            let started = Date()
            let page = out.appendingPathComponent((name as NSString).deletingPathExtension + ".html").path
            let r = try DVAEBinary.run(["run", "notebooks/\(name)", "--test", "--out", out.path, "--html", page,
                                        "--set", "cache=\"\(out.path)/results\""],
                                       directory: Self.root.path)
            print("notebook \(name): exit \(r.status) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            XCTAssertEqual(r.status, 0, "\(name) failed:\n\(r.stderr)\n\(r.stdout.suffix(2000))")
            let rendered = out.appendingPathComponent(name).path
            XCTAssertTrue(FileManager.default.fileExists(atPath: rendered), "no rendered copy of \(name)")
            try checkPageInBrowser(page, name: name, in: out.path)
        }
    }

    /// Every notebook with experiment cells can be handed to `dvae sweep`: replayed without
    /// computing (every cell pending), so code after a cell must cope with a pending result (a
    /// `nothing` checkpoint, an empty curve). Submitted to an `sbatch` stand-in that accepts
    /// the job and runs nothing; this checks the planning, `SweepTests` the computing.
    func testEveryNotebookWithExperimentCellsPlansAsASweep() throws {
        let dir = Self.root.appendingPathComponent("notebooks")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".md") }.sorted()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("dvae-plans-\(getpid())")
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try "#!/bin/sh\necho '77;cluster'\n".write(toFile: work.path + "/sbatch", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: work.path + "/sbatch")
        let env = ["PATH": work.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
        var planned = 0
        for name in names {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            guard text.contains("experiment on") else { continue }
            if !Self.realDataAvailable && (text.contains("\"binarized_mnist\"") || text.contains("\"frey\"") || text.contains("\"mnist_binomial\"")) {
                print("skipping \(name): the real data files are not available")
                continue
            }
            let cache = work.appendingPathComponent((name as NSString).deletingPathExtension).path
            let r = try DVAEBinary.run(["sweep", "notebooks/\(name)", "--test", "--slurm", "--set", "cache=\"\(cache)\""],
                                       environment: env, directory: Self.root.path)
            XCTAssertEqual(r.status, 0, "\(name) cannot be planned as a sweep:\n\(r.stderr)\n\(r.stdout.suffix(2000))")
            XCTAssertTrue(r.stdout.contains("submitted job 77"), "\(name): \(r.stdout)")
            // Gathering before anything ran: every cell pending, the notebook still runs to its
            // end, draws no conclusion from a pending cell, and says what is missing.
            let g = try DVAEBinary.run(["run", "notebooks/\(name)", "--test", "--set", "cache=\"\(cache)\""],
                                       environment: env, directory: Self.root.path)
            XCTAssertEqual(g.status, 1, "\(name): \(g.stderr)")
            XCTAssertTrue(g.stderr.contains("experiment cells finished;"), "\(name): \(g.stderr)")
            XCTAssertFalse(g.stderr.contains("error:"), "\(name) failed while gathering pending cells: \(g.stderr)")
            for conclusion in ["holds", "fails", "nan"] {
                XCTAssertFalse(g.stdout.contains(" — \(conclusion)"), "\(name) concludes from pending cells: \(g.stdout)")
            }
            planned += 1
        }
        print("\(planned) notebooks planned as sweeps")
    }

    /// Opens the page in headless Chromium: headings with ids, the contents, a time per cell, and
    /// every picture decoded. Without Chromium it says so and checks the page's text only.
    private func checkPageInBrowser(_ page: String, name: String, in dir: String) throws {
        let html = try String(contentsOfFile: page, encoding: .utf8)
        XCTAssertTrue(html.contains("<nav id=\"contents\">"), "\(name): no contents")
        XCTAssertNotNil(html.range(of: "<span class=\"time\">[0-9]", options: .regularExpression), "\(name): no cell times")
        let images = html.components(separatedBy: "<img").count - 1
        guard HTMLPageTests.chromium() != nil else {
            print("\(name): chromium is not installed; its HTML page was not opened in a browser")
            return
        }
        let probed = try HTMLPageTests.probeCopy(of: page, in: dir)
        let dom = try HTMLPageTests.runChromium(["--virtual-time-budget=10000", "--dump-dom", "file://" + probed], in: dir)
        XCTAssertTrue(dom.contains("data-images-decoded=\"\(images)/\(images)\""),
                      "\(name): not every one of its \(images) pictures decoded in Chromium")
        XCTAssertNotNil(dom.range(of: "<h1 id=\"[^\"]+\">", options: .regularExpression), "\(name): no title heading")
        XCTAssertTrue(dom.contains("<a href=\"#"), "\(name): the contents link nowhere")
        print("\(name): HTML page opened in Chromium, \(images) pictures decoded")
    }
}
