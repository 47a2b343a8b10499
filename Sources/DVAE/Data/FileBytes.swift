#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Reading whole files safely: only regular files are read (a FIFO must not block the process, a
/// directory or device must not be read as data), and the file's size is checked against a
/// `MemoryBudget` before its bytes are allocated.
public enum RegularFile {
    /// What `path` is when it exists but is not a regular file ("a directory", "a named pipe
    /// (FIFO)", …), without opening it; nil for a regular file or a missing path.
    public static func nonRegularKind(of path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return describe(st.st_mode)
    }

    /// "a directory", "a named pipe (FIFO)", … for a non-regular file mode; nil for a regular file.
    public static func describe(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }

    /// The bytes of the regular file at `path`.
    ///
    /// Opens without blocking (`O_NONBLOCK`, so a FIFO cannot hang the open), refuses anything but
    /// a regular file with `DataError.unreadable` saying what it is, and refuses a file larger than
    /// `budget` with `ResourceError.tooLarge` before allocating.
    public static func read(_ path: String, budget: MemoryBudget = .default) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw DataError.unreadable(path: path, reason: reason)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        if let what = describe(st.st_mode) {
            throw DataError.unreadable(path: path, reason: "it is \(what), not a regular file")
        }
        let size = Int(st.st_size)
        try budget.check(size, for: "reading \(path)")
        var failure: String? = nil
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let r = systemRead(fd, buffer.baseAddress! + done, size - done)
                if r < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    failure = String(cString: strerror(errno)); break
                }
                if r == 0 { break }
                done += r
            }
            initialized = done
        }
        if let failure { throw DataError.unreadable(path: path, reason: failure) }
        guard bytes.count == size else {
            throw DataError.unreadable(path: path, reason: "file shrank while reading (\(bytes.count) of \(size) bytes)")
        }
        return bytes
    }
}

/// Reads a whole regular file (see `RegularFile.read(_:budget:)`).
func readFileBytes(_ path: String, budget: MemoryBudget = .default) throws -> [UInt8] {
    try RegularFile.read(path, budget: budget)
}

/// The C library's `read(2)` (named apart from `RegularFile.read`).
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
