import XCTest
import Foundation
import DVAE
@testable import DVAEExperiments

/// `CellPolicy`: what a cell becomes under each `CellMode`, and what the ledger records.
final class CellPolicyTests: XCTestCase {
    var directory = ""

    override func setUp() { directory = makeExperimentDirectory("policy") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    /// A made-up finished result of `config` (nothing is trained by these tests).
    private func result(_ config: ExperimentConfig) -> ExperimentResult {
        ExperimentResult(config: config, testBound: BoundEstimate(kind: .elbo, mean: -100, standardError: 1, count: 50),
                         extraBound: nil, curve: [], skippedSteps: 0, checkpointFile: nil, wallSeconds: 1)
    }

    /// Resolves `config`, counting the calls of `compute` (which returns `result` or throws `error`).
    private func resolve(_ config: ExperimentConfig, cache: ResultCache?, mode: CellMode, ledger: CellLedger,
                         error: Error? = nil) throws -> (CellPolicy.Resolution, computed: Int) {
        var computed = 0
        let resolution = try CellPolicy.resolve(config, data: experimentTestData, cache: cache, mode: mode, ledger: ledger,
                                                location: "nb.md:3", failureMessage: { "why: \($0)" }) {
            computed += 1
            if let error { throw error }
            return self.result(config)
        }
        return (resolution, computed)
    }

    func testEachModeDecidesAsDocumented() throws {
        let cache = try ResultCache(directory: directory)
        let config = tinyExperimentConfig()
        let ledger = CellLedger()

        // plan: nothing computed, the cell planned.
        var (r, computed) = try resolve(config, cache: cache, mode: .plan, ledger: ledger)
        guard case .pending = r else { return XCTFail("planned cells are pending") }
        XCTAssertEqual(computed, 0)
        guard case .planned = ledger.entries.last?.outcome else { return XCTFail("\(ledger.entries)") }

        // execute, not this task's cell: pending, not computed.
        (r, computed) = try resolve(config, cache: cache, mode: .execute(["other"]), ledger: ledger)
        XCTAssertEqual(computed, 0)

        // execute, this task's cell, failing: recorded in <key>.failed, pending with the message.
        struct Boom: Error {}
        (r, computed) = try resolve(config, cache: cache, mode: .execute([config.key]), ledger: ledger, error: Boom())
        XCTAssertEqual(computed, 1)
        guard case .failed(let message) = ledger.entries.last?.outcome else { return XCTFail("\(ledger.entries)") }
        XCTAssertEqual(message, "why: Boom()")
        guard case .failed(let recorded) = cache.status(of: config) else { return XCTFail("the failure is recorded") }
        XCTAssertEqual(recorded.error, message)

        // compute: a cell that belongs to a sweep (here: failed in one) is gathered, not computed.
        (r, computed) = try resolve(config, cache: cache, mode: .compute, ledger: ledger)
        XCTAssertEqual(computed, 0)

        // compute, another process holds the claim: pending.
        cache.clearSweepRecords(config)
        (r, computed) = try resolve(config, cache: cache, mode: .compute, ledger: ledger,
                                    error: ExperimentError.busy(key: config.key, holder: "pid 1"))
        XCTAssertEqual(computed, 1)
        guard case .pending = r, case .pending = ledger.entries.last?.outcome else { return XCTFail("busy cells are pending") }

        // compute: computed here.
        (r, computed) = try resolve(config, cache: cache, mode: .compute, ledger: ledger)
        XCTAssertEqual(computed, 1)
        guard case .computed = ledger.entries.last?.outcome else { return XCTFail("\(ledger.entries)") }

        // Finished in the cache: read, never computed, in every mode.
        try cache.store(result(config))
        for mode: CellMode in [.compute, .plan, .execute([config.key]), .execute([])] {
            (r, computed) = try resolve(config, cache: cache, mode: mode, ledger: ledger)
            XCTAssertEqual(computed, 0, "\(mode)")
            guard case .finished(let found) = r else { return XCTFail("\(mode): finished cells are read") }
            XCTAssertTrue(found.cached)
            XCTAssertEqual(found.testBound.mean, -100)
            guard case .cached = ledger.entries.last?.outcome else { return XCTFail("\(ledger.entries)") }
        }
        XCTAssertEqual(ledger.distinctCount, 1)
        XCTAssertFalse(ledger.unfinished.isEmpty, "earlier pending entries stay in the ledger")
    }

    func testWithoutACacheCellsAreComputedOrPlanned() throws {
        let ledger = CellLedger()
        var (r, computed) = try resolve(tinyExperimentConfig(), cache: nil, mode: .compute, ledger: ledger)
        XCTAssertEqual(computed, 1)
        guard case .finished = r else { return XCTFail() }
        (r, computed) = try resolve(tinyExperimentConfig(), cache: nil, mode: .plan, ledger: ledger)
        XCTAssertEqual(computed, 0)
        guard case .pending = r else { return XCTFail() }
    }

    func testACellThatDoesNotFitItsDataFailsBeforeAnythingElse() throws {
        var config = tinyExperimentConfig()
        config.dataset = "frey"
        let cache = try ResultCache(directory: directory)
        // Planning checks at once (a computed cell is checked by the runner `compute` calls).
        XCTAssertThrowsError(try resolve(config, cache: cache, mode: .plan, ledger: CellLedger())) { error in
            guard case ExperimentError.datasetMismatch = error else { return XCTFail("\(error)") }
        }
        // A finished cell is checked the same way before it is used.
        try cache.store(result(config))
        XCTAssertThrowsError(try resolve(config, cache: cache, mode: .compute, ledger: CellLedger()))
    }
}
