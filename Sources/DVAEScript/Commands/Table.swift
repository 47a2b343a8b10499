import Foundation
import DVAE

/// `table`: an empty table with the given column names; add rows with t.add(…).
enum TableCommand: Command {
    static let spec = CommandSpec(
        name: "table", positional: ["COLUMN"], variadic: true, keywords: [], returnsValue: true,
        summary: "an empty table with the given column names; add rows with t.add(…)",
        usage: "table COLUMN…",
        details: ["`t.add(a, b, …)` appends a row (one value per column); `print t` aligns the columns."],
        example: "let t = table \"noise\" \"bound\" \"verdict\"\nt.add(0.05, b, verdict(b > b0))\nprint t")

    /// Runs the command.
    static func run(_ a: CommandArguments) throws -> Value { try a.interpreter.table(a) }
}

extension Interpreter {
    /// `table "col" "col" …`: an empty table.
    func table(_ a: CommandArguments) throws -> Value {
        var columns: [String] = []
        for i in a.call.positional.indices {
            let (v, at) = try a.positional(i)!
            switch v {
            case .string(let s): columns.append(s)
            case .list(let items):
                for item in items {
                    guard case .string(let s) = item else {
                        throw LocatedError("column names must be strings, found \(item.typeWithArticle)", at: at)
                    }
                    columns.append(s)
                }
            default:
                throw LocatedError("column names must be strings, got \(v.typeWithArticle)", at: at,
                                   suggestion: "write them in quotes: table \"noise\" \"bound\"")
            }
        }
        guard !columns.isEmpty else {
            throw LocatedError("`table` needs at least one column name", at: a.call.location,
                               suggestion: "for example: let t = table \"noise\" \"bound\"")
        }
        return .table(TableValue(columns: columns))
    }
}
