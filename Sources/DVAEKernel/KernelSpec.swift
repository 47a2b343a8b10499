import Foundation

/// A Jupyter kernelspec: the `kernel.json` that tells Jupyter how to start `dvae kernel`, and
/// where it is installed so that `jupyter kernelspec list` and front ends find it.
public struct KernelSpec: Equatable, Sendable {
    /// The command Jupyter runs; `{connection_file}` is replaced by the connection file's path.
    public var argv: [String]
    /// The name front ends show.
    public var displayName: String
    /// The language, recorded in notebooks' metadata.
    public var language: String = KernelInfo.language
    /// How front ends interrupt: `signal` (SIGINT), which the kernel handles like the REPL's Ctrl-C.
    public var interruptMode = "signal"

    /// A spec starting `executable kernel --connection-file {connection_file}` plus `extraArguments`
    /// (options such as `--data DIR` given to every kernel started from it).
    public init(executable: String, extraArguments: [String] = [], displayName: String = KernelInfo.displayName) {
        argv = [executable, "kernel"] + extraArguments + ["--connection-file", "{connection_file}"]
        self.displayName = displayName
    }

    /// The contents of `kernel.json`.
    public var json: JSONValue {
        [
            "argv": .array(argv.map(JSONValue.string)),
            "display_name": .string(displayName),
            "language": .string(language),
            "interrupt_mode": .string(interruptMode),
            "metadata": [:],
        ]
    }

    /// Where a kernelspec is installed.
    public enum Location: Equatable, Sendable {
        /// The user's Jupyter data directory: `$JUPYTER_DATA_DIR`, else `$XDG_DATA_HOME/jupyter`,
        /// else `~/.local/share/jupyter` (as `jupyter kernelspec install --user`).
        case user
        /// `PREFIX/share/jupyter` (as `--prefix`: a virtual environment's own prefix, say).
        case prefix(String)
        /// The system-wide `/usr/local/share/jupyter` (Jupyter's default without `--user`).
        case system

        /// The Jupyter data directory this location names.
        public func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
            switch self {
            case .prefix(let prefix):
                return (prefix as NSString).appendingPathComponent("share/jupyter")
            case .system:
                return "/usr/local/share/jupyter"
            case .user:
                if let dir = environment["JUPYTER_DATA_DIR"], !dir.isEmpty { return dir }
                if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return (xdg as NSString).appendingPathComponent("jupyter") }
                guard let home = environment["HOME"], !home.isEmpty else {
                    throw InstallError(path: "~", reason: "HOME is not set, so there is no user data directory; use --prefix DIR")
                }
                return (home as NSString).appendingPathComponent(".local/share/jupyter")
            }
        }
    }

    /// Installing failed: which path and why.
    public struct InstallError: Error, CustomStringConvertible, Equatable {
        /// The file or directory.
        public var path: String
        /// What went wrong and what to do.
        public var reason: String
        /// `cannot install the kernelspec at PATH: REASON`.
        public var description: String { "cannot install the kernelspec at \(path): \(reason)" }
    }

    /// Writes `kernels/NAME/kernel.json` under `location`; returns the kernelspec directory.
    @discardableResult
    public func install(at location: Location, name: String = KernelInfo.kernelName,
                        environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw InstallError(path: name, reason: "a kernel name may use only ASCII letters, digits, `.`, `_` and `-`")
        }
        let directory = ((try location.dataDirectory(environment: environment)) as NSString)
            .appendingPathComponent("kernels/\(name)")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw InstallError(path: directory, reason: Self.reason(error) + (location == .system ? " (try --user)" : ""))
        }
        let file = (directory as NSString).appendingPathComponent("kernel.json")
        do {
            try Data(json.prettyEncoded().utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw InstallError(path: file, reason: Self.reason(error))
        }
        return directory
    }

    /// The system's reason for a file error, without Foundation's domain and code.
    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedFailureReason ?? ns.localizedDescription
    }
}
