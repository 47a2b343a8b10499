/// "Did you mean …?" — nearest-name suggestions by edit distance.
enum Suggestions {
    /// Levenshtein distance between `a` and `b` (case-insensitive), counting a swap of two
    /// neighbouring characters as one edit.
    static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a.lowercased()), t = Array(b.lowercased())
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: t.count + 1), count: s.count + 1)
        for i in 0...s.count { d[i][0] = i }
        for j in 0...t.count { d[0][j] = j }
        for i in 1...s.count {
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[s.count][t.count]
    }

    /// Words longer than this are not compared (the distance table is |a| × |b|: a 30,000-character
    /// name against another would need gigabytes, and no typo is that long).
    static let maximumLength = 64

    /// The candidate closest to `word`, if it is close enough to be a plausible typo:
    /// within one edit for short words, two for words of 5+ characters, three for 9+.
    static func nearest(_ word: String, in candidates: some Sequence<String>) -> String? {
        guard word.utf8.count <= maximumLength * 4, word.count <= maximumLength else { return nil }
        let limit = word.count >= 9 ? 3 : word.count >= 5 ? 2 : 1
        var best: (name: String, d: Int)?
        for c in candidates where c != word && c.utf8.count <= maximumLength * 4 && c.count <= maximumLength {
            let d = distance(word, c)
            if d <= limit, d < (best?.d ?? Int.max) { best = (c, d) }
        }
        return best?.name
    }

    /// "did you mean `x`?" for the nearest candidate, or nil.
    static func didYouMean(_ word: String, in candidates: some Sequence<String>) -> String? {
        nearest(word, in: candidates).map { "did you mean `\($0)`?" }
    }
}
