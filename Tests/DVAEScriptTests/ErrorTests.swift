import XCTest
@testable import DVAEScript

/// Every class of error message: each bad input must give a located, actionable message.
final class ErrorTests: XCTestCase {
    /// Lines 1–2 of the runtime tests: a small dataset and an untrained model.
    private let prelude = "let d = load \"synthetic\" subset 50\nlet m = model vae for d.train hidden [8] latent 2\n"

    // MARK: Lexical and syntax errors

    func testUnknownCommandAtStatementStart() {
        assertError("corupt x salt_pepper 0.1", at: 1, 1, "unknown command `corupt`", suggestion: "did you mean `corrupt`?")
    }

    func testMisspeltArgumentName() {
        assertError("train m on d epoch 5", at: 1, 14, "`train` has no argument `epoch`", suggestion: "did you mean `epochs`?")
    }

    func testUnknownWordChoice() {
        assertError("let m = model vae decoder bernouli", at: 1, 27, "unknown decoder `bernouli`", suggestion: "`bernoulli`")
        assertError("train m on d objective dvea", at: 1, 24, "unknown objective `dvea`", suggestion: "`dvae`")
    }

    func testUnknownNoiseKind() {
        assertError("train m on d noise salt_peper 0.1", at: 1, 20, "unknown noise kind `salt_peper`", suggestion: "`salt_pepper`")
    }

    func testMissingNoiseLevel() {
        assertError("train m on d noise gaussian\nprint 1", at: 1, 28, "`gaussian` needs a level")
    }

    func testUnknownFunction() {
        assertError("print mena([1 2])", at: 1, 7, "unknown function `mena`", suggestion: "did you mean `mean`?")
    }

    func testUnterminatedString() {
        assertError("print 1\nprint \"abc", at: 2, 7, "unterminated string")
    }

    func testUnclosedBlock() {
        assertError("for x in [1 2] {\n  print x", at: 1, 16, "unclosed `{`")
    }

    func testMismatchedBracket() {
        assertError("print [1 2)", at: 1, 11, "`)` does not match the `[`")
    }

    func testReservedWordAsVariable() {
        assertError("let model = 3", at: 1, 5, "`model` is a command and cannot name a variable")
        assertError("let for = 3", at: 1, 5, "`for` is a keyword")
    }

    func testMissingEquals() {
        assertError("let x 5", at: 1, 7, "expected `=` after `let x`")
        assertError("let x == 5", at: 1, 7, "found `==`", suggestion: "single `=`")
    }

    func testChainedComparison() {
        assertError("print 1 < 2 < 3", at: 1, 13, "comparisons cannot be chained", suggestion: "and")
    }

    func testCStyleOperators() {
        assertError("print a && b", at: 1, 9, "unexpected `&&`", suggestion: "`and`")
        assertError("print !a", at: 1, 7, "unexpected `!`", suggestion: "`not`")
    }

    func testKeywordWithoutValue() {
        assertError("train m on d epochs", at: 1, 20, "`epochs` needs a value (N)", suggestion: "epochs 5")
    }

    func testAssignmentInCondition() {
        assertError("if x = 1 { print x }", at: 1, 6, "unexpected `=` in an expression", suggestion: "`==`")
    }

    func testElseWithoutIf() {
        assertError("else { print 1 }", at: 1, 1, "`else` without `if`")
    }

    func testMissingBlock() {
        assertError("for x in [1 2] print x", at: 1, 16, "expected `{` after `for x in …`")
    }

    func testTrailingGarbage() {
        assertError("print 1 2", at: 1, 9, "expected end of line, found `2`")
    }

    func testDuplicateKeyword() {
        assertError("train m on d epochs 1 epochs 2", at: 1, 23, "`epochs` is given twice")
    }

    func testTooManyArguments() {
        assertError("sample m 4 5", at: 1, 12, "too many arguments for `sample`", suggestion: "usage: sample M")
    }

    func testStatementWordAsValue() {
        assertError("let x = print 1", at: 1, 9, "found the keyword `print`", suggestion: "own line")
    }

    func testNothingRunsWhenTheBlockDoesNotParse() {
        let (interp, sink) = makeInterpreter()
        XCTAssertThrowsError(try interp.run("print 1\nprint (", file: "t"))
        XCTAssertTrue(sink.texts.isEmpty)
    }

    // MARK: Runtime errors

    func testUnknownVariableWithSuggestion() {
        assertError("let mnist = 1\nprint mnsit", at: 2, 7, "unknown variable `mnsit`", suggestion: "did you mean `mnist`?")
        assertError("print zzz", at: 1, 7, "unknown variable `zzz`", suggestion: "let zzz")
    }

    func testFunctionUsedAsVariable() {
        assertError("print mean", at: 1, 7, "`mean` is a function", suggestion: "mean(list)")
    }

    func testDivisionByZero() {
        assertError("print 1 / 0", at: 1, 11, "division by zero")
        assertError("print 5 % 0", at: 1, 11, "division by zero")
    }

    func testIndexOutOfRange() {
        assertError("let xs = [1 2]\nprint xs[5]", at: 2, 10, "index 5 is out of range for a list of 2", suggestion: "0 to 1")
        assertError("let xs = [1 2]\nprint xs[1:9]", at: 2, 11, "slice 1:9 is out of range")
        assertError(prelude + "print d.test[2.5]", at: 3, 14, "an index must be a whole number, got 2.5")
    }

    func testWrongArgumentTypeForFunction() {
        assertError("print sqrt(\"a\")", at: 1, 12, "`sqrt` needs a number, got a string")
        assertError("print sqrt(1, 2)", at: 1, 7, "`sqrt` takes 1 argument, got 2", suggestion: "sqrt(x)")
        assertError("print sqrt(-4)", at: 1, 12, "`sqrt` of a negative number")
        assertError("print mean([])", at: 1, 12, "`mean` of an empty list")
    }

    func testWrongTypeInOperators() {
        assertError("print 1 + true", at: 1, 9, "`+` needs numbers, got a boolean")
        assertError("print 1 and true", at: 1, 7, "`and` needs true or false on the left, got a number")
        assertError("print \"a\" < 1", at: 1, 11, "cannot compare a string with a number")
    }

    func testNonBooleanConditions() {
        assertError("if 3 { print 1 }", at: 1, 4, "`if` needs a true/false condition, got a number")
        assertError("assert 5", at: 1, 8, "`assert` needs a true/false condition")
        assertError("for x in 5 { print x }", at: 1, 10, "`for` needs a list or a range, got a number")
    }

    func testSetOfUndefinedName() {
        assertError("let total = 0\nset totl = 1", at: 2, 5, "`totl` is not defined", suggestion: "did you mean `total`?")
    }

    func testUnknownMember() {
        assertError(prelude + "print d.tset", at: 3, 7, "dataset splits has no member `tset`", suggestion: "did you mean `test`?")
        assertError(prelude + "print m.latnt", at: 3, 7, "a model has no member `latnt`", suggestion: "`latent`")
    }

    func testNegativeEpochs() {
        assertError(prelude + "train m on d.train epochs -1", at: 3, 27, "`epochs` cannot be negative, got -1")
    }

    func testFractionalCount() {
        assertError(prelude + "train m on d.train epochs 1.5", at: 3, 27, "`epochs` must be a whole number, got 1.5")
    }

    func testNoiseLevelOutsideUnitInterval() {
        assertError(prelude + "let n = corrupt d.test salt_pepper 1.5", at: 3, 36, "noise level 1.5 is outside [0, 1]")
        assertError(prelude + "train m on d.train noise bitflip -0.1", at: 3, 34, "noise level -0.1 is outside [0, 1]")
        assertError(prelude + "let n = corrupt d.test gaussian -1", at: 3, 33, "gaussian noise σ must be ≥ 0")
    }

    func testMissingFile() {
        assertError("let x = load \"no_such_file.amat\"", at: 1, 14, "data file 'no_such_file.amat' not found; looked in:",
                    suggestion: "DVAE_DATA")
        assertError(prelude + "let x = open \"nowhere.safetensors\"", at: 3, 14, "no such file: nowhere.safetensors")
    }

    func testUnknownDatasetName() {
        assertError("let x = load \"mnsit\"", at: 1, 14, "unknown dataset \"mnsit\"", suggestion: "`mnist`")
        // Every alias the engine knows is accepted (`frey_face` once was refused here although the
        // engine loads it, issue 9); an unknown bare word still gets the closest name.
        assertError("let x = load frey_fase", at: 1, 14, "unknown dataset `frey_fase`", suggestion: "`frey_face`")
    }

    func testEmptyDataset() {
        assertError(prelude + "let e = d.test[0:0]\ntrain m on e", at: 4, 12, "is empty")
    }

    func testShapeMismatch() {
        assertError(prelude + "let big = model vae hidden [8] latent 2\ntrain big on d.train epochs 1", at: 4, 14,
                    "shape mismatch: the data has 144 pixels (12×12) but the model expects 784 (28×28)",
                    suggestion: "model vae for DATA")
    }

    func testSplitsWhereADatasetIsNeeded() {
        assertError(prelude + "train m on d", at: 3, 12, "expected a dataset, got the splits of `synthetic`",
                    suggestion: "`.train`, `.valid` or `.test`")
    }

    func testMissingRequiredArguments() {
        assertError("train", at: 1, 1, "`train` needs a model", suggestion: "usage: train M on DATA")
        assertError(prelude + "train m epochs 1", at: 3, 1, "`train` needs training data", suggestion: "train M on DATA")
        assertError(prelude + "let n = corrupt d.test", at: 3, 9, "`corrupt` needs a noise")
    }

    func testWrongArgumentTypeForCommand() {
        assertError(prelude + "train d on d.train", at: 3, 7, "`train` needs a model, got dataset splits")
        assertError(prelude + "train m on d.train lr \"fast\"", at: 3, 23, "`lr` must be a number, got a string")
        assertError(prelude + "let n = model vae hidden \"big\"", at: 3, 26, "`hidden` needs a list of sizes")
    }

    func testCommandWithoutValueInExpression() {
        assertError(prelude + "let x = save m \"f.safetensors\"", at: 3, 9, "`save` gives no value")
    }

    func testObjectiveAndNoiseConflicts() {
        assertError(prelude + "train m on d.train objective vae noise salt_pepper 0.1", at: 3, 34,
                    "objective vae does not corrupt its input", suggestion: "objective dvae")
        assertError(prelude + "train m on d.train objective dvae", at: 3, 30, "objective dvae needs a `noise`")
        assertError(prelude + "let b = bound m on d.test elbo iwae 5", at: 3, 32, "give one of `elbo` and `iwae K`")
    }

    func testTableRowWidth() {
        assertError("let t = table \"a\" \"b\"\nt.add(1)", at: 2, 1, "the table has 2 columns (a, b) but `add` got 1 value")
        assertError("let t = table 5", at: 1, 15, "column names must be strings")
    }

    func testUnknownHelpTopic() {
        assertError("help trian", at: 1, 6, "no help for `trian`", suggestion: "did you mean `train`?")
    }

    func testRunWithoutHook() {
        assertError("run \"x.md\"", at: 1, 1, "`run` is not available here")
    }

    func testLinearGaussianMisuse() {
        assertError("let g = model linear_gaussian 3 2\nlet b = bound g on [1 2 3] logpx", at: 2, 20, "expected a dataset, got a list")
        assertError("let g = model linear_gaussian 3 2\nlet xs = sample g 5\nlet b = bound g on xs", at: 3, 9,
                    "say which quantity", suggestion: "logpx")
        assertError("let g = model linear_gaussian 3 2 hidden [4]", at: 1, 35, "`hidden` does not apply to the linear-Gaussian model")
        assertError("let g = model linear_gaussian 3 2\nsample g 2 columns 2", at: 2, 12, "`columns` applies only to pictures")
    }

    func testInterruptedStatementsStopCleanly() {
        let (interp, _) = makeInterpreter()
        try? interp.run("let x = 1", file: "t")
        interp.interrupt.set()
        XCTAssertThrowsError(try interp.runNested("print x", file: "t")) { e in
            XCTAssertEqual((e as? ScriptError)?.message, "interrupted")
        }
    }

    func testResourceGuards() {
        assertError("for i in 0:100000000000 { print i }", at: 1, 11, "is too long to loop over")
        assertError("print sum(0:100000000000)", at: 1, 12, "is too long")
        assertError(prelude + "show d.test[0:0]", at: 3, 6, "nothing to show")
        assertError(prelude + "let m2 = model vae hidden [20000000]", at: 3, 27, "too large")
        assertError(prelude + "let b = bound m on d.test iwae 0", at: 3, 32, "`iwae` cannot be less than 1, got 0")
    }

    func testModelShapeOptions() {
        assertError("let m = model vae input 10 shape [3 3]", at: 1, 34, "`shape` 3×3 has 9 pixels but `input` is 10")
        assertError("let m = model vae shape [2]", at: 1, 25, "`shape` needs two numbers [H W], got 1")
    }
}
