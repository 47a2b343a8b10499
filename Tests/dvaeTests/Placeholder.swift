import XCTest
final class PlaceholderdvaeTests: XCTestCase { func testNothingYet() {} }
