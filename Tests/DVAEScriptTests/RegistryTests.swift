import DVAE
import XCTest
@testable import DVAEScript

/// Issue 9: commands form one registry, members belong to their value types, and the language
/// reads names and rules from the engine's types (resolving where copies had drifted apart).
final class RegistryTests: XCTestCase {
    func testRegistryIsTheOnlyListOfCommands() {
        XCTAssertEqual(Set(Commands.names), Set(Commands.all.map { $0.spec.name }))
        XCTAssertEqual(Commands.names.count, Commands.all.count, "a name registered twice")
        for command in Commands.all {
            XCTAssertNotNil(Commands.named(command.spec.name))
            XCTAssertTrue(Parser.reserved.contains(command.spec.name))
            XCTAssertTrue(Help.topics.contains(command.spec.name))
        }
        assertError("corupt 1", at: 1, 1, "unknown command `corupt`", suggestion: "corrupt")
    }

    func testNamesInTheLanguageComeFromTheEngine() {
        let (interp, _) = makeInterpreter()
        XCTAssertEqual(interp.completions(prefix: "", line: "train m on d noise ").filter(NoiseKind.names.contains), NoiseKind.names)
        let corruptHelp = output(of: "help corrupt")
        for kind in NoiseKind.leveled { XCTAssertTrue(corruptHelp.contains(kind.name + " " + kind.levelPlaceholder), corruptHelp) }
        let boundHelp = output(of: "help bound")
        for q in LinearGaussianQuantity.allCases where q != .elbo { XCTAssertTrue(boundHelp.contains(q.name), q.name) }
        assertError("let d = load \"synthetic\"\nlet m = model vae for d.train\ntrain m on d.train objective dvea noise bitflip 0.1",
                    at: 3, 30, "unknown objective `dvea`", suggestion: "dvae")
        assertError("let d = load \"synthetic\"\ncorrupt d.train gaussian -1", at: 2, 26, "gaussian noise σ must be ≥ 0")
        assertError("let d = load \"synthetic\"\nlet m = model vae for d.train\ntrain m on d.train noise salt_pepper 2",
                    at: 3, 38, "noise level 2 is outside [0, 1]", suggestion: "`salt_pepper` takes a probability")
    }

    func testLoadAcceptsEveryAliasTheEngineKnows() {
        // `load shapes` used to fail although the engine knows the alias (issue 9).
        XCTAssertEqual(output(of: "print (load shapes).train.count, (load \"SHAPES\").test.count, (load builtin).name"),
                       "2000 500 synthetic")
        assertError("load shaeps", at: 1, 6, "unknown dataset `shaeps`", suggestion: "shapes")
    }

    func testNoiseAliasesPointAtTheScriptSpelling() {
        // The engine accepts other spellings of a noise kind; a script names the one it uses.
        let prelude = "let d = load \"synthetic\"\n"
        assertError(prelude + "experiment on d noise sp 0.1", at: 2, 23, "`sp` is written `salt_pepper` in scripts",
                    suggestion: "noise salt_pepper")
        assertError(prelude + "experiment on d noise bit_flip 0.1", at: 2, 23, "`bit_flip` is written `bitflip` in scripts")
    }

    func testGRUDefaultsAgreeBetweenModelAndExperiment() {
        // Both commands refuse a GRU without a state size (the engine's rule), at `hidden`.
        let prelude = "let d = load \"synthetic\"\n"
        assertError(prelude + "model vae for d.train encoder gru hidden []", at: 2, 35, "the GRU encoder needs a state size")
        assertError(prelude + "experiment on d encoder gru hidden []", at: 2, 29, "the GRU encoder needs a state size")
        assertError(prelude + "model vae for d.train encoder gru hidden [32 16]", at: 2, 35, "takes one state size, got 2 (32 16)")
        assertError(prelude + "experiment on d encoder gru hidden [32 16]", at: 2, 29, "for example: hidden [32]")
        // Both refuse an input that is not an image of several rows, at `encoder`.
        assertError("model vae input 7 encoder gru hidden [4]", at: 1, 19, "at least 2 rows")
        XCTAssertEqual(output(of: prelude + "print (model vae for d.train encoder gru hidden [8] latent 2).hidden"), "[8]")
    }

    func testSampleBudgetIsCheckedOnceForBothCommands() {
        let prelude = "let d = load \"synthetic\"\nlet m = model vae for d.train\n"
        assertError(prelude + "train m on d.train K 100000 batch 100", at: 3, 20, "samples per step is too many")
        assertError(prelude + "experiment on d K 100000 batch 100", at: 3, 17, "samples per step is too many")
        // A count beyond 10⁹ is refused by the one count conversion first; one within it whose
        // product overflows the step still reaches the (overflow-safe) sample budget.
        assertError(prelude + "train m on d.train K 999999999999 objective iwae", at: 3, 22, "`K` 999999999999 is too large")
        assertError(prelude + "train m on d.train K 1000000000 objective iwae", at: 3, 20, "samples per step is too many")
    }

    func testMembersComeFromEachTypesTable() {
        XCTAssertEqual(output(of: "let d = load \"synthetic\"\nprint d.train.count, d.name, (0:5).end, [1 2][0:1]"), "2000 synthetic 5 [1]")
        assertError("let d = load \"synthetic\"\nprint d.train.cout", at: 2, 7, "has no member `cout`", suggestion: "count")
        let help = output(of: "help members")
        for name in Dataset.memberNames + ExperimentValue.memberNames + StatisticsValue.memberNames {
            XCTAssertTrue(help.contains("." + name), name)
        }
        XCTAssertEqual(Interpreter.memberNames(of: .range(0, 3)), ["start", "end"])
        XCTAssertEqual(Interpreter.memberNames(of: .number(1)), [])
    }

    func testOperatorsRoundTripThroughTheirEnum() {
        for op in BinaryOperator.allCases { XCTAssertEqual(BinaryOperator(symbol: op.symbol), op) }
        XCTAssertEqual(BinaryOperator.allCases.filter(\.isComparison).map(\.symbol), ["<", "<=", ">", ">=", "==", "!="])
        XCTAssertEqual(output(of: "print 7 % 4, 2 ^ 10, 1 <= 1, \"a\" < \"b\", [1] == [1], not (1 != 1)"), "3 1024 true true true true")
    }
}
