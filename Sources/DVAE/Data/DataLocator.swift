import Foundation

/// Finds data files by name in a fixed order of directories:
///
/// 1. an explicit directory (when given),
/// 2. `$DVAE_DATA` (when set and non-empty),
/// 3. `./data` (relative to the working directory),
/// 4. `../shared/data` (relative to the working directory).
///
/// A missing file raises `DataError.notFound` listing every place that was looked at.
public struct DataLocator: Sendable {
    /// The directories searched, in order.
    public let searchDirectories: [String]

    /// A locator searching `explicit` (a directory), then `$DVAE_DATA`, then `cwd/data`, then `cwd/../shared/data`.
    public init(explicit: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                cwd: String = FileManager.default.currentDirectoryPath) {
        var dirs: [String] = []
        if let explicit, !explicit.isEmpty { dirs.append(explicit) }
        if let env = environment["DVAE_DATA"], !env.isEmpty { dirs.append(env) }
        let base = URL(fileURLWithPath: cwd, isDirectory: true)
        dirs.append(base.appendingPathComponent("data").standardizedFileURL.path)
        dirs.append(base.appendingPathComponent("../shared/data").standardizedFileURL.path)
        searchDirectories = dirs
    }

    /// A locator searching exactly `directories`, in order.
    public init(directories: [String]) {
        searchDirectories = directories
    }

    /// The path of the first readable regular file called `fileName` in the search directories.
    /// An absolute path, or a path with a directory part that exists as given, is returned as is.
    ///
    /// When no regular file is found but something else has the name (a directory, a FIFO, a
    /// device), the error says what it is (`DataError.unreadable`) instead of "not found".
    public func locate(_ fileName: String) throws -> String {
        let fm = FileManager.default
        var searched: [String] = []
        var notRegular: (path: String, what: String)?
        func consider(_ path: String) -> Bool {
            guard let what = RegularFile.nonRegularKind(of: path) else { return fm.fileExists(atPath: path) }
            if notRegular == nil { notRegular = (path, what) }
            return false
        }
        if fileName.contains("/") {
            if consider(fileName) { return fileName }
            searched.append(fileName)
            if fileName.hasPrefix("/") { throw notFound(fileName, searched, notRegular) }
        }
        for dir in searchDirectories {
            let candidate = URL(fileURLWithPath: dir, isDirectory: true).appendingPathComponent(fileName).path
            searched.append(candidate)
            if consider(candidate), fm.isReadableFile(atPath: candidate) { return candidate }
        }
        throw notFound(fileName, searched, notRegular)
    }

    private func notFound(_ file: String, _ searched: [String], _ notRegular: (path: String, what: String)?) -> DataError {
        if let (path, what) = notRegular {
            return DataError.unreadable(path: path, reason: "it is \(what), not a regular file")
        }
        return DataError.notFound(file: file, searched: searched)
    }
}
