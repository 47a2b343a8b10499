import ArgumentParser
import DVAEKernel
import DVAENotebook
import Foundation

/// `dvae convert NB.md --to ipynb` and `dvae convert NB.ipynb --to md`: a Markdown notebook as a
/// Jupyter notebook and back, keeping prose and cells.
struct ConvertCommand: ParsableCommand {
    /// Help text.
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a notebook between Markdown (.md) and Jupyter (.ipynb).",
        discussion: """
        Each ```dvae block becomes a code cell and the Markdown between blocks a markdown cell; \
        converting back gives the same Markdown. Outputs stored in an .ipynb are not carried into \
        Markdown (`dvae run NB.md --out DIR` writes a rendered copy with outputs).
        """
    )

    /// The target formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// Jupyter's JSON notebook.
        case ipynb
        /// A Markdown notebook.
        case md
    }

    /// The notebook to convert.
    @Argument(help: "The notebook: .md (Markdown) or .ipynb (Jupyter).")
    var file: String

    /// The format to write.
    @Option(name: .long, help: "The format to write: ipynb or md.")
    var to: Format

    /// Where to write (default: beside the input, with the new extension).
    @Option(name: [.short, .long], help: ArgumentHelp("Write here instead of beside the input.", valueName: "FILE"))
    var output: String?

    func run() throws {
        let target = output ?? ((file as NSString).deletingPathExtension + "." + to.rawValue)
        guard URL(fileURLWithPath: target).standardizedFileURL != URL(fileURLWithPath: file).standardizedFileURL else {
            printError("dvae: \(file) is already a .\(to.rawValue) notebook; give another name with -o FILE")
            throw ExitCode(2)
        }
        let text: String
        do {
            switch to {
            case .ipynb:
                let notebook = try Notebook.load(path: file)
                if let open = notebook.unclosedCodeCell {
                    printError("\(file):\(open.fenceLine):1: error: this ```dvae block is never closed; "
                               + "end it with a line of ``` before converting")
                    throw ExitCode(1)
                }
                text = NotebookConversion.ipynb(from: notebook).prettyEncoded()
            case .md:
                guard let data = FileManager.default.contents(atPath: file) else {
                    printError("dvae: cannot read \(file)")
                    throw ExitCode(2)
                }
                text = try NotebookConversion.markdown(fromIPYNB: Array(data), path: file)
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: target), options: .atomic)
        } catch {
            printError("dvae: cannot write \(target): \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
            throw ExitCode(2)
        }
        printError("dvae: wrote \(target)")
    }
}
