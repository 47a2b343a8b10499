import XCTest
@testable import DVAEScript

final class LexerTests: XCTestCase {
    private func kinds(_ s: String) throws -> [TokenKind] {
        var lexer = Lexer(s)
        return try lexer.tokenize().map(\.kind)
    }

    func testNumbersStringsAndNames() throws {
        XCTAssertEqual(try kinds("let x = 1e-3"),
                       [.identifier("let"), .identifier("x"), .symbol("="), .number(0.001), .newline, .end])
        XCTAssertEqual(try kinds("10_000 0.05 7"), [.number(10000), .number(0.05), .number(7), .newline, .end])
        XCTAssertEqual(try kinds("\"a\\\"b\\n\""), [.string("a\"b\n"), .newline, .end])
        XCTAssertEqual(try kinds("salt_pepper σ"), [.identifier("salt_pepper"), .identifier("σ"), .newline, .end])
    }

    func testOperatorsAndUnicodeComparisons() throws {
        XCTAssertEqual(try kinds("a <= b != c ≥ d"),
                       [.identifier("a"), .symbol("<="), .identifier("b"), .symbol("!="), .identifier("c"),
                        .symbol(">="), .identifier("d"), .newline, .end])
    }

    func testCommentsAndNewlines() throws {
        XCTAssertEqual(try kinds("a # comment\n\n b; c"),
                       [.identifier("a"), .newline, .identifier("b"), .newline, .identifier("c"), .newline, .end])
    }

    func testNewlinesInsideBracketsAreIgnored() throws {
        XCTAssertEqual(try kinds("[1\n2]"), [.symbol("["), .number(1), .number(2), .symbol("]"), .newline, .end])
        XCTAssertEqual(try kinds("f(1,\n2)").filter { $0 == .newline }.count, 1)
    }

    func testBackslashContinuation() throws {
        XCTAssertEqual(try kinds("a \\\n b"), [.identifier("a"), .identifier("b"), .newline, .end])
    }

    func testLocationsAndSpacing() throws {
        var lexer = Lexer("let xs = [1 -2]\n  print xs", firstLine: 10)
        let tokens = try lexer.tokenize()
        XCTAssertEqual(tokens[1].location, SourceLocation(line: 10, column: 5, length: 2))
        let minus = tokens.first { $0.isSymbol("-") }!
        XCTAssertTrue(minus.spaceBefore)
        let print = tokens.first { $0.isWord("print") }!
        XCTAssertEqual(print.location.line, 11)
        XCTAssertEqual(print.location.column, 3)
    }

    func testNeedsMoreInput() {
        XCTAssertTrue(Lexer.needsMoreInput("for x in [1 2] {"))
        XCTAssertTrue(Lexer.needsMoreInput("let xs = [1 2"))
        // A string ends on its line: more lines cannot finish it, so the REPL reports it at once.
        XCTAssertFalse(Lexer.needsMoreInput("print \"abc"))
        XCTAssertFalse(Lexer.needsMoreInput("for x in [1 2] {\n  print \"abc"))
        XCTAssertTrue(Lexer.needsMoreInput("train m on d \\"))
        XCTAssertFalse(Lexer.needsMoreInput("print 1"))
        XCTAssertFalse(Lexer.needsMoreInput("for x in [1 2] { print x }"))
        XCTAssertFalse(Lexer.needsMoreInput("print )"))
    }

    func testLexicalErrors() {
        for (source, message) in [("print \"abc", "unterminated string"), ("a @ b", "unexpected character `@`"),
                                  ("a && b", "unexpected `&&`"), ("x = 5x", "malformed number `5x`"),
                                  ("print [1 2)", "does not match"), ("print 'a'", "unexpected `'`"),
                                  ("\"a\\q\"", "unknown escape")] {
            var lexer = Lexer(source)
            XCTAssertThrowsError(try lexer.tokenize(), source) { e in
                XCTAssertTrue((e as? LocatedError)?.message.contains(message) ?? false, "\(source): \(e)")
            }
        }
    }
}
