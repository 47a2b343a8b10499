import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file-system error from Foundation worded for people: the path and the system's reason
/// ("/proc/x.html: no such file or directory"), never "Error Domain=NSCocoaErrorDomain Code=4".
/// Other errors (dvae's own, already worded) are shown as they are.
enum FileErrorText {
    /// The sentence for `error`.
    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return "\(error)" }
        let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        var code: Int32?
        if ns.domain == NSPOSIXErrorDomain { code = Int32(ns.code) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            code = Int32(underlying.code)
        }
        let reason: String
        if let code {
            let text = String(cString: strerror(code))
            reason = text.prefix(1).lowercased() + text.dropFirst()
        } else {
            switch ns.code {
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: reason = "no such file or directory"
            case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: reason = "permission denied"
            case NSFileWriteOutOfSpaceError: reason = "no space left on the device"
            case NSFileWriteVolumeReadOnlyError: reason = "the file system is read-only"
            case NSFileWriteFileExistsError: reason = "something is in the way (a file where a directory is needed, or the reverse)"
            default: reason = "the system refused it (\(ns.localizedDescription))"
            }
        }
        return path.map { "\($0): \(reason)" } ?? reason
    }
}
