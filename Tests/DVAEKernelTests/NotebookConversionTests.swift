@testable import DVAEKernel
import DVAENotebook
import XCTest

/// `dvae convert`: Markdown notebooks ↔ .ipynb, keeping prose and cells.
final class NotebookConversionTests: XCTestCase {
    /// The repository root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func roundTrip(_ text: String, file: String = "nb.md") throws -> String {
        let json = NotebookConversion.ipynb(from: Notebook.parse(text: text, path: file))
        return try NotebookConversion.markdown(fromIPYNB: Array(json.prettyEncoded().utf8), path: "nb.ipynb")
    }

    func testEveryNotebookOfTheRepositoryComesBackUnchanged() throws {
        let dir = Self.root.appendingPathComponent("notebooks")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".md") }.sorted()
        XCTAssertGreaterThan(names.count, 0)
        for name in names {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            let notebook = Notebook.parse(text: text, path: name)
            let json = NotebookConversion.ipynb(from: notebook)
            let cells = json["cells"]?.arrayValue ?? []
            XCTAssertEqual(cells.filter { $0["cell_type"] == "code" }.count, notebook.codeCells.count, name)
            XCTAssertEqual(try roundTrip(text, file: name), text, "\(name) changed in a round trip")
            // Their fences are plain ```dvae: at most spacing is recorded (a blank line at the end).
            XCTAssertTrue(cells.allSatisfy { $0["metadata"]?["dvae"]?["fence"] == nil }, "\(name) needed fence metadata")
        }
    }

    func testCellsAreCodeForDvaeFencesAndMarkdownForTheRest() throws {
        let text = """
        # Title

        Prose with a `dvae` word.

        ```dvae
        let x = 1
        print x
        ```

        ```text
        not code: another language stays prose
        ```

        ```dvae
        print x + 1
        ```
        """ + "\n"
        let json = NotebookConversion.ipynb(from: Notebook.parse(text: text, path: "nb.md"))
        let cells = try XCTUnwrap(json["cells"]?.arrayValue)
        XCTAssertEqual(cells.map { $0["cell_type"]?.stringValue ?? "" }, ["markdown", "code", "markdown", "code"])
        XCTAssertEqual(cells[1]["source"], ["let x = 1\n", "print x"])
        XCTAssertEqual(cells[1]["outputs"], [])
        XCTAssertEqual(cells[1]["execution_count"], .null)
        XCTAssertEqual(cells[0]["source"], ["# Title\n", "\n", "Prose with a `dvae` word."])
        XCTAssertEqual(Set(cells.compactMap { $0["id"]?.stringValue }).count, 4, "unique cell ids (nbformat 4.5)")
        XCTAssertEqual(json["metadata"]?["kernelspec"]?["name"], "dvae")
        XCTAssertEqual(json["metadata"]?["kernelspec"]?["language"], "dvae")
        XCTAssertEqual(json["nbformat"], 4)
        XCTAssertEqual(json["nbformat_minor"], 5)
        XCTAssertEqual(try roundTrip(text), text)
    }

    func testUnusualSpacingAndFencesComeBackToo() throws {
        let text = "\n\nintro\n\n\n````dvae {seed=1}\nprint 1\n````\n```dvae\n```\n\ntail\n\n"
        XCTAssertEqual(try roundTrip(text), text)
    }

    func testANotebookWrittenInJupyterBecomesMarkdown() throws {
        // As Jupyter saves it: sources as one string or as lines, no dvae metadata, outputs present.
        let ipynb = #"""
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "dvae", "language": "dvae", "display_name": "dvae"}},
         "cells": [
          {"cell_type": "markdown", "id": "a", "metadata": {}, "source": "# Made in Jupyter"},
          {"cell_type": "code", "id": "b", "metadata": {}, "execution_count": 1, "source": ["let x = 2\n", "print x"],
           "outputs": [{"output_type": "stream", "name": "stdout", "text": "2\n"}]},
          {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": null, "source": "print \"```\"\n```", "outputs": []}
         ]}
        """#
        let markdown = try NotebookConversion.markdown(fromIPYNB: Array(ipynb.utf8), path: "j.ipynb")
        XCTAssertEqual(markdown, "# Made in Jupyter\n\n```dvae\nlet x = 2\nprint x\n```\n\n````dvae\nprint \"```\"\n```\n````\n")
        XCTAssertEqual(Notebook.parse(text: markdown, path: "j.md").codeCells.map(\.source), ["let x = 2\nprint x", "print \"```\"\n```"],
                       "a fence longer than the code's own backticks keeps the cell whole")
    }

    func testOtherNotebooksAreRefusedWithAReason() {
        let python = #"{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "cells": []}"#
        XCTAssertThrowsError(try NotebookConversion.markdown(fromIPYNB: Array(python.utf8), path: "p.ipynb")) {
            XCTAssertTrue("\($0)".hasPrefix("p.ipynb: error: this is a python notebook, not a dvae one"), "\($0)")
        }
        XCTAssertThrowsError(try NotebookConversion.markdown(fromIPYNB: Array(#"{"nbformat": 3}"#.utf8), path: "o.ipynb")) {
            XCTAssertTrue("\($0)".contains("only nbformat 4 notebooks"), "\($0)")
        }
        XCTAssertThrowsError(try NotebookConversion.markdown(fromIPYNB: Array("nope".utf8), path: "x.ipynb")) {
            XCTAssertEqual("\($0)", "x.ipynb: error: not a Jupyter notebook: the file is not a JSON object")
        }
    }

    func testPrettyJSONIsLaidOutLikeNbformat() {
        let value: JSONValue = ["b": [1, "two"], "a": [:], "c": []]
        XCTAssertEqual(value.prettyEncoded(), "{\n \"a\": {},\n \"b\": [\n  1,\n  \"two\"\n ],\n \"c\": []\n}\n")
    }
}
