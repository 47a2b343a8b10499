import ArgumentParser
import DVAE
import Foundation

/// The `dvae` program: the REPL (default), `dvae run FILE`, `dvae sweep FILE`, `dvae bench`,
/// `dvae kernel` (Jupyter) and `dvae convert` (.md ↔ .ipynb).
@main
struct DVAECommand: ParsableCommand {
    /// Subcommands and help text.
    static let configuration = CommandConfiguration(
        commandName: "dvae",
        abstract: "Denoising variational auto-encoders: an interactive workbench and notebook runner.",
        discussion: """
        With no arguments, starts the REPL (line editing and history on a terminal; a script \
        read from standard input otherwise, e.g. `echo 'print 1+1' | dvae`).
        """,
        subcommands: [ReplCommand.self, RunCommand.self, SweepCommand.self, SweepTaskCommand.self, BenchCommand.self,
                      KernelCommand.self, ConvertCommand.self],
        defaultSubcommand: ReplCommand.self
    )

    /// Chooses the BLAS kernels (possibly re-executing once) and the element-wise kernels'
    /// level (`DVAE_KERNELS`), then parses the arguments and runs.
    static func main() {
        BLASStartup.selectKernels()
        if let problem = ElementwiseKernels.apply(environment: ProcessInfo.processInfo.environment) {
            printError("dvae: " + problem)
            Foundation.exit(2)
        }
        main(nil)
    }
}
