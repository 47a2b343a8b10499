import Foundation
import XCTest

/// The built `dvae` executable and helpers to run it.
enum DVAEBinary {
    /// The `dvae` binary in the build's products directory (beside the test bundle), or
    /// `$DVAE_BINARY` when set.
    static func url() throws -> URL {
        let fm = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["DVAE_BINARY"], fm.isExecutableFile(atPath: explicit) {
            return URL(fileURLWithPath: explicit)
        }
        var starts: [URL] = [Bundle.main.bundleURL, Bundle(for: Marker.self).bundleURL]
        if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: exe))
        }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]))
        for start in starts {
            // Walk up a few levels: the products directory holds both the bundle and `dvae`.
            var dir = start.deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = dir.appendingPathComponent("dvae")
                var isDirectory: ObjCBool = false
                if fm.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   fm.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        throw XCTSkip("the dvae binary was not found next to the test bundle (set DVAE_BINARY)")
    }

    /// What a finished run produced.
    struct Result {
        /// Exit status.
        var status: Int32
        /// Standard output.
        var stdout: String
        /// Standard error.
        var stderr: String
    }

    /// Runs `dvae ARGS` with `input` piped on standard input.
    static func run(_ arguments: [String], input: String = "", environment: [String: String] = [:],
                    directory: String? = nil, inputBytes: [UInt8]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = try url()
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "COLORTERM")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errPipe
        try process.run()
        inPipe.fileHandleForWriting.write(Data(inputBytes ?? Array(input.utf8)))
        try inPipe.fileHandleForWriting.close()
        // Read both pipes concurrently so neither fills up.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = errPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A class in this bundle, to find the bundle.
private final class Marker {}

/// A fresh temporary directory.
func cliTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "dvae-cli-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The path of python3, or nil.
func python3Path() -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let candidate = "\(dir)/python3"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}
