#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation

/// Writes `bytes` to `path` atomically: the data goes to a temporary file in the same directory,
/// which is flushed to disk (`fsync`) and then renamed over `path`. Readers see either the old
/// file or the complete new one, never a partial write; on failure the temporary file is removed.
///
/// A process killed between creating and renaming its temporary file (SIGKILL, power loss) leaves
/// `.<name>.tmp-<pid>-<random>` behind; every save first removes such files in its directory whose
/// writer process no longer exists (`removeStaleTemporaryFiles(in:)`).
///
/// Only a regular file (or a link to one) is replaced. A path that names anything else — a
/// device such as `/dev/null`, a pipe, a socket, a directory — is refused: renaming over it would
/// replace the device node itself, which root is allowed to do (a script that saved to
/// "/dev/null" once turned the machine's /dev/null into an ordinary file).
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
    var existing = stat()
    if stat(path, &existing) == 0 {
        switch existing.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw CheckpointError.io(path: path, reason: "it is a directory, not a file")
        default:
            throw CheckpointError.io(path: path, reason: "it is not a regular file (a device, pipe or socket); "
                                     + "only a regular file is written or replaced")
        }
    }
    let slash = path.lastIndex(of: "/")
    let dir = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
    guard !base.isEmpty else { throw CheckpointError.io(path: path, reason: "the path names a directory, not a file") }
    removeStaleTemporaryFiles(in: dir)
    let tmp = "\(dir)/.\(base).tmp-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
    func failure(_ what: String) -> CheckpointError {
        CheckpointError.io(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
    let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else {
        if errno == ENOTDIR || errno == ENOENT {
            // Name the part in the way instead of the bare "Not a directory".
            var prefix = dir.hasPrefix("/") ? "" : "."
            for part in dir.split(separator: "/") {
                prefix += "/" + part
                var st = stat()
                if stat(prefix, &st) != 0 {
                    throw CheckpointError.io(path: path, reason: "the directory \(prefix) does not exist; create it first")
                }
                if (st.st_mode & S_IFMT) != S_IFDIR {
                    throw CheckpointError.io(path: path, reason: "\(prefix) is a file, not a directory")
                }
            }
        }
        throw failure("cannot create temporary file in \(dir)")
    }
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

/// Removes the temporary files of interrupted atomic writes in `dir`: names of the form
/// `.<name>.tmp-<pid>-<hex>` whose process `<pid>` is no longer running (a running writer's file is
/// left alone). Best effort: errors are ignored. Returns the names removed.
@discardableResult
func removeStaleTemporaryFiles(in dir: String) -> [String] {
    guard let d = opendir(dir) else { return [] }
    defer { closedir(d) }
    var removed: [String] = []
    while let entry = readdir(d) {
        let name = withUnsafePointer(to: entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
        }
        guard let pid = temporaryFileWriter(name), pid != getpid() else { continue }
        if kill(pid, 0) == 0 || errno == EPERM { continue }   // the writer is still running
        if unlink("\(dir)/\(name)") == 0 { removed.append(name) }
    }
    return removed
}

/// The writer's process id when `name` is an atomic-write temporary file `.<name>.tmp-<pid>-<hex>`.
func temporaryFileWriter(_ name: String) -> pid_t? {
    guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards),
          marker.lowerBound > name.index(after: name.startIndex) else { return nil }
    let parts = name[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, let pid = pid_t(parts[0]), pid > 0,
          !parts[1].isEmpty, parts[1].allSatisfy({ $0.isHexDigit }) else { return nil }
    return pid
}
