import Foundation
import XCTest

/// The shared data directory for tests: `$DVAE_DATA`, else `../shared/data` next to the repository
/// (found from this file's path), else `./data` in the repository. Nil when none holds the files.
func sharedDataDirectory(filePath: String = #filePath) -> String? {
    let repo = URL(fileURLWithPath: filePath).deletingLastPathComponent()  // Tests/DVAETests
        .deletingLastPathComponent().deletingLastPathComponent()            // repository root
    var candidates: [String] = []
    if let env = ProcessInfo.processInfo.environment["DVAE_DATA"], !env.isEmpty { candidates.append(env) }
    candidates.append(repo.appendingPathComponent("../shared/data").standardizedFileURL.path)
    candidates.append(repo.appendingPathComponent("data").path)
    return candidates.first { FileManager.default.fileExists(atPath: $0 + "/binarized_mnist_test.amat") }
}

/// A fresh temporary directory for one test, removed by the caller (`defer`).
func makeTemporaryDirectory(_ label: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("dvae-\(label)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}
