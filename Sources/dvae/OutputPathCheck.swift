import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `dvae run --out DIR` and `--html FILE` checked before the first cell runs, so a path that
/// cannot be written is reported at once instead of after the whole notebook has computed.
///
/// The checks are those the writers would fail on: the path (or a directory above it) being a
/// file where a directory is needed or the reverse, a directory that exists but cannot be written,
/// and the notebook itself as the target. A directory still to be created is fine (the writers
/// create it).
enum OutputPathCheck {
    /// Why `--html FILE` cannot be written, or nil.
    static func problem(html path: String, notebook: String) -> String? {
        if sameFile(path, notebook) { return "--html \(path) is the notebook itself; give another file" }
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            return "--html \(path) is a directory; give a file such as \((path as NSString).appendingPathComponent("notebook.html"))"
        }
        return directoryProblem((path as NSString).deletingLastPathComponent, option: "--html", path: path)
    }

    /// Why `--out DIR` cannot be written, or nil.
    static func problem(out directory: String) -> String? {
        var st = stat()
        if stat(directory, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR {
            return "cannot create the output directory \(directory): \(directory) is a regular file, not a directory"
        }
        return directoryProblem(directory, option: "--out", path: directory)
    }

    /// Whether `directory` exists and is writable, or can be created: the first part of it that is
    /// not a directory, or the existing directory that is not writable.
    private static func directoryProblem(_ directory: String, option: String, path: String) -> String? {
        let dir = directory.isEmpty ? "." : directory
        var prefix = dir.hasPrefix("/") ? "/" : ""
        var deepestExisting = dir.hasPrefix("/") ? "/" : "."
        for part in dir.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            var st = stat()
            guard stat(prefix, &st) == 0 else { break }             // the rest is created by the writer
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                return what(option, path) + ": \(prefix) is a regular file, not a directory"
            }
            deepestExisting = prefix
        }
        if access(deepestExisting, W_OK | X_OK) != 0 {
            return what(option, path) + ": \(deepestExisting) is not writable (\(String(cString: strerror(errno))))"
        }
        // `access` says yes to root everywhere, and to anyone on file systems that refuse new files
        // (/proc, /sys): create and remove a file there to be sure.
        var template = Array(((deepestExisting as NSString).appendingPathComponent(".dvae-write-check-XXXXXX")).utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            return what(option, path) + ": \(deepestExisting) does not take new files (\(String(cString: strerror(errno))))"
        }
        close(fd)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return nil
    }

    /// The start of a message: "cannot create the output directory DIR" or "cannot write --html FILE".
    private static func what(_ option: String, _ path: String) -> String {
        option == "--out" ? "cannot create the output directory \(path)" : "cannot write \(option) \(path)"
    }

    /// Whether two paths name the same existing file.
    private static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}
