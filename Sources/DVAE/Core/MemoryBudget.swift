#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation

/// A limit on the bytes one operation may allocate, checked *before* allocating.
///
/// Every size that comes from a user or a file (a model's layers, a batch × M × K, a file's
/// header, a picture's scale) is turned into a byte count with checked arithmetic (`ByteCount`)
/// and passed to `check(_:for:)`, which throws `ResourceError.tooLarge` naming the size and the
/// limit instead of letting the allocation exhaust the machine or trap.
///
/// The default limit is half of the memory the process may use: the smallest of physical memory,
/// the cgroup's `memory.max` and the address-space rlimit (`ulimit -v`).
public struct MemoryBudget: Sendable, Equatable, CustomStringConvertible {
    /// The largest number of bytes one operation may allocate.
    public var limit: Int

    /// A budget of `limit` bytes.
    public init(limit: Int) { self.limit = max(0, limit) }

    /// The fraction of the available memory the default budget allows.
    public static let defaultFraction = 0.5

    /// Half of the memory available to this process (see the type's documentation).
    public static var `default`: MemoryBudget {
        MemoryBudget(limit: Int(Double(availableMemory) * defaultFraction))
    }

    /// No limit beyond what `Int` can count (for tests of the engine's arithmetic only).
    public static let unlimited = MemoryBudget(limit: Int.max)

    /// Bytes of memory this process may use: min(physical memory, cgroup limit, RLIMIT_AS).
    public static var availableMemory: Int {
        var best = physicalMemory
        if let cgroup = cgroupLimit { best = min(best, cgroup) }
        var rl = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_AS.rawValue)
        #else
        let resource = RLIMIT_AS
        #endif
        if getrlimit(resource, &rl) == 0, rl.rlim_cur < UInt64(Int.max) {   // RLIM_INFINITY is UInt64.max
            best = min(best, Int(rl.rlim_cur))
        }
        return best
    }

    /// Physical memory in bytes (from `sysconf`).
    public static var physicalMemory: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return 4 << 30 }
        return pages.multipliedReportingOverflow(by: size).overflow ? Int.max : pages * size
    }

    /// The cgroup v2 memory limit of this process, if one is set.
    static var cgroupLimit: Int? {
        guard let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Throws `ResourceError.tooLarge` when `bytes` exceeds the limit; nil means the size
    /// overflowed `Int` while it was computed (always too large).
    public func check(_ bytes: Int?, for what: String) throws {
        guard let bytes, bytes <= limit else {
            throw ResourceError.tooLarge(what: what, bytes: bytes, limit: limit)
        }
    }

    /// Whether `bytes` fits the limit.
    public func allows(_ bytes: Int?) -> Bool { bytes.map { $0 <= limit } ?? false }

    /// The limit, e.g. "12.0 GiB".
    public var description: String { MemoryBudget.format(limit) }

    /// `bytes` in binary units with one decimal: "512 B", "3.1 MiB", "80.3 GiB".
    public static func format(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes) / 1024, unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return String(format: "%.1f %@", value, units[unit])
    }

    /// Parses a size such as `8G`, `512M`, `1.5GiB`, `64k` or a plain number of bytes; nil when
    /// the text is not a positive size.
    public static func parse(_ text: String) -> Int? {
        var t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t.hasSuffix("ib") { t.removeLast(2) } else if t.hasSuffix("b") { t.removeLast() }
        var factor = 1.0
        if let last = t.last, let i = ["k", "m", "g", "t"].firstIndex(of: String(last)) {
            factor = pow(1024, Double(i + 1))
            t.removeLast()
        }
        guard let x = Double(t.trimmingCharacters(in: .whitespaces)), x.isFinite, x > 0 else { return nil }
        let bytes = x * factor
        return bytes < 9e18 ? Int(bytes) : nil
    }
}

/// An operation refused because it would allocate more than the `MemoryBudget` allows.
public enum ResourceError: Error, Equatable, CustomStringConvertible {
    /// `what` needs `bytes` (nil: more than `Int` can count) but the limit is `limit`.
    case tooLarge(what: String, bytes: Int?, limit: Int)

    /// "the model's parameters and Adam state need 80.3 GiB, more than the memory limit of 12.0 GiB".
    public var description: String {
        switch self {
        case let .tooLarge(what, bytes, limit):
            let size = bytes.map(MemoryBudget.format) ?? "more than 8 EiB"
            return "\(what) would need \(size), more than the memory limit of \(MemoryBudget.format(limit))"
        }
    }
}

/// Checked arithmetic for sizes that come from users or files: every result is nil on overflow
/// or on a negative factor, so a hostile header or a typo cannot trap the process.
public enum ByteCount {
    /// The product of `factors`, or nil when one is negative or the product overflows `Int`.
    public static func product(_ factors: Int...) -> Int? { product(factors) }

    /// The product of `factors`, or nil when one is negative or the product overflows `Int`.
    public static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (p, overflow) = result.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            result = p
        }
        return result
    }

    /// The sum of `terms` (each nil-propagating), or nil on overflow.
    public static func sum(_ terms: [Int?]) -> Int? {
        var result = 0
        for t in terms {
            guard let t, t >= 0 else { return nil }
            let (s, overflow) = result.addingReportingOverflow(t)
            if overflow { return nil }
            result = s
        }
        return result
    }

    /// Bytes of `count` Float32 values, or nil on overflow.
    public static func floats(_ count: Int?) -> Int? { count.flatMap { product($0, 4) } }
}
