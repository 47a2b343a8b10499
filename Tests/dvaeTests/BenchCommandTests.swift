import Foundation
import XCTest

/// `dvae bench --json`.
final class BenchCommandTests: XCTestCase {
    func testJSONHasTheThreeNumbers() throws {
        let result = try DVAEBinary.run(["bench", "--steps", "3", "--warmup", "1", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        for key in ["examples_per_second", "step_gflops", "sgemm_gflops"] {
            let value = object?[key] as? Double
            XCTAssertNotNil(value, key)
            XCTAssertGreaterThan(value ?? 0, 0, key)
        }
    }
}
