import Foundation
import DVAE

/// `vars`: list the variables and their values.
enum VarsCommand: Command {
    static let spec = CommandSpec(
        name: "vars", positional: [], keywords: [], returnsValue: false,
        summary: "list the variables and their values",
        usage: "vars",
        example: "vars")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { a.interpreter.listVariables(a.env) }
}

extension Interpreter {
    /// `vars`: every binding, one line each.
    func listVariables(_ env: Environment) -> Value {
        var lines: [String] = []
        var seen = Set<String>()
        var scope: Environment? = env
        while let s = scope {
            for (name, value) in s.bindings where seen.insert(name).inserted {
                var text = value.description.split(separator: "\n").first.map(String.init) ?? ""
                if case .string(let str) = value { text = "\"\(str)\"" }
                if text.count > 70 { text = String(text.prefix(69)) + "…" }
                lines.append("\(name) = \(text)  (\(value.typeName))")
            }
            scope = s.parent
        }
        say(lines.isEmpty ? "no variables" : lines.joined(separator: "\n"))
        return .nothing
    }
}
