import XCTest
@testable import DVAE

/// Issue 9: the engine's types are the single source of names and rules. Each enum's names,
/// aliases and rules are checked against the behaviour that reads them.
final class SingleSourceTests: XCTestCase {
    func testNoiseKindNamesAliasesAndLevelRules() throws {
        XCTAssertEqual(NoiseKind.names, ["none", "salt_pepper", "salt_pepper_authors", "bitflip", "gaussian"])
        XCTAssertEqual(Corruption.names, NoiseKind.names)
        for kind in NoiseKind.allCases {
            XCTAssertEqual(NoiseKind(name: kind.name), kind)
            XCTAssertEqual(NoiseKind(name: kind.name.uppercased()), kind)
            for alias in kind.aliases { XCTAssertEqual(NoiseKind(name: alias), kind, alias) }
            // The kind and the corruption agree both ways.
            XCTAssertEqual(kind.corruption(level: 0.25).kind, kind)
            XCTAssertEqual(try Corruption(name: kind.name, level: 0.25), kind.corruption(level: 0.25))
        }
        XCTAssertNil(NoiseKind(name: "pepper"))
        XCTAssertEqual(NoiseKind.leveled, [.saltPepper, .saltPepperAuthors, .bitFlip, .gaussian])
        // `validate` applies exactly `accepts(level:)`.
        for kind in NoiseKind.allCases where kind.takesLevel {
            for level: Float in [-0.1, 0, 0.5, 1, 1.5, 7, .infinity, .nan] {
                let valid = (try? kind.corruption(level: level).validate()) != nil
                XCTAssertEqual(valid, kind.accepts(level: Double(level)), "\(kind) \(level)")
            }
        }
        XCTAssertTrue(NoiseKind.bitFlip.accepts(level: 1) && !NoiseKind.bitFlip.accepts(level: 1.01))
        XCTAssertTrue(NoiseKind.gaussian.accepts(level: 3) && !NoiseKind.gaussian.accepts(level: -1))
    }

    func testDatasetNamesAndAliasesMatchTheLoader() throws {
        XCTAssertEqual(DataLoader.knownNames, DatasetName.allNames)
        for name in DatasetName.allNames { XCTAssertNotNil(DatasetName(name: name), name) }
        XCTAssertEqual(DatasetName(name: "SHAPES"), .synthetic)
        XCTAssertEqual(DatasetName(name: "binarised_mnist"), .binarizedMNIST)
        // Every alias of the synthetic set loads without files (the `shapes` alias once failed).
        for name in [DatasetName.synthetic.name] + DatasetName.synthetic.aliases {
            XCTAssertEqual(try DataLoader.load(name: name, locator: DataLocator(directories: [])).train.count, 2000, name)
        }
    }

    func testModelConfigForDataAndItsProblems() {
        let binary = DataLoader.synthetic(seed: 0).train
        let c = ModelConfig(for: binary)
        XCTAssertEqual([c.inputSize, c.height, c.width], [144, 12, 12])
        XCTAssertEqual(c.decoder, .bernoulli)
        XCTAssertEqual(DecoderKind(for: .continuous), .gaussian)
        XCTAssertTrue(c.problems.isEmpty)
        // The GRU rules: a state size, and an image of at least two rows.
        var gru = c
        gru.encoder = .gru
        gru.encoderHidden = []
        XCTAssertEqual(gru.fieldProblems.map(\.field), [.encoderHidden])
        gru.encoderHidden = [16]
        gru.height = 1; gru.width = 144
        XCTAssertEqual(gru.fieldProblems.map(\.field), [.encoder])
        XCTAssertEqual(gru.problems, gru.fieldProblems.map(\.description))
    }

    func testSampleBudgetIsOneSaturatingCheck() {
        let o = ObjectiveConfig(kind: .dvae, K: 100, M: 10, corruption: .saltPepper(0.1))
        XCTAssertEqual(o.samplesPerStep(batch: 100), 100_000)
        XCTAssertNil(o.sampleBudgetProblem(batch: 2000))
        XCTAssertNotNil(o.sampleBudgetProblem(batch: 2001))
        // M is ignored by objectives without corruption; huge sizes saturate instead of trapping.
        XCTAssertEqual(ObjectiveConfig(kind: .vae, K: 3, M: 50).samplesPerStep(batch: 10), 30)
        let huge = ObjectiveConfig(kind: .dvae, K: 99_999_999_999, M: 99_999_999_999)
        XCTAssertEqual(huge.samplesPerStep(batch: 100), Int.max)
        XCTAssertTrue(huge.sampleBudgetProblem(batch: 100)?.contains("more than") ?? false)
        XCTAssertEqual(ObjectiveKind.names, ["vae", "iwae", "dvae", "diwae"])
        XCTAssertEqual(ObjectiveKind.allCases.map(\.denoising), [.dvae, .diwae, .dvae, .diwae])
    }

    func testDurationInSeconds() {
        XCTAssertEqual(Duration.seconds(3).inSeconds, 3)
        XCTAssertEqual(Duration.milliseconds(1500).inSeconds, 1.5, accuracy: 1e-12)
        XCTAssertEqual((Duration.seconds(2) + .nanoseconds(5)).inSeconds, 2.000000005, accuracy: 1e-15)
    }

    func testLinearGaussianQuantityEstimatorTwoWays() {
        let g = LinearGaussianModel.random(D: 4, L: 2, seed: 3, sigma: 0.5)
        var rng = RNG(seed: 9)
        let data = g.sampleData(count: 5, rng: &rng)
        let rows = (0..<data.rows).map { data.row($0) }
        for q in LinearGaussianQuantity.allCases {
            var unused = RNG(seed: 1)
            let exact = g.estimate(q, on: data, rng: &unused)
            // Closed form: the mean of the per-row closed forms, and the spread over rows.
            let values = rows.map { q.exactValue(of: g, at: $0) }
            let mean = values.reduce(0, +) / Double(values.count)
            let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
            XCTAssertEqual(exact.mean, mean, accuracy: 1e-12, q.name)
            XCTAssertEqual(exact.standardError, sd / Double(values.count).squareRoot(), accuracy: 1e-12, q.name)
            XCTAssertEqual(exact.count, 5)
            // Monte Carlo agrees with the closed form within a few standard errors.
            var mcRNG = RNG(seed: 11)
            let mc = g.estimate(q, on: data, samples: 4000, rng: &mcRNG)
            XCTAssertLessThan(mc.zScore(of: exact.mean), q == .logMarginal ? 6 : 5, "\(q.name): \(mc) vs \(exact.mean)")
        }
        XCTAssertEqual(LinearGaussianQuantity(rawValue: "kl_post"), .klToPosterior)
    }

    /// One SplitMix64, one FNV-1a, one hex formatter (Core): reference values, so a change to any
    /// of them (which would change every seeded stream, data digest and cache key) is noticed.
    func testHashingPiecesMatchTheirReferences() {
        var state: UInt64 = 0
        XCTAssertEqual(SplitMix64.next(&state), 0xE220_A839_7B1D_CDAF)   // SplitMix64(0), first output
        XCTAssertEqual(state, SplitMix64.increment)
        XCTAssertEqual(FNV1a64.hash([UInt8]()), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(FNV1a64.hash("a".utf8), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(hexDigits(UInt8(0x0a)), "0a")
        XCTAssertEqual(hexDigits(UInt64(0xff)), "00000000000000ff")
        XCTAssertEqual(hexDigits(UInt64.max), "ffffffffffffffff")
    }
}
