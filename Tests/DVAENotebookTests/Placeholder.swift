import XCTest
final class PlaceholderDVAENotebookTests: XCTestCase { func testNothingYet() {} }
