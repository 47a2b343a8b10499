import Foundation

/// File names for a path typed inside a string (`load "notebooks/0`), as the REPL's readline
/// completes them: entries of the directory named so far whose names start with the rest, a
/// directory with a trailing `/`. Hidden files only when the prefix starts with a dot.
public enum PathCompletion {
    /// Most names offered at once (a huge directory would otherwise flood the front end).
    public static let limit = 200

    /// Completions of `partial` (the text after the opening quote), relative to `directory`.
    public static func candidates(_ partial: String, directory: String = FileManager.default.currentDirectoryPath) -> [String] {
        let slash = partial.lastIndex(of: "/")
        let folder = slash.map { String(partial[...$0]) } ?? ""
        let stem = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        var base = folder.isEmpty ? directory : folder
        if base.hasPrefix("~"), let home = ProcessInfo.processInfo.environment["HOME"] { base = home + base.dropFirst() }
        if !base.hasPrefix("/") && !folder.isEmpty { base = (directory as NSString).appendingPathComponent(base) }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return [] }
        var out: [String] = []
        for name in names.sorted() where name.hasPrefix(stem) && (stem.hasPrefix(".") || !name.hasPrefix(".")) {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (base as NSString).appendingPathComponent(name), isDirectory: &isDirectory)
            out.append(folder + name + (isDirectory.boolValue ? "/" : ""))
            if out.count == limit { break }
        }
        return out
    }
}
