#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Writes `bytes` to `path` atomically: the data goes to a temporary file in the same directory,
/// which is flushed to disk (`fsync`) and then renamed over `path`. Readers see either the old
/// file or the complete new one, never a partial write; on failure the temporary file is removed.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
    let slash = path.lastIndex(of: "/")
    let dir = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
    guard !base.isEmpty else { throw CheckpointError.io(path: path, reason: "the path names a directory, not a file") }
    let tmp = "\(dir)/.\(base).tmp-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
    func failure(_ what: String) -> CheckpointError {
        CheckpointError.io(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
    let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { throw failure("cannot create temporary file in \(dir)") }
    var ok = false
    defer { if !ok { unlink(tmp) } }
    do {
        defer { close(fd) }
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure("write failed")
                }
                done += n
            }
        }
        guard fsync(fd) == 0 else { throw failure("fsync failed") }
    }
    guard rename(tmp, path) == 0 else { throw failure("cannot rename the temporary file into place") }
    ok = true
    // Make the rename itself durable; best effort (some file systems refuse fsync on directories).
    let dfd = open(dir, O_RDONLY)
    if dfd >= 0 { _ = fsync(dfd); close(dfd) }
}
