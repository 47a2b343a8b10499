import ArgumentParser
import DVAEExperiments
import DVAENotebook
import DVAEScript
import Foundation

/// Collects a notebook's experiment cells by replaying it in `CellMode.plan`, and writes a sweep
/// directory (`<cache>/sweeps/<time>-<pid>/`: `plan.json`, `logs/`, and the batch script).
struct SweepPlanner {
    /// The notebook as given on the command line.
    var file: String
    /// `--test`.
    var testMode: Bool
    /// `--set` pairs.
    var settings: [String: String]
    /// `--data`, made absolute (tasks run in the planning directory, but may be anywhere).
    var dataDirectory: String?

    /// What the plan replay found.
    struct Collected {
        /// The cells to compute, in the notebook's order (distinct).
        var cells: [SweepPlan.Cell]
        /// One line: how many cells, and how many were skipped and why.
        var headline: String
    }

    /// A written sweep directory.
    struct Sweep {
        /// The plan.
        var plan: SweepPlan
        /// The plan file.
        var planPath: String
        /// The sweep directory.
        var directory: String
    }

    /// `dvae run FILE [--test] [--set …]`: the command that gathers this sweep.
    var runCommandLine: String {
        var parts = ["dvae", "run", ShellWords.quote(file)]
        if testMode { parts.append("--test") }
        if let dataDirectory { parts += ["--data", ShellWords.quote(dataDirectory)] }
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) { parts += ["--set", ShellWords.quote("\(name)=\(value)")] }
        return parts.joined(separator: " ")
    }

    /// Replays the notebook without computing, and sorts its cells into finished, running
    /// elsewhere, and to compute. Throws `ExitCode` after printing why when the notebook fails or
    /// a cell has no cache directory.
    func collect() throws -> Collected {
        let notebook: Notebook
        do {
            notebook = try Notebook.load(path: file)
        } catch {
            printError("dvae: cannot read \(file): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        let runner = NotebookRunner(options: InterpreterOptions(dataDirectory: dataDirectory, testMode: testMode,
                                                                variables: settings, cellMode: .plan),
                                    forward: nil)
        let outcome = try runner.run(notebook)
        if let error = outcome.error {
            printError(error.description)
            printError("dvae: the notebook failed while collecting its cells (nothing was submitted)")
            throw ExitCode(1)
        }
        var seen: Set<String> = []
        var cells: [SweepPlan.Cell] = []
        var finished = 0, running = 0, total = 0
        var cacheless: [String] = []
        let cwd = FileManager.default.currentDirectoryPath
        for entry in runner.interpreter.cells.entries where seen.insert(entry.config.key).inserted {
            total += 1
            switch entry.outcome {
            case .cached, .computed: finished += 1
            case .planned:
                guard let cache = entry.cache else { cacheless.append(entry.location); continue }
                let dir = cache.directory.hasPrefix("/") ? cache.directory : cwd + "/" + cache.directory
                cells.append(SweepPlan.Cell(config: entry.config, cacheDirectory: dir, location: entry.location))
            case .pending: running += 1
            case .failed, .readOnly: break   // a read-only cell is its own notebook's to compute
            }
        }
        if !cacheless.isEmpty {
            printError("dvae: \(cacheless.count) experiment cell(s) have no cache directory, so a sweep could not store "
                       + "them: \(cacheless.joined(separator: ", ")); add `cache \"DIR\"` to them")
            throw ExitCode(2)
        }
        var headline = "\(total) experiment cell\(total == 1 ? "" : "s") in \(file): \(cells.count) to compute"
        if finished > 0 { headline += ", \(finished) already in the cache" }
        if running > 0 { headline += ", \(running) running elsewhere (left alone)" }
        return Collected(cells: cells, headline: headline)
    }

    /// Creates the sweep directory beside the first cell's cache and writes the plan.
    func write(_ cells: [SweepPlan.Cell], chunk: Int) throws -> Sweep {
        let stamp: String = {
            let f = DateFormatter()
            f.dateFormat = "yyyyMMdd-HHmmss"
            f.timeZone = TimeZone(identifier: "UTC")
            return f.string(from: Date())
        }()
        let directory = "\(cells[0].cacheDirectory)/sweeps/\(stamp)-\(getpid())"
        do {
            try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
        } catch {
            printError("dvae: cannot create the sweep directory \(directory): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        let notebook = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        let plan = SweepPlan(notebook: notebook, workingDirectory: FileManager.default.currentDirectoryPath,
                             testMode: testMode, settings: settings, dataDirectory: dataDirectory, chunk: chunk, cells: cells,
                             logPattern: directory + "/logs/%A_%a.log")
        let planPath = directory + "/plan.json"
        try plan.save(to: planPath)
        return Sweep(plan: plan, planPath: planPath, directory: directory)
    }

    /// Marks every cell of `sweep` as handed to `job` (`<key>.sweep`, clearing old failures).
    static func assign(_ sweep: Sweep, job: String) throws {
        let now = Date()
        for task in 0..<sweep.plan.taskCount {
            for cell in sweep.plan.cells(ofTask: task) {
                let cache = try ResultCache(directory: cell.cacheDirectory)
                try cache.assign(cell.config, to: SweepAssignment(job: job, task: task, log: sweep.plan.logPath(job: job, task: task),
                                                                  plan: sweep.planPath, submitted: now))
            }
        }
    }

    /// This executable's absolute path (what the tasks run).
    static var executablePath: String {
        #if os(Linux)
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        #endif
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
    }
}
