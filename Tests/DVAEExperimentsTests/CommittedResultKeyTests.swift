import XCTest
import Foundation
import DVAE
@testable import DVAEExperiments

/// The pinned-key test: every committed file under `results/` is found by the `ExperimentConfig`
/// key in its name, so decoding its stored configuration with this build and recomputing the key
/// must give that name back. A change to `ExperimentConfig`'s fields, coding or canonical JSON that
/// would orphan a committed result (or the partial state a long run resumes from) fails here.
final class CommittedResultKeyTests: XCTestCase {
    /// The checkout's root (this file is `Tests/DVAEExperimentsTests/<name>.swift`).
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The committed files under `results/` (`git ls-files`), or, when git cannot say (no git, or
    /// a copy without its `.git`), every file found there.
    private static func committedResultFiles() -> [String] {
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", root.path, "ls-files", "-z", "--", "results"]
        let pipe = Pipe()
        git.standardOutput = pipe
        git.standardError = FileHandle.nullDevice
        if (try? git.run()) != nil {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            git.waitUntilExit()
            if git.terminationStatus == 0 {
                let listed = String(decoding: data, as: UTF8.self).split(separator: "\0").map(String.init)
                if !listed.isEmpty { return listed.sorted() }
            }
        }
        let results = root.appendingPathComponent("results").path
        guard let walk = FileManager.default.enumerator(atPath: results) else { return [] }
        return walk.compactMap { ($0 as? String).map { "results/" + $0 } }
            .filter { !FileManager.default.isDirectory(root.appendingPathComponent($0).path) }.sorted()
    }

    func testEveryCommittedResultDecodesUnderItsKey() throws {
        let files = Self.committedResultFiles()
        guard FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("results").path) else {
            throw XCTSkip("no results/ folder in this checkout (\(Self.root.path))")
        }
        var checked = (results: 0, progress: 0, partial: 0)
        let decoder = ExperimentJSON.decoder()
        for relative in files {
            let name = (relative as NSString).lastPathComponent
            let path = Self.root.appendingPathComponent(relative).path
            let folder = ((relative as NSString).deletingLastPathComponent as NSString).lastPathComponent
            if name.hasSuffix(".partial.safetensors") {
                let key = String(name.dropLast(".partial.safetensors".count))
                let metadata = try SafeTensors.read(from: path).metadata
                let stored = try XCTUnwrap(metadata[ExperimentCheckpoint.configKey], "\(relative): no configuration in its metadata")
                let config = try decoder.decode(ExperimentConfig.self, from: Data(stored.utf8))
                XCTAssertEqual(config.key, key, "\(relative): the stored configuration's key differs from the file name")
                XCTAssertEqual(metadata[ExperimentCheckpoint.keyKey], key, "\(relative): stored key")
                XCTAssertEqual(ExperimentKey.canonicalJSON(config), stored,
                               "\(relative): the configuration no longer re-encodes to the JSON it was saved with")
                checked.partial += 1
            } else if name.hasSuffix(".json") && folder == "progress" {
                let key = String(name.dropLast(".json".count))
                let progress = try decoder.decode(CellProgress.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
                XCTAssertEqual(progress.config.key, key, "\(relative): the stored configuration's key differs from the file name")
                XCTAssertEqual(progress.key, key, "\(relative): stored key")
                checked.progress += 1
            } else if name.hasSuffix(".json") {
                let key = String(name.dropLast(".json".count))
                let result = try decoder.decode(ExperimentResult.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
                XCTAssertEqual(result.config.key, key, "\(relative): the stored configuration's key differs from the file name")
                XCTAssertEqual(result.key, key, "\(relative): stored key")
                checked.results += 1
            }
        }
        // The walk must have found something, or a broken listing would pass silently.
        XCTAssertGreaterThan(checked.results + checked.progress + checked.partial, 0,
                             "no result files found under \(Self.root.path)/results")
    }
}

private extension FileManager {
    func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}
