import Foundation

/// The notebooks of one directory rendered together (`dvae run notebooks --html DIR`): a
/// contents page, and on every page links to the contents, the previous and the next notebook,
/// with each mention of "notebook 05" in the prose linked to that notebook's page.
public struct NotebookSite: Sendable {
    /// One notebook of the site.
    public struct Entry: Sendable, Equatable {
        /// Its file name without extension, e.g. `04-lemma1-inequalities`.
        public var baseName: String
        /// Its title as HTML (the first `# ` heading, formulas typeset; or the base name).
        public var title: String
        /// One line for the contents page: how the run went.
        public var summary: String
        /// Whether the run failed.
        public var failed: Bool

        /// Creates an entry.
        public init(baseName: String, title: String, summary: String, failed: Bool) {
            self.baseName = baseName
            self.title = title
            self.summary = summary
            self.failed = failed
        }

        /// The page's file name.
        public var page: String { baseName + ".html" }
        /// The number the prose cites it by: the leading digits of the name (`04`), if any.
        public var number: String? {
            let digits = baseName.prefix { $0.isNumber }
            return digits.isEmpty ? nil : String(digits)
        }
    }

    /// The notebooks in order.
    public var entries: [Entry]
    /// The contents page's file name.
    public static let indexPage = "index.html"

    /// A site of `entries`.
    public init(entries: [Entry]) { self.entries = entries }

    /// The title of `notebook` as HTML: its first `# ` heading rendered like the page's (its
    /// formulas typeset), else its base name.
    public static func title(of notebook: Notebook) -> String {
        for cell in notebook.cells {
            guard case .prose(let p) = cell else { continue }
            for line in p.text.split(separator: "\n") where line.hasPrefix("# ") {
                let prose = ProseHTML()
                _ = prose.html(String(line))
                if let heading = prose.headings.first { return heading.html }
            }
        }
        return ProseHTML.attribute(notebook.baseName)
    }

    /// The bar of links at the top and bottom of the page of notebook `baseName`.
    public func navigation(for baseName: String) -> String {
        guard let i = entries.firstIndex(where: { $0.baseName == baseName }) else { return "" }
        var parts: [String] = []
        if i > 0 {
            parts.append("<a rel=\"prev\" href=\"\(entries[i - 1].page)\">← \(ProseHTML.attribute(entries[i - 1].baseName))</a>")
        }
        parts.append("<a href=\"\(Self.indexPage)\">all notebooks</a>")
        if i + 1 < entries.count {
            parts.append("<a rel=\"next\" href=\"\(entries[i + 1].page)\">\(ProseHTML.attribute(entries[i + 1].baseName)) →</a>")
        }
        return "<nav class=\"site\">" + parts.joined(separator: " · ") + "</nav>\n"
    }

    /// `html` with each "notebook NN" / "notebooks NN and MM" in running text (not in code, not
    /// already in a link) linked to that notebook's page.
    public func linkMentions(_ html: String, from baseName: String) -> String {
        let pages = Dictionary(entries.compactMap { e in e.number.map { ($0, e.page) } }, uniquingKeysWith: { a, _ in a })
        guard !pages.isEmpty, let regex = try? NSRegularExpression(pattern: "(notebooks? )([0-9]{2})\\b") else { return html }
        var out = ""
        var depth = 0  // inside <a>, <code>, <pre>, <math>
        var i = html.startIndex
        while i < html.endIndex {
            if html[i] == "<" {
                let end = html[i...].firstIndex(of: ">") ?? html.index(before: html.endIndex)
                let tag = html[i...end].lowercased()
                for name in ["a", "code", "pre", "math"] {
                    if tag.hasPrefix("<\(name)>") || tag.hasPrefix("<\(name) ") { depth += 1 }
                    if tag.hasPrefix("</\(name)>") { depth = max(0, depth - 1) }
                }
                out += html[i...end]
                i = html.index(after: end)
                continue
            }
            let next = html[i...].firstIndex(of: "<") ?? html.endIndex
            let text = String(html[i..<next])
            if depth > 0 {
                out += text
            } else {
                let ns = text as NSString
                var last = 0
                for m in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                    let number = ns.substring(with: m.range(at: 2))
                    guard let page = pages[number], page != baseName + ".html" else { continue }
                    out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
                    out += "<a href=\"\(page)\">" + ns.substring(with: m.range) + "</a>"
                    last = m.range.location + m.range.length
                }
                out += ns.substring(from: last)
            }
            i = next
        }
        return out
    }

    /// The contents page: every notebook with its title, its link and how its run went.
    public func index(title: String = "dvae notebooks") -> String {
        var items = ""
        for e in entries {
            items += "<li\(e.failed ? " class=\"failed\"" : "")><a href=\"\(e.page)\">\(e.title)</a>"
                + "<div class=\"file\">\(ProseHTML.attribute(e.baseName)).md · \(ProseHTML.attribute(e.summary))</div></li>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(ProseHTML.attribute(title))</title>
        <style>
        body{margin:0 auto;max-width:860px;padding:24px 32px;font:16px/1.55 -apple-system,"Segoe UI","DejaVu Sans",Helvetica,Arial,sans-serif;color:#1b1b1b}
        ol{padding-left:1.4em}li{margin:10px 0}a{color:#1a4f8b;text-decoration:none;font-weight:600}
        .file{font-size:13px;color:#555}li.failed .file{color:#b00020}
        </style></head><body>
        <h1>\(ProseHTML.attribute(title))</h1>
        <p>\(entries.count) notebook\(entries.count == 1 ? "" : "s"), each a page of its own: prose, code, outputs and pictures; no network needed.</p>
        <ol>
        \(items)</ol>
        </body></html>

        """
    }
}
