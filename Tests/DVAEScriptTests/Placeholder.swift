import XCTest
final class PlaceholderDVAEScriptTests: XCTestCase { func testNothingYet() {} }
