// The text of a list, bounded in size.
//
// Lists share their storage, so `set x = [x x]` repeated sixty times is a value of 2⁶⁰ numbers
// that takes a few kilobytes of memory: written out in full it would never finish. A list's text
// therefore stops growing at `Value.maximumListText` bytes; each list left unfinished ends with
// `… N more` (N: its items not written), so what was left out is said, and counted. The walk
// recurses only as deep as lists nest (at most `Value.maximumDepth`).

extension Value {
    /// The most bytes (UTF-8) the text of one list may reach before its remaining items are
    /// elided; a list of 10 000 numbers is well inside it.
    static let maximumListText = 100_000

    /// `[1 2 "a" [3 4]]`, strings quoted, elided with `… N more` past `limit` bytes.
    static func listText(_ items: [Value], limit: Int = maximumListText) -> String {
        var out = ""
        appendList(items, to: &out, limit: limit)
        return out
    }

    private static func appendList(_ items: [Value], to out: inout String, limit: Int) {
        out += "["
        for (k, item) in items.enumerated() {
            if k > 0 { out += " " }
            guard out.utf8.count < limit else {
                out += "… \(items.count - k) more"
                break
            }
            switch item {
            case .list(let inner): appendList(inner, to: &out, limit: limit)
            case .string(let s): out += "\"\(s)\""
            default: out += item.description
            }
        }
        out += "]"
    }
}
