import DVAE
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The exclusive right to compute one cell: an `flock(2)` lock on `<key>.lock` in the cache
/// directory, held while the cell trains, so a cell running in two places at once is impossible
/// (the second process finds the lock taken and leaves the cell alone).
///
/// Why `flock`: the kernel drops the lock when its holder dies — a killed task, a crashed node's
/// process, `scancel` — so there is no stale claim to detect or break by guessing from pids and
/// ages. The file's contents (a `CellClaim.Holder`: host, pid, start time, SLURM job and log) only
/// serve messages ("running on node7, pid 4123, since …"). On NFS, Linux maps `flock` to POSIX
/// byte-range locks through the NFS lock manager, which also releases a dead client's locks.
///
/// The lock file is removed by its holder before it lets go; a process that locked a file some
/// other holder removed meanwhile notices (the path no longer names the locked inode) and retries,
/// so two processes can never both believe they hold the claim.
public final class CellClaim {
    /// Who holds a claim, as written into the lock file.
    public struct Holder: Codable, Equatable, Sendable, CustomStringConvertible {
        /// The host name of the holder.
        public var host: String
        /// The holder's process id on `host`.
        public var pid: Int32
        /// When the claim was taken (whole seconds).
        public var since: Date
        /// The SLURM job (`JOB_TASK` for an array task), when the holder runs under SLURM.
        public var job: String?
        /// The holder's log file, when it runs as a sweep task.
        public var log: String?

        /// The holder describing this process (SLURM job and sweep log from the environment:
        /// `SLURM_ARRAY_JOB_ID`/`SLURM_ARRAY_TASK_ID` or `SLURM_JOB_ID`, and `DVAE_SWEEP_LOG`).
        public static func current() -> Holder {
            let env = ProcessInfo.processInfo.environment
            var job = env["SLURM_JOB_ID"]
            if let array = env["SLURM_ARRAY_JOB_ID"], let task = env["SLURM_ARRAY_TASK_ID"] { job = "\(array)_\(task)" }
            return Holder(host: ProcessInfo.processInfo.hostName, pid: getpid(),
                          since: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)),
                          job: job, log: env["DVAE_SWEEP_LOG"])
        }

        /// E.g. `host node7, pid 4123, since 2026-12-01 15:40:02 UTC, SLURM job 17_3, log …`.
        public var description: String {
            let f = DateFormatter()
            f.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
            f.timeZone = TimeZone(identifier: "UTC")
            var s = "host \(host), pid \(pid), since \(f.string(from: since))"
            if let job { s += ", SLURM job \(job)" }
            if let log { s += ", log \(log)" }
            return s
        }
    }

    /// The lock file.
    public let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { release() }

    /// Takes the claim on `path`, writing `holder` into it. Nil when another process holds it.
    /// Throws `ExperimentError.io` when the file cannot be created or locked for another reason.
    public static func acquire(_ path: String, holder: Holder = .current()) throws -> CellClaim? {
        for _ in 0..<100 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ExperimentError.io(path: path, reason: "cannot create the lock file: \(Self.lastError())") }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let e = errno
                close(fd)
                if e == EWOULDBLOCK { return nil }
                throw ExperimentError.io(path: path, reason: "cannot lock: \(String(cString: strerror(e)))")
            }
            // The previous holder may have removed the file between our open and our lock: then
            // we locked an orphan inode and must start again on the current file.
            var opened = stat(), named = stat()
            guard fstat(fd, &opened) == 0, stat(path, &named) == 0,
                  opened.st_ino == named.st_ino, opened.st_dev == named.st_dev else {
                close(fd)
                continue
            }
            let claim = CellClaim(path: path, fd: fd)
            let text = (try? ExperimentJSON.canonicalEncoder().encode(holder)) ?? Data()
            _ = ftruncate(fd, 0)
            _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            return claim
        }
        throw ExperimentError.io(path: path, reason: "the lock file keeps being replaced; giving up")
    }

    /// Who holds the claim on `path` now; nil when nobody does (no file, or a file whose holder
    /// is gone — the kernel released its lock). Never blocks.
    public static func holder(of path: String) -> Holder? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        guard errno == EWOULDBLOCK else { return nil }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let n = pread(fd, &bytes, bytes.count, 0)
        let unknown = Holder(host: "?", pid: 0, since: Date(timeIntervalSince1970: 0), job: nil, log: nil)
        guard n > 0 else { return unknown }
        return (try? ExperimentJSON.decoder().decode(Holder.self, from: Data(bytes[0..<n]))) ?? unknown
    }

    /// Removes the lock file and lets go of the lock (idempotent; also done on deinit).
    public func release() {
        guard fd >= 0 else { return }
        unlink(path)
        close(fd)
        fd = -1
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
