import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writing a file the script names, with failures worded for people: the path and what is in the
/// way ("/tmp/a is a regular file, not a directory", "permission denied"), never Foundation's
/// "NSCocoaErrorDomain error 512" or "a file with the same name already exists".
enum FileWriting {
    /// Why a file could not be written.
    struct Problem: Error, CustomStringConvertible {
        /// The sentence to show.
        var description: String
    }

    /// `mkdir -p` of the directory holding `path`, naming the part that is not a directory.
    static func makeParentDirectories(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty else { return }
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for part in directory.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            var st = stat()
            if stat(prefix, &st) == 0 {
                guard (st.st_mode & S_IFMT) == S_IFDIR else {
                    throw Problem(description: "cannot write \(path): \(prefix) is a file, not a directory")
                }
                continue
            }
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw Problem(description: "cannot write \(path): cannot create the directory \(prefix) (\(reason(errno)))")
            }
        }
    }

    /// Writes `data` to `path` atomically (a temporary file beside it, then a rename).
    static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            // Foundation's error says little; ask the system what is wrong with this path.
            let existed = access(path, F_OK) == 0
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            let code = fd < 0 ? errno : 0
            if fd >= 0 {
                close(fd)
                if !existed { unlink(path) }       // the probe must not leave an empty file behind
            }
            let directory = (path as NSString).deletingLastPathComponent
            if code == 0, access(directory.isEmpty ? "." : directory, W_OK) != 0 {
                throw Problem(description: "cannot write \(path): its directory is not writable (\(reason(errno)))")
            }
            throw Problem(description: "cannot write \(path)" + (code == 0 ? "" : ": \(reason(code))"))
        }
    }

    /// The system's sentence for an errno, in lower case: "permission denied".
    static func reason(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
