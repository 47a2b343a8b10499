import XCTest
import Foundation
@testable import DVAE

/// `TrainingRecipe`: its presets, its words, its JSON (defaults left out) and its one round trip
/// through checkpoint metadata.
final class TrainingRecipeTests: XCTestCase {
    /// A recipe with every setting away from its default.
    private var everything: TrainingRecipe {
        var r = TrainingRecipe.authors
        r.objective = .dvae
        r.K = 5
        r.M = 2
        r.corruption = .saltPepperAuthors(0.25)
        r.batchSize = 20
        r.learningRate = 3e-4
        r.schedule = .inverse(3000)
        r.clipNorm = 2.5
        return r
    }

    func testPresets() {
        XCTAssertEqual(TrainingRecipe.engine, TrainingRecipe())
        let a = TrainingRecipe.authors
        XCTAssertEqual(a.optimizer, .authors)
        XCTAssertEqual(a.clipNorm, 5)
        XCTAssertEqual(a.nonFinite, .shrink)
        XCTAssertEqual(a.schedule, .authors)
        XCTAssertEqual(a.initialisation, .glorot)
        XCTAssertEqual(a.encoderSigma, .exp)
        XCTAssertEqual(a.kl, .analytic)
        XCTAssertEqual(a.batchOrder, .fixed)
        var iw = a
        iw.objective = .diwae
        XCTAssertEqual(iw.normalised.kl, .monteCarlo, "an importance-weighted objective has no closed-form KL")
        XCTAssertEqual(a.normalised, a)
    }

    func testEachEnumCarriesItsWords() {
        XCTAssertEqual(AdamVariant.names, ["adam", "authors_adam"])
        XCTAssertEqual(AdamVariant(name: "authors_adam"), .authors)
        XCTAssertNil(AdamVariant(name: "authors"), "the language writes authors_adam, not the raw value")
        XCTAssertEqual(NonFiniteRule.names, ["skip", "shrink"])
        XCTAssertEqual(BatchOrder.namesInProse, "shuffled or fixed")
        XCTAssertEqual(KLEstimator.names, ["monte_carlo", "analytic"])
        XCTAssertEqual(WeightInit(name: "glorot"), .glorot)
        XCTAssertEqual(EncoderSigma.names, ["logvar", "exp"])
        for s: LearningRateSchedule in [.constant, .authors, .inverse(3000), .inverse(2.5)] {
            XCTAssertEqual(LearningRateSchedule(name: s.description), s)
        }
        for bad in ["decay", "decay 0", "decay -3", "decay nan", "decay inf", "decay 3 4", "linear", ""] {
            XCTAssertNil(LearningRateSchedule(name: bad), bad)
        }
    }

    func testJSONLeavesDefaultsOutAndRoundTrips() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        XCTAssertEqual(String(decoding: try encoder.encode(TrainingRecipe.engine), as: UTF8.self),
                       #"{"K":1,"M":1,"batchSize":100,"corruption":{"kind":"none"},"learningRate":0.001,"objective":"vae"}"#)
        for r in [TrainingRecipe.engine, .authors, everything] {
            XCTAssertEqual(try JSONDecoder().decode(TrainingRecipe.self, from: encoder.encode(r)), r)
        }
    }

    func testCheckpointMetadataRoundTrip() throws {
        for recipe in [TrainingRecipe.engine, .authors, everything] {
            var metadata = recipe.checkpointMetadata(seed: 42)
            // The fresh-model choices travel in the architecture entry.
            let model = ModelConfig(initialisation: recipe.initialisation, encoderSigma: recipe.encoderSigma)
            metadata[Checkpoint.MetadataKey.architecture] = String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
            let back = try XCTUnwrap(TrainingRecipe.fromCheckpoint(metadata, path: "x.safetensors"))
            XCTAssertEqual(back.recipe, recipe)
            XCTAssertEqual(back.seed, 42)
        }
        XCTAssertEqual(everything.checkpointMetadata(seed: 1)[Checkpoint.MetadataKey.schedule], "decay 3000")
        XCTAssertNil(TrainingRecipe.engine.checkpointMetadata(seed: 1)[Checkpoint.MetadataKey.batchOrder])
        XCTAssertNil(try TrainingRecipe.fromCheckpoint([:], path: "x"), "an untrained model's checkpoint has no recipe")
        var bad = everything.checkpointMetadata(seed: 1)
        bad[Checkpoint.MetadataKey.schedule] = "decay -1"
        XCTAssertThrowsError(try TrainingRecipe.fromCheckpoint(bad, path: "m.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("m.safetensors") && "\(error)".contains("'schedule'"), "\(error)")
        }
    }

    func testTrainConfigCarriesEverySetting() {
        let r = everything
        let t = r.trainConfig(epochs: 7, seed: 3, validateEveryEpoch: false, evaluationInterval: 2)
        XCTAssertEqual(t.objective, r.objectiveConfig)
        XCTAssertEqual(t.batchSize, 20)
        XCTAssertEqual(t.adam, AdamConfig(lr: 3e-4, variant: .authors))
        XCTAssertEqual(t.clipNorm, 2.5)
        XCTAssertEqual(t.schedule, .inverse(3000))
        XCTAssertEqual(t.nonFinite, .shrink)
        XCTAssertEqual(t.batchOrder, .fixed)
        XCTAssertEqual(t.objective.kl, .analytic)
        XCTAssertEqual([t.epochs, t.evaluationInterval], [7, 2])
        XCTAssertEqual(t.seed, 3)
    }

    /// The language's option table: each word option's words are its enum's `names`, and every
    /// word and a sample number set the field they name (so a keyword added to the table works
    /// in `train` and `experiment` with no other change).
    func testLanguageOptionsSetTheirFields() {
        let options = Dictionary(uniqueKeysWithValues: TrainingRecipe.languageOptions.map { ($0.keyword, $0) })
        XCTAssertEqual(Set(options.keys), ["lr", "clip", "optimizer", "nonfinite", "kl", "batches", "init", "encoder_sigma"])
        func words(_ keyword: String) -> [String] {
            guard case .word(_, let words, _)? = options[keyword]?.argument else { return [] }
            return words
        }
        XCTAssertEqual(words("optimizer"), AdamVariant.names)
        XCTAssertEqual(words("kl"), KLEstimator.names)
        XCTAssertEqual(words("init"), WeightInit.names)
        var r = TrainingRecipe()
        for (keyword, word) in [("optimizer", "authors_adam"), ("nonfinite", "shrink"), ("kl", "analytic"), ("batches", "fixed"),
                                ("init", "glorot"), ("encoder_sigma", "exp")] {
            XCTAssertTrue(options[keyword]!.set(word: word, in: &r), keyword)
        }
        XCTAssertNil(options["lr"]!.set(number: 3e-3, in: &r))
        XCTAssertNil(options["clip"]!.set(number: 5, in: &r))
        var expected = TrainingRecipe.authors
        expected.schedule = .constant
        expected.learningRate = 3e-3
        XCTAssertEqual(r, expected)
        // The defaults stay nil, so a cell that writes them keeps the key of one that does not.
        XCTAssertTrue(options["init"]!.set(word: "standard", in: &r))
        XCTAssertNil(r.initialisation)
        XCTAssertFalse(options["optimizer"]!.set(word: "authors", in: &r), "the language writes authors_adam")
        XCTAssertEqual(options["lr"]!.set(number: 0, in: &r), "must be positive (and below 10)")
        XCTAssertEqual(options["clip"]!.set(number: -1, in: &r), "must be positive")
        XCTAssertEqual(options["kl"]!.set(number: 1, in: &r), "takes a word, not a number")
        XCTAssertEqual(r.learningRate, 3e-3, "a refused number leaves the recipe as it was")
    }
}
