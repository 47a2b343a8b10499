import XCTest
@testable import DVAEExperiments

/// Paired, multi-seed verdicts: decided only with ≥ 3 seeds and more than 2 standard errors.
final class PairedDifferenceTests: XCTestCase {
    func testStatisticsMatchAHandComputation() {
        let d = PairedDifference([-95.4, -95.6, -95.5], [-96.1, -96.0, -96.3])   // differences 0.7, 0.4, 0.8
        XCTAssertEqual(d.differences.count, 3)
        XCTAssertEqual(d.mean, 19.0 / 30.0, accuracy: 1e-12)
        // sd of (0.7, 0.4, 0.8): deviations 1/15, −7/30, 1/6 → variance (0.0044… + 0.0544… + 0.0277…)/2 = 0.04333…
        XCTAssertEqual(d.standardDeviation, (0.13 / 3).squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(d.standardError, (0.13 / 9).squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(d.verdict, .higher)
        XCTAssertEqual(d.description, "+0.63 ± 0.12 (paired, 3 seeds): higher")
    }

    func testFewerThanThreeSeedsNeverDecide() {
        XCTAssertEqual(PairedDifference([5], [0]).verdict, .notDecided)
        XCTAssertEqual(PairedDifference([5, 5.1], [0, 0]).verdict, .notDecided)
        XCTAssertEqual(PairedDifference([5], [0]).description, "+5.00 (paired, 1 seed): not decided")
    }

    func testTwoStandardErrorsDecideBothWays() {
        // Mean −1, sd 1.155 over 4 seeds: se 0.577, so −1 is 1.73 se from 0 — not decided.
        XCTAssertEqual(PairedDifference([-2, 0, -2, 0], [0, 0, 0, 0]).verdict, .notDecided)
        // Mean −1.75, sd 0.289: se 0.144, 12 se from 0 — lower.
        XCTAssertEqual(PairedDifference([-2, -1.5, -2, -1.5], [0, 0, 0, 0]).verdict, .lower)
        XCTAssertEqual(PairedDifference([1, -1, 0.5], [0, 0, 0]).verdict, .notDecided)
    }

    func testIncompletePairsAreLeftOut() {
        let d = PairedDifference([.nan, 1, 2, 3], [0, 0, .infinity, 1])
        XCTAssertEqual(d.differences, [1, 2])
        XCTAssertEqual(d.verdict, .notDecided)
        XCTAssertTrue(PairedDifference([.nan], [1]).mean.isNaN)
    }
}
