/// One training setting as the language writes it after `train` and `experiment` (and `model`
/// for the fresh-model choices): its keyword, what follows it, one line of help, and how it sets
/// a `TrainingRecipe`. The recipe's table of them (`TrainingRecipe.languageOptions`) is the one
/// place these words live: the language builds its keywords, its parsing, help, completion and
/// suggestions from it, so a new option is a field and a table entry in `TrainingRecipe.swift`.
public struct TrainingOption: Sendable {
    /// What follows the keyword.
    public enum Argument: Sendable {
        /// One of `words` (an enum's `NamedChoice.names`); `stringToo`: also any expression giving
        /// one as a string, so a notebook can pass it from a variable.
        case word(placeholder: String, words: [String], stringToo: Bool)
        /// A finite number; `problem` says why a value is refused ("must be positive"), nil when accepted.
        case number(placeholder: String, problem: @Sendable (Double) -> String?)
    }

    /// Where help lists the option and which commands take it.
    public enum Group: Sendable {
        /// A basic setting (`lr`, `clip`), listed with the command's own keywords.
        case basic
        /// A setting of the authors' protocol (`help protocol` lists these together).
        case protocolChoice
        /// A choice that shapes a fresh model (`init`, `encoder_sigma`): `model` and `experiment`
        /// take it, `train` (whose model exists) does not.
        case freshModel
    }

    /// The keyword (`optimizer`).
    public let keyword: String
    /// What follows it.
    public let argument: Argument
    /// One line for help.
    public let summary: String
    /// Where help lists it and which commands take it.
    public let group: Group
    private let setWord: (@Sendable (inout TrainingRecipe, String) -> Bool)?
    private let setNumber: (@Sendable (inout TrainingRecipe, Double) -> Void)?

    /// An option whose value is a word of `T` (its `names`), set into the recipe by `set`.
    public static func choice<T: NamedChoice>(_ keyword: String, _ placeholder: String, _ type: T.Type, stringToo: Bool = false,
                                              group: Group = .protocolChoice, summary: String,
                                              set: @escaping @Sendable (inout TrainingRecipe, T) -> Void) -> TrainingOption {
        TrainingOption(keyword: keyword, argument: .word(placeholder: placeholder, words: T.names, stringToo: stringToo),
                       summary: summary, group: group,
                       setWord: { recipe, word in
                           guard let value = T(name: word) else { return false }
                           set(&recipe, value)
                           return true
                       }, setNumber: nil)
    }

    /// An option whose value is a finite number, refused when `problem` says why, set by `set`.
    public static func number(_ keyword: String, _ placeholder: String = "X", group: Group = .basic, summary: String,
                              problem: @escaping @Sendable (Double) -> String?,
                              set: @escaping @Sendable (inout TrainingRecipe, Double) -> Void) -> TrainingOption {
        TrainingOption(keyword: keyword, argument: .number(placeholder: placeholder, problem: problem), summary: summary,
                       group: group, setWord: nil, setNumber: set)
    }

    /// Sets this option in `recipe` from `word`; false when the word is not one of its words (or
    /// the option takes a number).
    public func set(word: String, in recipe: inout TrainingRecipe) -> Bool { setWord?(&recipe, word) ?? false }

    /// Sets this option in `recipe` from `x`, or returns why `x` is refused (as `problem` says;
    /// also when the option takes a word).
    public func set(number x: Double, in recipe: inout TrainingRecipe) -> String? {
        guard case .number(_, let problem) = argument, let setNumber else { return "takes a word, not a number" }
        if let p = problem(x) { return p }
        setNumber(&recipe, x)
        return nil
    }
}
