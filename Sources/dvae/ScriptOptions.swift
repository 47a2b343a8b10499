import ArgumentParser
import Foundation
import DVAE
import DVAEScript

/// The options every way of running dvae code shares (`dvae`, `dvae repl`, `dvae run`): declared
/// once here and included with `@OptionGroup`, so they cannot drift apart.
struct ScriptOptions: ParsableArguments {
    /// Variables to predefine; repeat the option for several (`--set a=1 --set b=2`).
    @Option(name: .customLong("set"),
            help: ArgumentHelp("Predefine a variable; a notebook's top-level `let` of that name keeps this value. Repeat for several.",
                               valueName: "name=value"))
    var settings: [String] = []

    /// The result cache of the notebook's experiment cells.
    @Option(name: .long, help: ArgumentHelp(
        "Result cache of the notebook's experiment cells: sets the variable `cache` (as --set cache=DIR, but always a string, and checked to be a directory).",
        valueName: "DIR"))
    var cache: String?

    /// Quick protocol.
    @Flag(name: .long, help: "Test mode: notebooks use their small, fast settings (`testing` is true).")
    var test = false

    /// A directory searched first for data files.
    @Option(name: .long, help: ArgumentHelp("Look for data files here first (then $DVAE_DATA, ./data, ../shared/data).",
                                            valueName: "DIR"))
    var data: String?

    /// The memory budget as given (`8G`, `512M`, bytes), or nil for the default.
    @Option(name: .customLong("max-memory"), help: ArgumentHelp(
        "Most memory one command may allocate, e.g. 8G or 512M (default: half of the available memory).",
        valueName: "size"))
    var maxMemory: String?

    func validate() throws {
        if let cache {
            guard !cache.isEmpty else { throw ValidationError("--cache needs a directory, got an empty path") }
            if settings.contains(where: { $0.hasPrefix("cache=") }) {
                throw ValidationError("give the cache once: --cache \(cache) or --set cache=…, not both")
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: cache, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw ValidationError("--cache \(cache) is a file, not a directory")
            }
        }
        if let maxMemory {
            guard let bytes = MemoryBudget.parse(maxMemory) else {
                throw ValidationError("--max-memory expects a size such as 8G, 512M or 1000000 (bytes), got `\(maxMemory)`")
            }
            // A limit below a mebibyte (`0.5` is half a byte) would refuse every command.
            guard bytes >= Self.smallestMemoryLimit else {
                throw ValidationError("--max-memory \(maxMemory) is \(MemoryBudget.format(bytes)), too little to run anything; "
                                      + "give a size such as 8G or 512M (a number alone counts bytes)")
            }
        }
    }

    /// The smallest `--max-memory` accepted: 1 MiB.
    static let smallestMemoryLimit = 1 << 20

    /// The budget: `--max-memory`, or `MemoryBudget.default`.
    var budget: MemoryBudget {
        maxMemory.flatMap(MemoryBudget.parse).map { MemoryBudget(limit: $0) } ?? .default
    }

    /// These options as command-line words (`--test`, `--set name=value`, `--data DIR`,
    /// `--max-memory SIZE`), shell-quoted where needed, so a printed follow-up command (e.g. the
    /// `dvae sweep` that resubmits a notebook's missing cells) runs with the same settings.
    var commandLineWords: [String] {
        var words: [String] = []
        if test { words.append("--test") }
        for item in settings { words += ["--set", ShellWords.quote(item)] }
        if let cache { words += ["--cache", ShellWords.quote(cache)] }
        if let data { words += ["--data", ShellWords.quote(data)] }
        if let maxMemory { words += ["--max-memory", ShellWords.quote(maxMemory)] }
        return words
    }

    /// The variables scripts are given: the `--set` pairs, and `cache` from `--cache` (quoted, so
    /// it reads as a string whatever the directory's name). Throws a validation error for a
    /// malformed `--set`.
    func variables() throws -> [String: String] {
        var variables = try ScriptSettings(settings).dictionary
        if let cache { variables["cache"] = "\"" + cache + "\"" }
        return variables
    }

    /// The interpreter options these flags describe; throws a validation error for a malformed `--set`.
    func interpreterOptions() throws -> InterpreterOptions {
        var options = InterpreterOptions(dataDirectory: data, testMode: test, variables: try variables())
        options.budget = budget
        return options
    }
}

