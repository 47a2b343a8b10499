/// An option whose values the language writes as words: each case carries its word (`name`), and
/// the word list, the prose list and the parsing come from it, so the language, its help and the
/// checkpoint reader never keep their own copies (as `NoiseKind` does for the noise kinds).
public protocol NamedChoice: CaseIterable, Sendable {
    /// The word the language writes for this value.
    var name: String { get }
}

extension NamedChoice {
    /// Every value's word, in case order.
    public static var names: [String] { allCases.map(\.name) }

    /// The words as prose: "a, b or c".
    public static var namesInProse: String {
        let n = names
        return n.count < 2 ? n.joined() : n.dropLast().joined(separator: ", ") + " or " + n.last!
    }

    /// The value written `name`, or nil.
    public init?(name: String) {
        guard let value = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = value
    }
}
