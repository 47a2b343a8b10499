import Foundation
import XCTest

/// The interactive REPL driven through a pseudo-terminal.
final class TerminalSessionTests: XCTestCase {
    func testErrorKeepsBindingsAndCtrlDExits() throws {
        let home = try cliTemporaryDirectory()
        let t = try PseudoTerminal.run([
            .expect("dvae> "),
            .send("let a = 20\n"),
            .expect("dvae> "),
            .send("print nope\n"),
            .expect("<repl>:1:7: error: "),
            .expect("dvae> "),
            .send("print a + 1\n"),
            .expect("21\r\n"),
            .expect("dvae> "),
            .send("\u{04}"),
        ], home: home)
        XCTAssertTrue(t.ok, "no match for \(t.failedPattern ?? "") in:\n\(t.output)")
        XCTAssertEqual(t.status, 0, t.output)
        let history = try String(contentsOfFile: home + "/.dvae_history", encoding: .utf8)
        XCTAssertTrue(history.contains("let a = 20"), history)
        XCTAssertTrue(history.contains("print a + 1"), history)
    }

    /// An unterminated string is reported at once, as piped input does, not answered with a
    /// continuation prompt that no further line could satisfy (issue 20).
    func testUnterminatedStringIsReportedAtOnce() throws {
        let home = try cliTemporaryDirectory()
        let t = try PseudoTerminal.run([
            .expect("dvae> "),
            .send("print \"abc\n"),
            .expect("<repl>:1:7: error: unterminated string"),
            .expect("close the string with"),
            .expect("dvae> "),
            .send("print \"abc\"\n"),
            .expect("abc\r\n"),
            .expect("dvae> "),
            .send("\u{04}"),
        ], home: home)
        XCTAssertTrue(t.ok, "no match for \(t.failedPattern ?? "") in:\n\(t.output)")
        XCTAssertFalse(t.output.contains("...>"), "no continuation prompt: " + t.output)
    }

    func testHistoryIsReadBack() throws {
        let home = try cliTemporaryDirectory()
        try "print 1234 + 1\n".write(toFile: home + "/.dvae_history", atomically: true, encoding: .utf8)
        let t = try PseudoTerminal.run([
            .expect("dvae> "),
            .send("\u{1B}[A"),          // up arrow recalls the last line
            .send("\r"),
            .expect("1235\r\n"),
            .send("\u{04}"),
        ], home: home)
        XCTAssertTrue(t.ok, "no match for \(t.failedPattern ?? "") in:\n\(t.output)")
    }

    func testCtrlCClearsTheLineAndContinuationPrompt() throws {
        let home = try cliTemporaryDirectory()
        let t = try PseudoTerminal.run([
            .expect("dvae> "),
            .send("print 999"),
            .send("\u{03}"),
            .expect("\\^C"),
            .expect("dvae> "),
            .send("print [1\n"),
            .expect("  \\.\\.\\.> "),
            .send("2]\n"),
            .expect("\\[1,? 2\\]"),
            .expect("dvae> "),
            .send("\u{04}"),
        ], home: home)
        XCTAssertTrue(t.ok, "no match for \(t.failedPattern ?? "") in:\n\(t.output)")
        XCTAssertFalse(t.output.contains("999\r\n"), "the cleared line must not run")
    }

    func testCtrlCStopsTrainingAndKeepsTheSession() throws {
        let home = try cliTemporaryDirectory()
        let t = try PseudoTerminal.run([
            .expect("dvae> "),
            .send("let d = load \"synthetic\"\n"),
            .expect("dvae> "),
            .send("let m = model vae for d.train hidden [50] latent 4\n"),
            .expect("dvae> "),
            .send("train m on d.train epochs 100000\n"),
            .expect("epoch 1/100000"),
            .pause(0.5),
            .send("\u{03}"),
            .expect("interrupted"),
            .expect("dvae> "),
            .send("print 6 * 7\n"),
            .expect("42\r\n"),
            .send("\u{04}"),
        ], home: home)
        XCTAssertTrue(t.ok, "no match for \(t.failedPattern ?? "") in:\n\(t.output)")
        XCTAssertEqual(t.status, 0)
    }

    func testTabCompletesWordsAndPaths() throws {
        let home = try cliTemporaryDirectory()
        try "print 5\n".write(toFile: home + "/unique_notebook_name.dvae", atomically: true, encoding: .utf8)
        let t = try PseudoTerminal.run([
            .expect("dvae> "),
            .send("let alphabet_soup = 3\n"),
            .expect("dvae> "),
            .send("print alphabet_s\t"),
            .expect("alphabet_soup"),
            .send("+ 1\n"),
            .expect("4\r\n"),
            .expect("dvae> "),
            .send("run \"\(home)/unique_no\t"),
            .expect("unique_notebook_name.dvae"),
            .send("\n"),
            .expect("5\r\n"),
            .send("\u{04}"),
        ], home: home)
        XCTAssertTrue(t.ok, "no match for \(t.failedPattern ?? "") in:\n\(t.output)")
    }

    func testPicturesUseColourOnATerminal() throws {
        let home = try cliTemporaryDirectory()
        let t = try PseudoTerminal.run([
            .expect("dvae> "),
            .send("show (load \"synthetic\").test[0:2]\n"),
            .expect("▀"),
            .expect("dvae> "),
            .send("\u{04}"),
        ], home: home)
        XCTAssertTrue(t.ok, "no match for \(t.failedPattern ?? "") in:\n\(t.output)")
        XCTAssertTrue(t.output.contains("\u{1B}[38;5;"))
    }

    /// Issue 17: a restarted REPL recalls the previous session one statement at a time (it
    /// recalled the whole session as one entry, and Enter replayed it and quit).
    func testHistoryAcrossSessionsKeepsOneEntryPerStatement() throws {
        let home = try cliTemporaryDirectory()
        let first = try PseudoTerminal.run([
            .expect("dvae> "), .send("print 101\n"), .expect("101\r\n"),
            .expect("dvae> "), .send("print 202\n"), .expect("202\r\n"),
            .expect("dvae> "), .send("exit\n"),
        ], home: home)
        XCTAssertTrue(first.ok, "no match for \(first.failedPattern ?? "") in:\n\(first.output)")
        let second = try PseudoTerminal.run([
            .expect("dvae> "),
            .send("\u{1B}[A"), .send("\u{1B}[A"),   // past `exit` to `print 202`
            .send("\r"),
            .expect("202\r\n"),
            .expect("dvae> "),                        // the session goes on
            .send("\u{1B}[A"), .send("\u{1B}[A"), .send("\u{1B}[A"), .send("\u{1B}[A"),
            .send("\r"),                             // `print 101`, alone
            .expect("101\r\n"),
            .expect("dvae> "),
            .send("\u{04}"),
        ], home: home)
        XCTAssertTrue(second.ok, "no match for \(second.failedPattern ?? "") in:\n\(second.output)")
        XCTAssertFalse(second.output.contains("202\r\n101") || second.output.contains("101\r\n202"), second.output)
        // An old history file of bare lines reads back one entry per line.
        try "print 303\nprint 404\n".write(toFile: home + "/.dvae_history", atomically: true, encoding: .utf8)
        let third = try PseudoTerminal.run([
            .expect("dvae> "), .send("\u{1B}[A"), .send("\r"), .expect("404\r\n"), .expect("dvae> "), .send("\u{04}"),
        ], home: home)
        XCTAssertTrue(third.ok, "no match for \(third.failedPattern ?? "") in:\n\(third.output)")
        XCTAssertFalse(third.output.contains("303"), third.output)
    }

    func testMultiLineInputIsOneHistoryEntry() throws {
        let home = try cliTemporaryDirectory()
        let first = try PseudoTerminal.run([
            .expect("dvae> "),
            .send("print [31\n"),
            .expect("  \\.\\.\\.> "),
            .send("32]\n"),
            .expect("\\[31,? 32\\]"),
            .expect("dvae> "),
            .send("\u{1B}[A"),          // one up arrow recalls both lines
            .send("\r"),
            .expect("\\[31,? 32\\]"),     // the echo of the recalled input is `[31` and `32]` on two lines
            .expect("dvae> "),
            .send("\u{04}"),
        ], home: home)
        XCTAssertTrue(first.ok, "no match for \(first.failedPattern ?? "") in:\n\(first.output)")
        // A new session reads the entry back whole from ~/.dvae_history.
        let second = try PseudoTerminal.run([
            .expect("dvae> "),
            .send("\u{1B}[A"),
            .send("\r"),
            .expect("\\[31,? 32\\]"),
            .expect("dvae> "),
            .send("\u{04}"),
        ], home: home)
        XCTAssertTrue(second.ok, "no match for \(second.failedPattern ?? "") in:\n\(second.output)")
        XCTAssertFalse(second.output.contains("error"), second.output)
    }

    func testCompletionAfterObjectiveAndHelpOffersOnlyTheAllowedWords() throws {
        let home = try cliTemporaryDirectory()
        let t = try PseudoTerminal.run([
            .expect("dvae> "),
            .send("let data_set = 1\n"),
            .expect("dvae> "),
            .send("train m on data_set objective d\t\t"),
            .expect("diwae\\s+dvae"),
            .send("\u{03}"),
            .expect("dvae> "),
            .send("help obj\t"),
            .expect("objectives"),
            .send("\n"),
            .expect("Objectives —"),
            .expect("dvae> "),
            .send("?nois\t\n"),
            .expect("Noise kinds"),
            .expect("dvae> "),
            .send("quit\n"),
        ], home: home)
        XCTAssertTrue(t.ok, "no match for \(t.failedPattern ?? "") in:\n\(t.output)")
        XCTAssertEqual(t.status, 0, "`quit` ends the session cleanly")
        // What readline listed after the double tab: the text up to the redrawn prompt.
        let afterTab = t.output.components(separatedBy: "objective d").dropFirst().first ?? ""
        let listed = afterTab.components(separatedBy: "dvae> ").first ?? ""
        XCTAssertTrue(listed.contains("dvae"), listed)
        XCTAssertFalse(listed.contains("data_set"), "variables are not objectives:\n\(listed)")
    }

    /// A session with seeds drawn from the global seed (and a failed statement that drew one),
    /// exported, then replayed by `dvae run`: the same numbers come out.
    func testExportedSessionReplaysToTheSameNumbers() throws {
        let home = try cliTemporaryDirectory()
        let t = try PseudoTerminal.run([
            .expect("dvae> "),
            .send("let d = load \"synthetic\"\n"),
            .expect("dvae> "),
            .send("let m = model vae for d.train hidden [16] latent 2\n"),
            .expect("dvae> "),
            .send("let r = train m on d.train[0:300] epochs 2\n"),
            .expect("epoch 2/2"),
            .expect("dvae> "),
            .send("let bad = (sample m 4) + 1\n"),      // draws a seed, then fails
            .expect("error"),
            .expect("dvae> "),
            .send("bound m on d.test[0:100] iwae 10\n"),
            .expect("IWAE-10, 100 examples\\)"),
            .expect("dvae> "),
            .send("print \"value:\", _.value\n"),
            .expect("value: -[0-9.]+"),
            .expect("dvae> "),
            .send("export \"\(home)/session.md\"\n"),
            .expect("exported 5 statements"),
            .expect("dvae> "),
            .send("exit\n"),
        ], home: home)
        XCTAssertTrue(t.ok, "no match for \(t.failedPattern ?? "") in:\n\(t.output)")
        XCTAssertEqual(t.status, 0)
        let exported = try String(contentsOfFile: home + "/session.md", encoding: .utf8)
        XCTAssertFalse(exported.contains("bad"), "the failed statement is left out:\n\(exported)")
        XCTAssertFalse(exported.contains("export"), exported)

        let replay = try DVAEBinary.run(["run", home + "/session.md"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        /// The lines that carry numbers, without wall times.
        func numbers(_ text: String) -> [String] {
            // What stays on screen of each line: the text after its last carriage return, without escapes.
            text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map { line in
                String(line.split(separator: "\r", omittingEmptySubsequences: false).last(where: { !$0.isEmpty }) ?? "")
                    .replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
            }
                .filter { ($0.hasPrefix("epoch ") && !$0.contains("ex/s")) || $0.contains("IWAE-10") || $0.hasPrefix("value:") }
                .map { $0.replacingOccurrences(of: "\\s*\\([0-9.]+ s\\)$", with: "", options: .regularExpression) }
        }
        let session = numbers(t.output)
        XCTAssertEqual(session.count, 4, "two epochs, the bound, the value:\n\(t.output)")
        XCTAssertEqual(numbers(replay.stdout), session, "the replay prints the session's numbers")
    }
}
