import Foundation
import XCTest

/// `dvae kernel` driven by real Jupyter clients, from the Python virtual environment that
/// `.ci/run` creates (`$DVAE_JUPYTER_VENV`, else `.build/jupyter-venv`): jupyter_client checks
/// every message type (`Tests/jupyter/kernel_protocol.py`), nbclient runs notebooks converted
/// to .ipynb and compares their text with `dvae run`'s, and `jupyter nbconvert --execute --to
/// html` renders one (`Tests/jupyter/notebooks.py`). The kernelspecs are installed with
/// `dvae kernel install --prefix` into a temporary directory that alone is on `JUPYTER_PATH`.
/// Without the environment the tests are skipped and say why.
final class JupyterClientTests: XCTestCase {
    /// The repository root, found from this file's path.
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The virtual environment's python, with every package the scripts import; else a skip.
    static func python() throws -> String {
        let env = ProcessInfo.processInfo.environment
        let venv = env["DVAE_JUPYTER_VENV"].flatMap { $0.isEmpty ? nil : $0 }
            ?? root.appendingPathComponent(".build/jupyter-venv").path
        let python = venv + "/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw XCTSkip("no Jupyter environment at \(venv) (set DVAE_JUPYTER_VENV; .ci/run creates one with "
                          + "`python3 -m venv` and pip install jupyter_client nbclient nbformat nbconvert jupytext)")
        }
        let probe = try run(python, ["-c", "import jupyter_client, nbclient, nbformat, nbconvert, jupytext"], environment: [:])
        guard probe.status == 0 else {
            throw XCTSkip("the Jupyter environment at \(venv) lacks a package: \(probe.output.suffix(400))")
        }
        return python
    }

    /// A temporary Jupyter setup: kernelspecs `dvae` and `dvae-test` (`--test`) for the built
    /// binary, and data and runtime directories of its own, so nothing of the user's is used.
    static func jupyterEnvironment() throws -> (dir: String, environment: [String: String]) {
        let dir = try cliTemporaryDirectory()
        let install = try DVAEBinary.run(["kernel", "install", "--prefix", dir + "/prefix"])
        XCTAssertEqual(install.status, 0, install.stderr)
        let test = try DVAEBinary.run(["kernel", "install", "--prefix", dir + "/prefix", "--name", "dvae-test",
                                       "--display-name", "dvae (test mode)", "--test"])
        XCTAssertEqual(test.status, 0, test.stderr)
        return (dir, ["JUPYTER_PATH": dir + "/prefix/share/jupyter", "JUPYTER_DATA_DIR": dir + "/data",
                      "JUPYTER_RUNTIME_DIR": dir + "/runtime", "JUPYTER_CONFIG_DIR": dir + "/config",
                      "PYTHONUNBUFFERED": "1"])
    }

    /// What a finished script printed (standard output and error together) and its status.
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `executable ARGS` in the repository root with `environment` added; kills it after
    /// `timeout` seconds.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                    timeout: Double = 900) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var data = Data()
        group.enter()
        DispatchQueue.global().async {
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            XCTFail("\(arguments.first ?? executable) did not finish within \(timeout) s")
            group.wait()
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// True when the real data files can be found the way the tool looks for them.
    static var realDataAvailable: Bool {
        let env = ProcessInfo.processInfo.environment
        var places = [root.appendingPathComponent("data").path,
                      root.deletingLastPathComponent().appendingPathComponent("shared/data").path]
        if let d = env["DVAE_DATA"] { places.insert(d, at: 0) }
        return places.contains { FileManager.default.fileExists(atPath: $0 + "/binarized_mnist_test.amat") }
    }

    /// jupyter_client launches the kernel from its kernelspec; every message type, an interrupt
    /// during `train` (SIGINT and `interrupt_request`), a forged signature, shutdown.
    func testJupyterClientExercisesEveryMessageType() throws {
        let python = try Self.python()
        let (dir, environment) = try Self.jupyterEnvironment()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outcome = try Self.run(python, ["Tests/jupyter/kernel_protocol.py"], environment: environment)
        print(outcome.output)
        XCTAssertEqual(outcome.status, 0, "kernel_protocol.py failed:\n\(outcome.output.suffix(6000))")
        XCTAssertTrue(outcome.output.contains("all checks passed"))
    }

    /// nbclient runs notebooks 01, 04 and 10 converted with `dvae convert`: the same text as
    /// `dvae run` and every picture as PNG; nbconvert renders notebook 04 (read by jupytext, as
    /// the README says) to HTML with its plots and numbers.
    func testNotebooksRunInJupyterAsWithDvaeRun() throws {
        let python = try Self.python()
        let (dir, environment) = try Self.jupyterEnvironment()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 01 at full size (seconds); 04 and 10 with --test (the same code path, smaller), so CI
        // stays short; the HTML page is the README's command, at full size.
        var notebooks = ["01-tour:dvae", "04-lemma1-inequalities:dvae-test"]
        if Self.realDataAvailable {
            notebooks.append("10-pictures:dvae-test")
        } else {
            print("JupyterClientTests: skipping 10-pictures: the MNIST and Frey Face data files are not available")
        }
        let outcome = try Self.run(python, ["Tests/jupyter/notebooks.py", "--dvae", try DVAEBinary.url().path,
                                            "--root", Self.root.path, "--html", "04-lemma1-inequalities:dvae"] + notebooks,
                                   environment: environment)
        print(outcome.output)
        XCTAssertEqual(outcome.status, 0, "notebooks.py failed:\n\(outcome.output.suffix(8000))")
        XCTAssertTrue(outcome.output.contains("all checks passed"))
    }
}
