/// Letters in Unicode's mathematical alphabets: MathML Core styles text only through these
/// characters (its `mathvariant` attribute supports nothing but `normal`), so `\mathbb{E}`
/// becomes `𝔼` and `\mathcal{N}` becomes `𝒩`.
enum MathAlphabet {
    /// Letters that have their own code point outside the mathematical block (the block leaves
    /// holes for them).
    private static let exceptions: [String: [Character: Character]] = [
        "mathbb": ["C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"],
        "mathcal": ["B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ",
                    "e": "ℯ", "g": "ℊ", "o": "ℴ"],
        "mathfrak": ["C": "ℭ", "H": "ℌ", "I": "ℑ", "R": "ℜ", "Z": "ℨ"],
    ]

    /// First code point of the capital letters, the small letters and the digits of each alphabet.
    private static let starts: [String: (upper: UInt32, lower: UInt32, digit: UInt32?)] = [
        "mathbb": (0x1D538, 0x1D552, 0x1D7D8),
        "mathcal": (0x1D49C, 0x1D4B6, nil),
        "mathbf": (0x1D400, 0x1D41A, 0x1D7CE),
        "boldsymbol": (0x1D468, 0x1D482, 0x1D7CE),
        "bm": (0x1D468, 0x1D482, 0x1D7CE),
        "mathfrak": (0x1D504, 0x1D51E, nil),
    ]

    /// `c` in the alphabet of `font` (`mathbb`, `mathcal`, `mathbf`, `boldsymbol`, `mathfrak`);
    /// characters the alphabet lacks stay as they are.
    static func map(_ c: Character, font: String) -> String {
        if let special = exceptions[font]?[c] { return String(special) }
        guard let start = starts[font], let scalar = c.unicodeScalars.first, c.unicodeScalars.count == 1,
              scalar.isASCII else { return String(c) }
        let v = scalar.value
        let mapped: UInt32?
        switch v {
        case 0x41...0x5A: mapped = start.upper + (v - 0x41)
        case 0x61...0x7A: mapped = start.lower + (v - 0x61)
        case 0x30...0x39: mapped = start.digit.map { $0 + (v - 0x30) }
        default: mapped = nil
        }
        return mapped.flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? String(c)
    }
}
