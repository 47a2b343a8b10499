import Foundation
import XCTest

/// Runs the seeded script fuzzer (`Fuzz/`) over lexer → parser → interpreter for a bounded time.
///
/// The fuzzer runs in a child process — this test binary again, running only
/// `FuzzWorkerTests.testWorker` — so that a trap (an overflow, an out-of-bounds index, a stack
/// overflow) fails this test with the input that caused it instead of killing the suite.
/// Settings (environment):
/// - `DVAE_FUZZ_SECONDS`: how long to fuzz (default 60; CI runs the default);
/// - `DVAE_FUZZ_SEED`: the generator's seed (default: a fixed seed, so CI is reproducible);
/// - `DVAE_FUZZ_MAX_MEMORY`: the interpreter's memory budget (default 256M);
/// - `DVAE_FUZZ_INPUT_SECONDS` / `DVAE_FUZZ_HANG_SECONDS`: interrupt an input after this long
///   (default 2 s) / call it a hang when it is still running after that (default 30 s).
/// The child also runs under a 4 GiB address-space limit, like the held-back corpus.
final class FuzzTests: XCTestCase {
    func testFuzzerFindsNoCrashHangOrUnlocatedError() throws {
        #if os(Linux)
        let env = ProcessInfo.processInfo.environment
        let seconds = Double(env["DVAE_FUZZ_SECONDS"] ?? "") ?? 60
        let seed = env["DVAE_FUZZ_SEED"] ?? "20261201"
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dvae-fuzz-\(getpid())-\(seed)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if env["DVAE_FUZZ_KEEP"] == nil { try? FileManager.default.removeItem(atPath: dir) } }

        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // `ulimit -v` caps the child's address space (KiB) like the held-back corpus did.
        process.arguments = ["-c", "ulimit -v 4194304; exec \"$0\" DVAEScriptTests.FuzzWorkerTests/testWorker", executable]
        var childEnv = env
        childEnv["DVAE_FUZZ_WORKER_DIR"] = dir
        childEnv["DVAE_FUZZ_SEED"] = seed
        childEnv["DVAE_FUZZ_SECONDS"] = String(seconds)
        process.environment = childEnv
        let log = dir + "/child.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        print("fuzz: seed \(seed), \(Int(seconds)) s (reproduce with DVAE_FUZZ_SEED=\(seed) DVAE_FUZZ_SECONDS=\(Int(seconds)))")
        try process.run()
        process.waitUntilExit()
        try handle.close()

        // The generated scripts name "/dev/null" as a file to load, save and export to: as root a
        // rename over it once replaced the device with an ordinary file. It must still be a device.
        var null = stat()
        XCTAssertTrue(stat("/dev/null", &null) == 0 && (null.st_mode & S_IFMT) == S_IFCHR,
                      "a fuzzed script replaced /dev/null (it is no longer a character device)")
        let input = (try? String(contentsOfFile: dir + "/current.dvae", encoding: .utf8)) ?? "(none)"
        let stats = (try? Data(contentsOf: URL(fileURLWithPath: dir + "/stats.json")))
            .flatMap { try? JSONDecoder().decode(FuzzWorker.Stats.self, from: $0) }
        let tail = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").suffix(3000)
        switch (process.terminationReason, process.terminationStatus) {
        case (.exit, 0):
            let s = try XCTUnwrap(stats, "the fuzzer wrote no statistics; its log:\n\(tail)")
            print("fuzz: \(s.inputs) inputs, \(s.succeeded) ran, \(s.locatedErrors) located errors, 0 crashes, 0 hangs; slowest \(String(format: "%.2f", s.slowest)) s")
            XCTAssertGreaterThan(s.inputs, 100, "the fuzzer ran too few inputs to mean anything")
            // The teaching commands must be reached past their argument checks, not only refused.
            print("fuzz: inputs that ran to the end, by teaching command: "
                  + ScriptGenerator.teachingCommands.map { "\($0) \(s.teachingRan[$0] ?? 0)" }.joined(separator: ", "))
            for command in ScriptGenerator.teachingCommands {
                XCTAssertGreaterThan(s.teachingRan[command] ?? 0, 0, "no fuzzed input using `\(command)` ran to the end")
            }
        case (.exit, 3):
            XCTFail("fuzz seed \(seed): HANG on this input:\n\(input)\n\(tail)")
        case (.exit, 4):
            XCTFail("fuzz seed \(seed): findings:\n" + (stats?.findings.prefix(5).joined(separator: "\n\n") ?? String(tail)))
        default:
            XCTFail("fuzz seed \(seed): CRASH (\(process.terminationReason == .uncaughtSignal ? "signal" : "exit") \(process.terminationStatus)) on this input:\n\(input)\n--- log\n\(tail)")
        }
        #else
        throw XCTSkip("the fuzzer's child process needs /proc/self/exe (Linux)")
        #endif
    }
}
