import XCTest
@testable import DVAEScript

/// `TrainingProgressLine`: the one progress line of `train` and `experiment`.
final class TrainingProgressLineTests: XCTestCase {
    func testLineCountsEpochsOfTheRunAndEstimatesTheTimeLeft() throws {
        // `train` continuing from epoch 10 for 5 more: epochs shown 1…5.
        var p = TrainingProgressLine(batch: 100, lastEpoch: 15, epochOffset: 10)
        let first = try XCTUnwrap(p.line(epoch: 11, step: 1, stepsPerEpoch: 10, examplesPerSecond: 1000, runningBound: -123.456))
        // (10 − 1) + (15 − 11) × 10 = 49 steps of 100 examples at 1000 ex/s: 4.9 s.
        XCTAssertEqual(first, "epoch 1/5  step 1/10  1,000 ex/s  bound -123.46  ETA 0:05")
        XCTAssertNil(p.line(epoch: 11, step: 2, stepsPerEpoch: 10, examplesPerSecond: 1000, runningBound: -1),
                     "at most ten lines a second")
        XCTAssertNotNil(p.line(epoch: 11, step: 10, stepsPerEpoch: 10, examplesPerSecond: 1000, runningBound: -1),
                        "an epoch's last step is always shown")
        var cell = TrainingProgressLine(prefix: "dvae K1  ", batch: 50, lastEpoch: 3)
        XCTAssertEqual(cell.line(epoch: 3, step: 4, stepsPerEpoch: 4, examplesPerSecond: 0, runningBound: -90),
                       "dvae K1  epoch 3/3  step 4/4  0 ex/s  bound -90.00  ETA 0:00")
    }
}
