/// A table built row by row in a script: `let t = table "noise" "bound"`, then `t.add(0.05, b)`.
///
/// It is a reference type: `t.add` changes the table every name bound to it sees.
final class TableValue {
    /// Column headings.
    let columns: [String]
    /// Rows, each with one value per column.
    private(set) var rows: [[Value]] = []

    /// An empty table with `columns`.
    init(columns: [String]) { self.columns = columns }

    /// Appends a row (the caller checks the count).
    func add(_ row: [Value]) { rows.append(row) }

    /// One cell as text: numbers compact, bounds as `value ± se`, strings as is.
    static func cell(_ v: Value) -> String {
        switch v {
        case .bound(let b): return b.cell
        case .number(let x): return formatNumber(x)
        default: return v.text
        }
    }

    /// The table with aligned columns: numbers right-aligned, text left-aligned.
    var rendered: String {
        let cells = rows.map { $0.map(TableValue.cell) }
        var widths = columns.map(\.count)
        for row in cells {
            for (i, c) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) }
        }
        let numericColumn = columns.indices.map { i in
            !rows.isEmpty && rows.allSatisfy { i < $0.count && $0[i].numeric != nil }
        }
        func line(_ items: [String]) -> String {
            items.enumerated().map { i, s in
                let pad = String(repeating: " ", count: max(0, widths[i] - s.count))
                return numericColumn[i] ? pad + s : s + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = [line(columns), widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
        out += cells.map(line)
        return out.joined(separator: "\n")
    }
}

import Foundation
