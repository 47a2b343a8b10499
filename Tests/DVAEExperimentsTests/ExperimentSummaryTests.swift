import XCTest
import Foundation
import DVAE
@testable import DVAEExperiments

final class ExperimentSummaryTests: XCTestCase {
    func result(seed: UInt64, level: Float, mean: Double, extra: Double? = nil, cached: Bool = false) -> ExperimentResult {
        let config = tinyExperimentConfig(seed: seed, corruption: level == 0 ? .none : .saltPepper(level),
                                          extraIWAE: extra == nil ? nil : 5000)
        var r = ExperimentResult(config: config, testBound: BoundEstimate(kind: .elbo, mean: mean, standardError: 0.5, count: 50),
                                 extraBound: extra.map { BoundEstimate(kind: .iwae(5000), mean: $0, standardError: 0.25, count: 50) },
                                 curve: [], skippedSteps: 0, checkpointFile: nil, wallSeconds: 2)
        r.cached = cached
        return r
    }

    func testMeanAndStdOverSeeds() throws {
        let s = try XCTUnwrap(ExperimentSummary([result(seed: 1, level: 0.1, mean: -90, extra: -88),
                                                 result(seed: 2, level: 0.1, mean: -92, extra: -89, cached: true),
                                                 result(seed: 3, level: 0.1, mean: -94, extra: -90)]))
        XCTAssertEqual(s.seeds, [1, 2, 3])
        XCTAssertEqual(s.count, 3)
        XCTAssertEqual(s.testMean, -92, accuracy: 1e-12)
        XCTAssertEqual(s.testStd, 2, accuracy: 1e-12)
        XCTAssertEqual(s.meanStandardError, 0.5, accuracy: 1e-12)
        XCTAssertEqual(s.extraKind, .iwae(5000))
        XCTAssertEqual(s.extraMean!, -89, accuracy: 1e-12)
        XCTAssertEqual(s.extraStd!, 1, accuracy: 1e-12)
        XCTAssertEqual(s.cachedCount, 1)
        XCTAssertEqual(s.wallSeconds, 6)
        XCTAssertEqual(s.formatted(), "92.00 ± 2.00")
        XCTAssertEqual(s.formatted(negated: false, digits: 1), "-92.0 ± 2.0")
        XCTAssertEqual(s.formattedExtra(), "89.00 ± 1.00")
        XCTAssertEqual(s.config, tinyExperimentConfig(seed: 0, corruption: .saltPepper(0.1), extraIWAE: 5000))
    }

    func testSingleSeedHasZeroStdAndMixedCellsAreRefused() {
        let one = ExperimentSummary([result(seed: 1, level: 0.1, mean: -90.125)])
        XCTAssertEqual(one?.testStd, 0)
        XCTAssertEqual(one?.formatted(digits: 2), "90.13 ± 0.00")
        XCTAssertNil(one?.extraMean)
        XCTAssertNil(ExperimentSummary([]))
        XCTAssertNil(ExperimentSummary([result(seed: 1, level: 0.1, mean: -90), result(seed: 2, level: 0.05, mean: -90)]))
    }

    func testGroupingBySeedlessConfiguration() {
        let groups = ExperimentSummary.group([result(seed: 1, level: 0, mean: -95), result(seed: 1, level: 0.1, mean: -90),
                                              result(seed: 2, level: 0, mean: -97), result(seed: 2, level: 0.1, mean: -92)])
        XCTAssertEqual(groups.map(\.config.corruption), [.none, .saltPepper(0.1)])
        XCTAssertEqual(groups.map(\.testMean), [-96, -91])
        XCTAssertEqual(groups.map(\.count), [2, 2])
    }

    func testNoiseComparisonFindsBestLevelAndTheClaim() throws {
        func summaries(_ means: [(Float, Double)]) -> [ExperimentSummary] {
            ExperimentSummary.group(means.flatMap { level, m in
                [result(seed: 1, level: level, mean: m - 0.5), result(seed: 2, level: level, mean: m + 0.5)] })
        }
        let helps = try XCTUnwrap(NoiseLevelComparison(summaries([(0.15, -93), (0, -95), (0.05, -94), (0.1, -92)])))
        XCTAssertEqual(helps.cells.map(\.level), [0, 0.05, 0.1, 0.15])
        XCTAssertEqual(helps.bestLevel, 0.1)
        XCTAssertEqual(helps.clean?.level, 0)
        XCTAssertEqual(helps.bestNoisy?.level, 0.1)
        XCTAssertEqual(helps.someNoiseBeatsNoNoise, true)
        XCTAssertEqual(helps.improvement!, 3, accuracy: 1e-12)
        XCTAssertEqual(helps.improvementExceedsSeedSpread, true)

        let hurts = try XCTUnwrap(NoiseLevelComparison(summaries([(0, -90), (0.05, -91), (0.1, -95)])))
        XCTAssertEqual(hurts.bestLevel, 0)
        XCTAssertEqual(hurts.bestNoisy?.level, 0.05)
        XCTAssertEqual(hurts.someNoiseBeatsNoNoise, false)
        XCTAssertEqual(hurts.improvementExceedsSeedSpread, false)

        let noClean = try XCTUnwrap(NoiseLevelComparison(summaries([(0.05, -91), (0.1, -95)])))
        XCTAssertNil(noClean.someNoiseBeatsNoNoise)
        XCTAssertNil(NoiseLevelComparison([ExperimentSummary]()))
    }
}
