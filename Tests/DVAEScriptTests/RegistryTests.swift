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
        XCTAssertEqual(interp.completions(prefix: "", line: "train m on d noise ").filter(NoiseKind.names.contains), NoiseKind.scriptNames)
        let corruptHelp = output(of: "help corrupt")
        for kind in CorruptCommand.kinds { XCTAssertTrue(corruptHelp.contains(kind.name + " " + kind.levelPlaceholder), corruptHelp) }
        XCTAssertTrue(corruptHelp.contains("law"), corruptHelp)
        let boundHelp = output(of: "help bound")
        for q in LinearGaussianQuantity.allCases where q != .elbo { XCTAssertTrue(boundHelp.contains(q.name), q.name) }
        assertError("let d = load \"synthetic\"\nlet m = model vae for d.train\ntrain m on d.train objective dvea noise bitflip 0.1",
                    at: 3, 30, "unknown objective `dvea`", suggestion: "dvae")
        assertError("let d = load \"synthetic\"\ncorrupt d.train gaussian -1", at: 2, 26, "gaussian noise σ must be ≥ 0")
        assertError("let d = load \"synthetic\"\nlet m = model vae for d.train\ntrain m on d.train noise salt_pepper 2",
                    at: 3, 38, "noise level 2 is outside [0, 1]", suggestion: "`salt_pepper` takes a probability")
    }

    /// The training keywords of `train`, `experiment` and `model` are the engine's option table
    /// (`TrainingRecipe.languageOptions`): each is there with the table's words and help, and
    /// only there, so an option added to the table needs nothing in the language.
    func testTrainingKeywordsComeFromTheRecipeTable() {
        for option in TrainingRecipe.languageOptions {
            let takers: [CommandSpec] = option.group == .freshModel
                ? [ModelCommand.spec, ExperimentCommand.spec] : [TrainCommand.spec, ExperimentCommand.spec]
            for spec in takers {
                guard let k = spec.keyword(option.keyword) else { XCTFail("\(spec.name) lacks `\(option.keyword)`"); continue }
                XCTAssertEqual(k.summary, option.summary)
                if case .word(let placeholder, let words, false) = option.argument {
                    XCTAssertEqual(k.slots, [.word(placeholder, words)], option.keyword)
                }
            }
        }
        XCTAssertNil(TrainCommand.spec.keyword("init"), "train's model exists: its initialisation is not a training option")
        assertError("let d = load \"synthetic\"\nlet m = model vae for d.train\ntrain m on d.train lr 0",
                    at: 3, 23, "`lr` must be positive (and below 10), got 0")
        assertError("let d = load \"synthetic\"\nlet m = model vae for d.train\ntrain m on d.train kl \"exact\"",
                    at: 3, 23, "unknown kl `exact`")
    }

    func testLoadAcceptsEveryAliasTheEngineKnows() {
        // `load shapes` used to fail although the engine knows the alias (issue 9).
        XCTAssertEqual(output(of: "print (load shapes).train.count, (load \"SHAPES\").test.count, (load builtin).name"),
                       "2000 500 synthetic")
        assertError("load shaeps", at: 1, 6, "unknown dataset `shaeps`", suggestion: "shapes")
    }

    func testTheAuthorsSaltPepperLawHasOneSpellingInScripts() throws {
        // The engine's name `salt_pepper_authors` stays its encoding (result files, cache keys);
        // a script writes the law one way, `salt_pepper P law authors`, and is pointed at it.
        assertError("train m on d noise salt_pepper_authors 0.1", at: 1, 20,
                    "`salt_pepper_authors` is written `salt_pepper P law authors` in scripts",
                    suggestion: "noise salt_pepper P law authors")
        assertError("let x = corrupt d salt_pepper_authors 0.1", at: 1, 19,
                    "`salt_pepper_authors` is written `salt_pepper P law authors` in scripts",
                    suggestion: "salt_pepper P law authors")
        assertError("let d = load \"synthetic\"\nlet x = corrupt d.test bitflip 0.1 law authors", at: 2, 40,
                    "`law authors` is a salt-and-pepper law")
        // `law authors` gives the engine's authors' law, on `corrupt` as on `train`.
        let (interp, _) = makeInterpreter()
        try interp.run("""
            let d = load "synthetic" subset 50
            let a = corrupt d.test salt_pepper 0.3 law authors seed 7
            let t = corrupt d.test salt_pepper 0.3 law textbook seed 7
            """, file: "test.dvae")
        guard case .dataset(let a)? = interp.globals.lookup("a"), case .dataset(let t)? = interp.globals.lookup("t"),
              case .splits(let d)? = interp.globals.lookup("d") else { return XCTFail("datasets") }
        var rng = RNG(seed: 7)
        XCTAssertEqual(a.x.array, Corruption.saltPepperAuthors(0.3).apply(d.test.x, rng: &rng).array)
        rng = RNG(seed: 7)
        XCTAssertEqual(t.x.array, Corruption.saltPepper(0.3).apply(d.test.x, rng: &rng).array)
        XCTAssertTrue(a.name.contains("salt_pepper_authors"), a.name)
        XCTAssertEqual(interp.completions(prefix: "", line: "train m on d noise "), NoiseKind.scriptNames)
        XCTAssertTrue(output(of: "help noise").contains("law authors"))
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
