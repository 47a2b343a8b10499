import Foundation

/// The kernel's diagnostics: one line each on standard error, which Jupyter shows in the
/// terminal (or log) of the server that started the kernel. Standard output is never used.
enum KernelLog {
    /// Writes `dvae kernel: MESSAGE` to standard error.
    static func write(_ message: String) {
        FileHandle.standardError.write(Data(("dvae kernel: " + message + "\n").utf8))
    }
}
