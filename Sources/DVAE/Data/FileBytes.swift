#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Reads a whole file into memory as bytes (one `read` loop, no String conversion).
/// Errors are `DataError.unreadable` naming the path and the system's reason.
func readFileBytes(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
        throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
        throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    if (st.st_mode & S_IFMT) == S_IFDIR {
        throw DataError.unreadable(path: path, reason: "it is a directory, not a file")
    }
    let size = Int(st.st_size)
    var failure: String? = nil
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
        var done = 0
        while done < size {
            let r = read(fd, buffer.baseAddress! + done, size - done)
            if r < 0 {
                if errno == EINTR { continue }
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
