import ArgumentParser
import DVAEKernel
import Foundation

/// `dvae kernel`: dvae as a Jupyter kernel (`--connection-file F`, which Jupyter passes), and
/// `dvae kernel install`, which registers it with Jupyter.
struct KernelCommand: ParsableCommand {
    /// Help text and subcommands.
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Jupyter kernel: run it for a front end, or install its kernelspec.",
        discussion: """
        `dvae kernel install --user` registers the kernel; then JupyterLab, `jupyter console \
        --kernel dvae` or `jupyter nbconvert --execute` start it as `dvae kernel --connection-file F`.
        """,
        subcommands: [KernelServeCommand.self, KernelInstallCommand.self],
        defaultSubcommand: KernelServeCommand.self
    )
}

/// `dvae kernel --connection-file F`: serves one Jupyter front end until it shuts the kernel down.
struct KernelServeCommand: ParsableCommand {
    /// Help text.
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the kernel for the connection file Jupyter wrote (Jupyter starts this itself)."
    )

    /// The connection file.
    @Option(name: .customLong("connection-file"), help: ArgumentHelp("The connection file Jupyter passes.", valueName: "FILE"))
    var connectionFile: String

    /// `--set`, `--test`, `--data`, `--max-memory`, as for `dvae run`.
    @OptionGroup var script: ScriptOptions

    /// Worker threads.
    @OptionGroup var threadsOption: ThreadsOption

    func run() throws {
        threadsOption.apply()
        let options = try script.interpreterOptions()
        let server: KernelServer
        do {
            server = try KernelServer(connection: try ConnectionInfo.load(path: connectionFile), options: options)
        } catch {
            printError("dvae kernel: \(error)")
            throw ExitCode(2)
        }
        server.run()
    }
}

/// `dvae kernel install [--user | --prefix P]`: writes `kernels/dvae/kernel.json` pointing at
/// this `dvae` binary.
struct KernelInstallCommand: ParsableCommand {
    /// Help text.
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the kernelspec (kernel.json) so Jupyter can start dvae.",
        discussion: """
        Without --user or --prefix it goes to /usr/local/share/jupyter, as `jupyter kernelspec \
        install` does. Options such as --data DIR or --set name=value are passed to every kernel \
        started from this kernelspec.
        """
    )

    /// Into the user's Jupyter data directory.
    @Flag(name: .long, help: "Install for this user (~/.local/share/jupyter, or $JUPYTER_DATA_DIR).")
    var user = false

    /// Under a prefix.
    @Option(name: .long, help: ArgumentHelp("Install under PREFIX/share/jupyter (e.g. a virtual environment).", valueName: "PREFIX"))
    var prefix: String?

    /// The kernel's name (its directory and `--kernel NAME`).
    @Option(name: .long, help: "The kernel's name.")
    var name = KernelInfo.kernelName

    /// The name front ends show.
    @Option(name: .customLong("display-name"), help: "The name front ends show.")
    var displayName = KernelInfo.displayName

    /// `--set`, `--test`, `--data`, `--max-memory`, baked into the kernel's command line.
    @OptionGroup var script: ScriptOptions

    /// Worker threads, baked in likewise.
    @OptionGroup var threadsOption: ThreadsOption

    func validate() throws {
        if user && prefix != nil { throw ValidationError("give --user or --prefix, not both") }
        _ = try script.interpreterOptions()
    }

    func run() throws {
        let location: KernelSpec.Location = user ? .user : prefix.map { .prefix($0) } ?? .system
        // The words themselves (not shell-quoted: kernel.json's argv is a list). A relative data
        // directory is made absolute, since Jupyter starts kernels in the notebook's directory.
        var extra: [String] = script.test ? ["--test"] : []
        for item in script.settings { extra += ["--set", item] }
        if let cache = script.cache { extra += ["--cache", URL(fileURLWithPath: cache).standardizedFileURL.path] }
        if let data = script.data { extra += ["--data", URL(fileURLWithPath: data).standardizedFileURL.path] }
        if let maxMemory = script.maxMemory { extra += ["--max-memory", maxMemory] }
        if let threads = threadsOption.threads { extra += ["--threads", String(threads)] }
        let spec = KernelSpec(executable: Self.executablePath(), extraArguments: extra, displayName: displayName)
        do {
            let directory = try spec.install(at: location, name: name)
            printError("dvae: installed the kernelspec `\(name)` in \(directory)")
        } catch {
            printError("dvae: \(error)")
            throw ExitCode(1)
        }
    }

    /// The absolute path of this `dvae` executable (symbolic links resolved).
    static func executablePath() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}
