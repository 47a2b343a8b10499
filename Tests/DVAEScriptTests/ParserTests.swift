import XCTest
@testable import DVAEScript

final class ParserTests: XCTestCase {
    private func expr(_ s: String) throws -> Expr {
        let program = try Parser.parse(s)
        guard case .expression(let e) = program[0].kind else { throw LocatedError("not an expression", at: program[0].location) }
        return e
    }

    func testPrecedence() throws {
        XCTAssertEqual(try expr("1 + 2 * 3 ^ 2").sourceText, "1 + 2 * 3^2")
        XCTAssertEqual(try expr("(1 + 2) * 3").sourceText, "(1 + 2) * 3")
        XCTAssertEqual(try expr("not a < b and c or d").sourceText, "not a < b and c or d")
        XCTAssertEqual(try expr("-x.y[2]").sourceText, "-x.y[2]")
        XCTAssertEqual(try expr("if a then 1 else 2").sourceText, "if a then 1 else 2")
    }

    func testListsSeparateOnSpaceBeforeMinus() throws {
        guard case .list(let two) = try expr("[1 -2]").kind else { return XCTFail() }
        XCTAssertEqual(two.count, 2)
        guard case .list(let one) = try expr("[1 - 2]").kind else { return XCTFail() }
        XCTAssertEqual(one.count, 1)
        guard case .list(let commas) = try expr("[1, 2, x.y]").kind else { return XCTFail() }
        XCTAssertEqual(commas.count, 3)
    }

    func testCommandArguments() throws {
        guard case .command(let call) = try expr("train m on mnist.train objective dvae noise salt_pepper 0.05 K 1 epochs 2*3 lr 1e-3").kind
        else { return XCTFail() }
        XCTAssertEqual(call.name, "train")
        XCTAssertEqual(call.positional.count, 1)
        XCTAssertEqual(call.keywords.map(\.name), ["on", "objective", "noise", "K", "epochs", "lr"])
        XCTAssertEqual(call.keywords[2].values.count, 2)
        guard case .expr(let epochs) = call.keywords[4].values[0] else { return XCTFail() }
        XCTAssertEqual(epochs.sourceText, "2 * 3")
    }

    func testCommandInsideExpressionStopsAtComparison() throws {
        let e = try expr("bound m on d elbo > -110")
        guard case .binary(.greater, let l, _) = e.kind, case .command(let call) = l.kind else { return XCTFail(e.sourceText) }
        XCTAssertEqual(call.keywords.map(\.name), ["on", "elbo"])
    }

    func testSliceForms() throws {
        XCTAssertEqual(try expr("d[0:16]").sourceText, "d[0:16]")
        XCTAssertEqual(try expr("d[:8]").sourceText, "d[:8]")
        XCTAssertEqual(try expr("d[8:]").sourceText, "d[8:]")
    }

    func testStatements() throws {
        let program = try Parser.parse("""
        let t = table "a" "b"
        for p in [0 0.1] {
          if p > 0 { print p }
          else { print "zero" }
        }
        assert 1 < 2, "fine"
        help train
        """)
        XCTAssertEqual(program.count, 4)
        guard case .for(_, _, _, let body) = program[1].kind, case .if(_, _, let elseBody) = body[0].kind else { return XCTFail() }
        XCTAssertNotNil(elseBody)
    }

    func testMultiLineCommandInParentheses() throws {
        let program = try Parser.parse("let r = (train m on d\n   epochs 3)")
        XCTAssertEqual(program.count, 1)
    }
}
