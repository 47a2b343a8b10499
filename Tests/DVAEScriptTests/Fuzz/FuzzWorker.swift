import DVAE
import DVAENotebook
import Foundation
import XCTest
@testable import DVAEScript

/// The fuzzer's inner loop, run in a child process by `FuzzTests` (a trap kills only the child).
///
/// For each generated input: write it to `current.dvae` (so a crash leaves it behind), run it in a
/// fresh interpreter with a small memory budget while a watchdog interrupts it after
/// `DVAE_FUZZ_INPUT_SECONDS` and declares a hang (exit 3) after `DVAE_FUZZ_HANG_SECONDS`, then
/// classify the outcome. An error that is not a located `ScriptError`, or one whose line lies
/// outside the input, is a finding (exit 4). Statistics go to `stats.json`.
final class FuzzWorker {
    struct Settings {
        var seed: UInt64
        var seconds: Double
        var directory: String
        var budget: MemoryBudget
        var inputSeconds: Double
        var hangSeconds: Double
        var seeds: [String]
    }

    struct Stats: Codable {
        var seed: UInt64
        var inputs = 0
        var succeeded = 0
        var locatedErrors = 0
        var findings: [String] = []
        var slowest = 0.0
        /// For each teaching command, how many inputs using it ran to the end without error.
        var teachingRan: [String: Int] = [:]
    }

    /// Silently drops all output.
    final class NullSink: OutputSink {
        func emit(_ item: OutputItem) {}
        func progress(_ line: String) {}
        func progressDone() {}
    }

    /// The input being run and when it started, shared with the watchdog thread.
    final class Current: @unchecked Sendable {
        let lock = NSLock()
        var started: Date?
        var interrupt: InterruptFlag?
        var index = 0
    }

    static func run(_ s: Settings) -> Int32 {
        let fm = FileManager.default
        let work = (s.directory as NSString).appendingPathComponent("work")
        try? fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        fm.changeCurrentDirectoryPath(work)
        FuzzFixtures.create(in: work)
        let currentPath = (s.directory as NSString).appendingPathComponent("current.dvae")
        var stats = Stats(seed: s.seed)
        var generator = ScriptGenerator(seed: s.seed, seeds: s.seeds)
        let current = Current()
        let deadline = Date().addingTimeInterval(s.seconds)

        let watchdog = Thread {
            while true {
                Thread.sleep(forTimeInterval: 0.05)
                current.lock.lock()
                let started = current.started, flag = current.interrupt, index = current.index
                current.lock.unlock()
                guard let started else { continue }
                let elapsed = Date().timeIntervalSince(started)
                if elapsed > s.inputSeconds { flag?.set() }
                if elapsed > s.hangSeconds {
                    let note = "hang: input \(index) of seed \(s.seed) still running after \(Int(elapsed)) s (interrupted at \(s.inputSeconds) s)\n"
                    FileHandle.standardError.write(note.data(using: .utf8)!)
                    try? note.write(toFile: (s.directory as NSString).appendingPathComponent("hang.txt"), atomically: true, encoding: .utf8)
                    exit(3)
                }
            }
        }
        watchdog.start()

        while Date() < deadline {
            let input = generator.next()
            stats.inputs += 1
            try? input.write(toFile: currentPath, atomically: false, encoding: .utf8)
            let interpreter = Interpreter(sink: NullSink(), options: Self.options(s))
            NotebookRunner.attachNotebookHook(to: interpreter)
            current.lock.lock()
            current.started = Date(); current.interrupt = interpreter.interrupt; current.index = stats.inputs
            current.lock.unlock()
            let began = Date()
            do {
                try interpreter.run(input, file: "fuzz.dvae")
                stats.succeeded += 1
                for command in ScriptGenerator.teachingCommands where input.contains(command) {
                    stats.teachingRan[command, default: 0] += 1
                }
            } catch let error as ScriptError {
                stats.locatedErrors += 1
                let lines = input.split(separator: "\n", omittingEmptySubsequences: false).count
                if error.line < 1 || error.line > max(1, lines) || error.column < 1 {
                    stats.findings.append("input \(stats.inputs): error located at \(error.line):\(error.column) outside the input (\(lines) lines): \(error.message)\n--- input\n\(input)")
                }
            } catch {
                stats.findings.append("input \(stats.inputs): unlocated error \(type(of: error)): \(error)\n--- input\n\(input)")
            }
            current.lock.lock(); current.started = nil; current.lock.unlock()
            stats.slowest = max(stats.slowest, Date().timeIntervalSince(began))
            // Keep some successful or interesting outputs as seeds for later mutations.
            if generator.seeds.count < 2000, stats.inputs % 7 == 0 { generator.seeds.append(input) }
            if stats.findings.count >= 20 { break }
        }
        try? fm.removeItem(atPath: currentPath)
        if let data = try? JSONEncoder().encode(stats) {
            fm.createFile(atPath: (s.directory as NSString).appendingPathComponent("stats.json"), contents: data)
        }
        return stats.findings.isEmpty ? 0 : 4
    }

    /// Interpreter options: no data directories (nothing real is loaded), test mode, the budget.
    static func options(_ s: Settings) -> InterpreterOptions {
        var o = InterpreterOptions(dataLocator: DataLocator(directories: [FileManager.default.currentDirectoryPath]),
                                   testMode: true)
        o.budget = s.budget
        o.pictureOutputs = [.pngFile(scale: 2)]   // as `dvae run --out`: pictures are checked where they are shown
        return o
    }
}

/// Files the fuzzed scripts may name: a FIFO and a directory with data extensions, a file where
/// a directory is expected, a tiny valid `.amat`.
enum FuzzFixtures {
    static func create(in dir: String) {
        let fm = FileManager.default
        mkfifo((dir as NSString).appendingPathComponent("fifo.amat"), 0o644)
        try? fm.createDirectory(atPath: (dir as NSString).appendingPathComponent("dir.amat"), withIntermediateDirectories: true)
        fm.createFile(atPath: (dir as NSString).appendingPathComponent("afile"), contents: Data("x".utf8))
        let row = (0..<784).map { $0 % 3 == 0 ? "1" : "0" }.joined(separator: " ")
        fm.createFile(atPath: (dir as NSString).appendingPathComponent("x.amat"), contents: Data((row + "\n" + row + "\n").utf8))
        fm.createFile(atPath: (dir as NSString).appendingPathComponent("s.dvae"), contents: Data("print 1\n".utf8))
    }
}

/// Entry point of the child process: runs only when `DVAE_FUZZ_WORKER_DIR` is set.
final class FuzzWorkerTests: XCTestCase {
    func testWorker() throws {
        let env = ProcessInfo.processInfo.environment
        guard let dir = env["DVAE_FUZZ_WORKER_DIR"] else {
            throw XCTSkip("the fuzzer's child process (started by FuzzTests)")
        }
        let settings = FuzzWorker.Settings(
            seed: UInt64(env["DVAE_FUZZ_SEED"] ?? "") ?? 1,
            seconds: Double(env["DVAE_FUZZ_SECONDS"] ?? "") ?? 60,
            directory: dir,
            budget: MemoryBudget(limit: MemoryBudget.parse(env["DVAE_FUZZ_MAX_MEMORY"] ?? "") ?? (256 << 20)),
            inputSeconds: Double(env["DVAE_FUZZ_INPUT_SECONDS"] ?? "") ?? 2,
            hangSeconds: Double(env["DVAE_FUZZ_HANG_SECONDS"] ?? "") ?? 30,
            seeds: FuzzSeeds.all())
        exit(FuzzWorker.run(settings))
    }
}

/// Seed inputs for mutation: every ```` ```dvae ```` block of the notebooks and the corpus inputs.
enum FuzzSeeds {
    static func all() -> [String] {
        var seeds = BadInputCorpus.entries().map(\.input)
        let notebooks = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../notebooks").standardizedFileURL
        for file in (try? FileManager.default.contentsOfDirectory(atPath: notebooks.path)) ?? [] where file.hasSuffix(".md") {
            if let nb = try? Notebook.load(path: notebooks.appendingPathComponent(file).path) {
                seeds += nb.codeCells.map(\.source)
            }
        }
        return seeds
    }
}
