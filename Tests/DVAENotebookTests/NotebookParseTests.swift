import XCTest
import DVAENotebook

final class NotebookParseTests: XCTestCase {
    let text = """
    # Title

    Some prose.

    ```dvae
    let x = 1
    print x
    ```

    ```text
    not code
    ```

    ````markdown
    ```dvae
    still prose
    ```
    ````

    ~~~ dvae
    print 2
    ~~~
    End.

    """

    func testCellsAndLineNumbers() {
        let notebook = Notebook.parse(text: text, path: "nb/tour.md")
        XCTAssertEqual(notebook.baseName, "tour")
        let code = notebook.codeCells
        XCTAssertEqual(code.count, 2)
        XCTAssertEqual(code[0].number, 1)
        XCTAssertEqual(code[0].source, "let x = 1\nprint x")
        XCTAssertEqual(code[0].fenceLine, 5)
        XCTAssertEqual(code[0].firstLine, 6)
        XCTAssertEqual(code[1].source, "print 2")
        XCTAssertEqual(code[1].firstLine, 21)
        XCTAssertEqual(code[1].openingFence, "~~~ dvae")
        XCTAssertEqual(code[1].closingFence, "~~~")

        guard notebook.cells.count == 5 else { return XCTFail("cells: \(notebook.cells)") }
        guard case .prose(let first) = notebook.cells[0], case .prose(let middle) = notebook.cells[2],
              case .prose(let last) = notebook.cells[4] else { return XCTFail("layout") }
        XCTAssertEqual(first.line, 1)
        XCTAssertEqual(first.text, "# Title\n\nSome prose.\n")
        XCTAssertTrue(middle.text.contains("```text\nnot code\n```"))
        XCTAssertTrue(middle.text.contains("still prose"), "a dvae fence inside another fence is prose")
        XCTAssertEqual(middle.line, 9)
        XCTAssertEqual(last.text, "End.")
        XCTAssertEqual(last.line, 23)
    }

    func testRoundTripIsVerbatim() {
        let notebook = Notebook.parse(text: text, path: "t.md")
        let joined = notebook.cells.map { cell -> String in
            switch cell {
            case .prose(let p): return p.text
            case .code(let c): return c.markdown
            }
        }.joined(separator: "\n") + "\n"
        XCTAssertEqual(joined, text)
    }

    func testUnclosedBlockRunsToEnd() {
        let notebook = Notebook.parse(text: "intro\n```dvae\nprint 1\n", path: "x.md")
        XCTAssertEqual(notebook.codeCells.count, 1)
        XCTAssertEqual(notebook.codeCells[0].source, "print 1")
        XCTAssertNil(notebook.codeCells[0].closingFence)
        XCTAssertEqual(notebook.codeCells[0].firstLine, 3)
    }

    func testInfoStringWordsAndOtherLanguages() {
        let notebook = Notebook.parse(text: "```dvae title=x\na\n```\n```dvaex\nb\n```\n```python\nc\n```\n", path: "x.md")
        XCTAssertEqual(notebook.codeCells.map(\.source), ["a"])
    }

    func testCRLFLines() {
        let notebook = Notebook.parse(text: "p\r\n```dvae\r\nprint 1\r\n```\r\n", path: "x.md")
        XCTAssertEqual(notebook.codeCells.first?.source, "print 1")
    }
}

final class ScriptNotebookTests: XCTestCase {
    func testPlainScriptIsOneCell() throws {
        let dir = try temporaryDirectory()
        try "let a = 1\r\nprint a\n".write(toFile: dir + "/s.dvae", atomically: true, encoding: .utf8)
        let notebook = try Notebook.load(path: dir + "/s.dvae")
        XCTAssertEqual(notebook.codeCells.count, 1)
        XCTAssertEqual(notebook.codeCells[0].source, "let a = 1\nprint a")
        XCTAssertEqual(notebook.codeCells[0].firstLine, 1)
        XCTAssertEqual(notebook.baseName, "s")
        XCTAssertTrue(Notebook.isMarkdown(path: "a/b.MD"))
        XCTAssertFalse(Notebook.isMarkdown(path: "a/b.dvae"))
    }
}
