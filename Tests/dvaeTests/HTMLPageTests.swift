import Foundation
import XCTest

/// `dvae run NOTEBOOK.md --html FILE.html`, opened in a real headless browser (Debian's
/// `chromium`, which `.ci/run` installs): the page loads, the DOM has the headings, the contents
/// and the pictures, and every picture decodes. Without Chromium the browser checks are skipped
/// with a message saying so.
final class HTMLPageTests: XCTestCase {
    /// A short notebook with prose, Unicode mathematics, pictures, a plot, a long log and (at the
    /// end, when `failing`) an error.
    func notebook(failing: Bool) -> String {
        var text = """
        # A page of σ and x̃

        The bound L_dvae ≥ L_cvae fails; $E_{p(x̃|x)} KL(q(z|x̃) ‖ q̃(z|x)) ≥ 0$ is the gap.

        ## Data

        ```dvae
        let d = load "synthetic"
        show d.test[0:8]
        ```

        ## Training

        ```dvae
        let m = model vae for d.train hidden [16] latent 2 seed 1
        let r = train m on d.train epochs 2 seed 1
        show r
        for i in 0:40 { print "line", i }
        ```

        """
        if failing {
            text += """

            ## Broken

            ```dvae
            print 1 / 0
            ```

            ## Never reached

            ```dvae
            print "not run"
            ```

            """
        }
        return text
    }

    /// Path of the Chromium binary, or nil.
    static func chromium() -> String? {
        for name in ["chromium", "chromium-browser"] {
            for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// Runs headless Chromium with `arguments` (plus the flags a container needs); returns stdout.
    static func runChromium(_ arguments: [String], in dir: String, timeout: Double = 120) throws -> String {
        guard let chromium = chromium() else {
            throw XCTSkip("chromium is not installed (apt-get install chromium; .ci/run does this): "
                          + "the HTML page was not checked in a browser")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage",
                             "--no-first-run", "--user-data-dir=\(dir)/chromium-profile"] + arguments
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = dir
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = DispatchTime.now() + timeout
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        group.enter()
        DispatchQueue.global().async {
            outData = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        DispatchQueue.global().async { _ = err.fileHandleForReading.readDataToEndOfFile() }
        if group.wait(timeout: deadline) == .timedOut {
            process.terminate()
            XCTFail("chromium did not finish within \(timeout) s")
        }
        process.waitUntilExit()
        return String(decoding: outData, as: UTF8.self)
    }

    /// Writes the notebook, runs `dvae run … --html`, returns (directory, page path, exit status).
    func renderPage(failing: Bool) throws -> (dir: String, page: String, result: DVAEBinary.Result) {
        let dir = try cliTemporaryDirectory()
        try notebook(failing: failing).write(toFile: dir + "/page.md", atomically: true, encoding: .utf8)
        let result = try DVAEBinary.run(["run", dir + "/page.md", "--html", dir + "/html/page.html"])
        return (dir, dir + "/html/page.html", result)
    }

    /// A copy of the page with a script that records, after `load`, how many images decoded
    /// (`data-images-decoded="N/M"` on the body).
    static func probeCopy(of page: String, in dir: String) throws -> String {
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let probe = """
        <script>
        window.addEventListener('load', function () {
          var images = Array.prototype.slice.call(document.images);
          var decoded = images.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
          document.body.setAttribute('data-images-decoded', decoded + '/' + images.length);
        });
        </script>
        """
        XCTAssertTrue(html.contains("</body>"))
        let probed = dir + "/" + ((page as NSString).lastPathComponent as NSString).deletingPathExtension + "-probe.html"
        try html.replacingOccurrences(of: "</body>", with: probe + "</body>")
            .write(toFile: probed, atomically: true, encoding: .utf8)
        return probed
    }

    func testPageOpensInChromiumWithContentsPicturesAndTimes() throws {
        let (dir, page, result) = try renderPage(failing: false)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("wrote \(page)"), result.stderr)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        XCTAssertFalse(html.contains("src=\"http"), "the page must not fetch anything")
        XCTAssertEqual(html.components(separatedBy: "<img").count - 1, 2, "one picture, one plot")

        let probed = try Self.probeCopy(of: page, in: dir)
        let dom = try Self.runChromium(["--virtual-time-budget=5000", "--dump-dom", "file://" + probed], in: dir)
        XCTAssertTrue(dom.contains("data-images-decoded=\"2/2\""), "images did not all decode:\n\(dom.prefix(2000))")
        XCTAssertTrue(dom.contains("<h1 id=\"a-page-of-σ-and-x̃\">A page of σ and x̃</h1>"), String(dom.prefix(3000)))
        XCTAssertTrue(dom.contains("<h2 id=\"training\">Training</h2>"))
        XCTAssertTrue(dom.contains("href=\"#training\""), "the contents link to the sections")
        XCTAssertTrue(dom.contains("L<sub>dvae</sub> ≥ L<sub>cvae</sub>"), "undelimited subscripts are subscripts")
        XCTAssertNotNil(dom.range(of: "<math[^>]*display=\"inline\"[^>]*><semantics><mrow><mrow><msub><mi>E</mi>", options: .regularExpression),
                        "the formula is MathML: \(dom.prefix(3000))")
        XCTAssertTrue(dom.contains("<details class=\"output\">"), "the 40-line log is folded")
        XCTAssertNotNil(dom.range(of: "cell 2 · <span class=\"time\">[0-9.]+ s</span>", options: .regularExpression),
                        "each cell shows its wall time")

        let shot = dir + "/page.png"
        _ = try Self.runChromium(["--window-size=1280,1600", "--hide-scrollbars", "--screenshot=\(shot)", "file://" + page],
                                 in: dir)
        let png = try Data(contentsOf: URL(fileURLWithPath: shot))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertGreaterThan(png.count, 20_000, "a rendered page, not a blank screenshot")
        if let keep = ProcessInfo.processInfo.environment["DVAE_KEEP_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: shot, toPath: keep)
        }
    }

    func testErrorIsShownAtItsCellInTheBrowser() throws {
        let (dir, page, result) = try renderPage(failing: true)
        XCTAssertEqual(result.status, 1, "a failed block still fails the run")
        XCTAssertTrue(result.stderr.contains("wrote \(page)"), "the page is written anyway: \(result.stderr)")
        let dom = try Self.runChromium(["--dump-dom", "file://" + page], in: dir)
        XCTAssertTrue(dom.contains("<section class=\"cell failed\" id=\"cell-3\">"), String(dom.suffix(3000)))
        XCTAssertNotNil(dom.range(of: "id=\"cell-3\">[\\s\\S]*page\\.md:[0-9]+:[0-9]+: error: division by zero[\\s\\S]*</section>",
                                  options: .regularExpression), "the error sits in the failed cell")
        XCTAssertTrue(dom.contains("href=\"#cell-3\">Error in cell 3</a>"))
        XCTAssertFalse(dom.contains("not run\n"), "no output of the cell after the error")
        XCTAssertFalse(dom.contains("Never reached"), "the page stops where the run stopped")
    }

    /// The repository root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Notebook 04 rendered and opened in Chromium: its formulas are MathML that the browser lays
    /// out as mathematics — subscripts sit lower and smaller than their base, fractions stack — and no raw TeX
    /// (`_{`, `^{`, `\frac`) is left in the text a reader sees.
    func testNotebook04FormulasAreTypesetInChromium() throws {
        let dir = try cliTemporaryDirectory()
        let page = dir + "/04.html"
        let result = try DVAEBinary.run(["run", "notebooks/04-lemma1-inequalities.md", "--test", "--html", page],
                                        directory: Self.root.path)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stderr.contains("warning: formula not typeset"), result.stderr)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        XCTAssertGreaterThan(html.components(separatedBy: "<math ").count - 1, 150, "the notebook's formulas are MathML")
        XCTAssertGreaterThanOrEqual(html.components(separatedBy: "display=\"block\"").count - 1, 10, "display formulas")
        XCTAssertFalse(html.contains("<script"), "no script: MathML is laid out by the browser itself")

        let probe = """
        <script>
        window.addEventListener('load', function () {
          var b = document.body, maths = document.querySelectorAll('math');
          var text = document.querySelector('main').innerText;
          var raw = (text.match(/_\\{|\\^\\{|\\\\frac|\\\\left|\\$/g) || []).length;
          var subs = document.querySelectorAll('main msub'), lowered = 0;
          subs.forEach(function (m) {
            var base = m.children[0], sub = m.children[1];
            var size = function (e) { return parseFloat(getComputedStyle(e).fontSize); };
            if (sub.getBoundingClientRect().bottom > base.getBoundingClientRect().bottom + 0.5 && size(sub) < size(base)) lowered++;
          });
          var fracs = document.querySelectorAll('main mfrac'), stacked = 0;
          fracs.forEach(function (f) {
            if (f.children[1].getBoundingClientRect().top >= f.children[0].getBoundingClientRect().bottom - 1) stacked++;
          });
          var blocks = document.querySelectorAll('math[display=block]'), centred = 0;
          blocks.forEach(function (m) { if (getComputedStyle(m).display.indexOf('block') >= 0) centred++; });
          b.setAttribute('data-math', maths.length + ' raw=' + raw + ' sub=' + lowered + '/' + subs.length
                         + ' frac=' + stacked + '/' + fracs.length + ' block=' + centred + '/' + blocks.length);
        });
        </script>
        """
        let probed = dir + "/04-probe.html"
        try html.replacingOccurrences(of: "</body>", with: probe + "</body>").write(toFile: probed, atomically: true, encoding: .utf8)
        let dom = try Self.runChromium(["--window-size=1280,1600", "--virtual-time-budget=5000", "--dump-dom", "file://" + probed], in: dir)
        guard let range = dom.range(of: "data-math=\"[^\"]*\"", options: .regularExpression) else {
            return XCTFail("the probe did not run:\n\(dom.prefix(1500))")
        }
        let report = String(dom[range])
        let numbers = report.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        // [maths, raw, lowered subs, subs, stacked fracs, fracs, block maths, blocks]
        XCTAssertEqual(numbers.count, 8, report)
        guard numbers.count == 8 else { return }
        XCTAssertGreaterThan(numbers[0], 150, report)
        XCTAssertEqual(numbers[1], 0, "raw TeX left in the visible text: \(report)")
        XCTAssertGreaterThan(numbers[3], 50, report)
        XCTAssertEqual(numbers[2], numbers[3], "every subscript is set below its base: \(report)")
        XCTAssertGreaterThan(numbers[5], 0, report)
        XCTAssertEqual(numbers[4], numbers[5], "every fraction is stacked: \(report)")
        XCTAssertEqual(numbers[6], numbers[7], "display formulas are blocks: \(report)")
    }

    /// Issue 17: `dvae run DIRECTORY --html OUT` renders every notebook with a contents page,
    /// links between the pages (previous, next, contents, and "notebook 02" in the prose), and
    /// goes on after a failed notebook (exit status 1, the failure listed).
    func testDirectoryOfNotebooksBecomesLinkedPages() throws {
        let dir = try cliTemporaryDirectory()
        let source = dir + "/nb"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        try "# First $L_dvae$\n\nSee notebook 02 and [the second](02-second.md).\n\n```dvae\nprint 1 + 1\n```\n"
            .write(toFile: source + "/01-first.md", atomically: true, encoding: .utf8)
        try "# Second\n\nBack to notebook 01.\n\n```dvae\nprint 2 / 0\n```\n"
            .write(toFile: source + "/02-second.md", atomically: true, encoding: .utf8)
        try "# Third\n\n```dvae\nprint 3\n```\n".write(toFile: source + "/03-third.md", atomically: true, encoding: .utf8)
        let out = dir + "/site"
        let r = try DVAEBinary.run(["run", source, "--html", out])
        XCTAssertEqual(r.status, 1, "the second notebook fails: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("1 of 3 notebooks did not finish cleanly: 02-second"), r.stderr)
        XCTAssertTrue(r.stdout.contains("2\n") && r.stdout.contains("3\n"), "the third ran after the failure: \(r.stdout)")
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        for page in ["01-first.html", "02-second.html", "03-third.html"] {
            XCTAssertTrue(index.contains("href=\"\(page)\""), index)
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + page), page)
        }
        XCTAssertTrue(index.contains("stopped with an error in cell 1 of 1"), index)
        let first = try String(contentsOfFile: out + "/01-first.html", encoding: .utf8)
        XCTAssertTrue(first.contains("<a href=\"02-second.html\">notebook 02</a>"), first)
        XCTAssertTrue(first.contains("href=\"02-second.html\">the second</a>"), "a link to the .md goes to its page")
        XCTAssertTrue(first.contains("rel=\"next\" href=\"02-second.html\""), first)
        XCTAssertTrue(first.contains("href=\"index.html\""), first)
        let second = try String(contentsOfFile: out + "/02-second.html", encoding: .utf8)
        XCTAssertTrue(second.contains("rel=\"prev\" href=\"01-first.html\""))
        XCTAssertTrue(second.contains("<a href=\"01-first.html\">notebook 01</a>"))
        // The contents page opens in a browser and its links resolve to files.
        let dom = try Self.runChromium(["--dump-dom", "file://" + out + "/index.html"], in: dir)
        XCTAssertTrue(dom.contains("<h1>dvae notebooks</h1>"), dom)
        XCTAssertNotNil(dom.range(of: "First <math[^>]*>", options: .regularExpression), "the title's formula is typeset: \(dom)")
        XCTAssertFalse(index.contains("$L_dvae$"), index)
    }
}
