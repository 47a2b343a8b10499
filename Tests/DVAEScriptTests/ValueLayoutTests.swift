import DVAE
import Foundation
import XCTest
@testable import DVAEScript

/// A `Value` stays compact (issue 20: it was 528 bytes, so a list of ten million numbers needed
/// 5.3 GB), and lists are still charged to the memory budget at what they take.
final class ValueLayoutTests: XCTestCase {
    /// The size is pinned: a new case with a large inline payload must be `indirect` (Value.swift).
    func testAValueIsSixteenBytesInAList() {
        XCTAssertEqual(MemoryLayout<Value>.size, 9, "a new case's payload larger than 8 bytes should be `indirect`")
        XCTAssertEqual(MemoryLayout<Value>.stride, 16)
        XCTAssertEqual(Value.stride, 16, "what lists are charged")
    }

    /// The boxed payloads still read back whole, and copies share them.
    func testBoxedPayloadsReadBack() throws {
        let b = Value.bound(BoundValue(value: -98.3, se: 0.42, count: 10, label: "ELBO"))
        let copies = [b, b, b]
        guard case .bound(let read) = copies[2] else { return XCTFail("not a bound") }
        XCTAssertEqual(read.value, -98.3)
        XCTAssertEqual(copies[1].description, "-98.30 ± 0.42 nats (ELBO, 10 examples)")
        XCTAssertEqual(output(of: "let s = \"a string longer than fifteen bytes\"\nlet r = 2:5\nprint [s r], s + r, r[1], len(s)"),
                       "[\"a string longer than fifteen bytes\" 2:5] a string longer than fifteen bytes2:5 3 34")
    }

    /// Lists are charged count × stride: ten million numbers (160 MB) fit in 1 GiB but not in
    /// 16 MiB, where the refusal is located at the call and names the size.
    func testListsAreChargedAtTheirCompactSize() throws {
        var small = InterpreterOptions()
        small.budget = MemoryBudget(limit: 16 << 20)
        let tight = Interpreter(sink: CaptureSink(), options: small)
        assertError("let xs = list(0:10000000)", at: 1, 16, "would need 152.6 MiB, more than the memory limit of 16.0 MiB",
                    in: tight)
        // A literal of 2 million items is refused before its list is made: its text alone (4 million
        // characters of 16 bytes) passes the limit when read (FrontEndBudgetTests).
        let literal = "let xs = [" + String(repeating: "1 ", count: 2_000_000) + "]"
        assertError(literal, at: 1, (16 << 20) / MemoryLayout<Character>.stride + 1, "reading this input", in: tight)
        // The same list within 1 GiB is made (issue 20: it aborted the process at 5.3 GB).
        var roomy = InterpreterOptions()
        roomy.budget = MemoryBudget(limit: 1 << 30)
        let sink = CaptureSink()
        try Interpreter(sink: sink, options: roomy).run("let xs = list(0:10000000)\nprint len(xs), xs[9999999]", file: "t.dvae")
        XCTAssertEqual(sink.output, "10000000 9999999")
    }
}
