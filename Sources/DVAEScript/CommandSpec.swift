import DVAE

/// The declarative shape of a command: its positional arguments, its keyword arguments and their
/// values, and its help text. Each `Command` declares one; the parser reads commands with it, and
/// `help`, completion and suggestions read the same declarations through `Commands`, so they
/// cannot drift apart.
struct CommandSpec {
    /// What one value after a keyword looks like.
    enum Slot: Equatable {
        /// An expression; the string names it in usage lines (`N`, `DATA`).
        case expr(String)
        /// A bare word from a fixed set (`bernoulli`, `gaussian`).
        case word(String, [String])
        /// A corruption: `none`, or a kind (`salt_pepper`, `bitflip`, `gaussian`) and a level.
        case noise
        /// A learning-rate schedule: `constant`, `authors`, or `decay T`.
        case schedule
    }

    /// A keyword argument such as `epochs N`.
    struct Keyword {
        /// The keyword itself.
        var name: String
        /// The values that follow it (none for a flag such as `elbo`).
        var slots: [Slot]
        /// One line for `help`.
        var summary: String

        /// The values as usage shows them: `N`, `bernoulli|gaussian`, `KIND LEVEL`.
        var slotText: String {
            slots.map { slot -> String in
                switch slot {
                case .expr(let n): return n
                case .word(_, let choices): return choices.joined(separator: "|")
                case .noise: return "KIND LEVEL"
                case .schedule: return "constant|authors|decay T"
                }
            }.joined(separator: " ")
        }
    }

    /// The command name.
    var name: String
    /// Names of the positional arguments (shown in usage). All may be omitted at parse time;
    /// each command checks the ones it needs.
    var positional: [String]
    /// True when the last positional argument may repeat (`table "a" "b" "c"`).
    var variadic: Bool = false
    /// Keyword arguments.
    var keywords: [Keyword]
    /// True when the command produces a value (so it can appear in an expression).
    var returnsValue: Bool
    /// One-line description.
    var summary: String
    /// The usage line.
    var usage: String
    /// Extra help lines.
    var details: [String] = []
    /// An example (one or more lines).
    var example: String

    /// The keyword named `name`, if the command has one.
    func keyword(_ name: String) -> Keyword? { keywords.first { $0.name == name } }

    /// The schedule words accepted after `schedule`.
    static let scheduleKinds = ["constant", "authors", "decay"]

    /// `law textbook|authors`: the salt-and-pepper law, on every command that takes a noise (the
    /// one spelling of the authors' law in scripts; `NoiseKind.scriptKinds`).
    static let lawKeyword = Keyword(name: "law", slots: [.expr("LAW")],
                                    summary: "salt-and-pepper law: textbook (default: 0 or 1 with equal chance) or authors (the replacement is 1 with probability P)")

    /// The keywords of `TrainingRecipe.languageOptions` in `group`, in table order: a word
    /// option's words are its enum's `names` (a bare word, or also a string when `stringToo`).
    static func recipeKeywords(_ group: TrainingOption.Group) -> [Keyword] {
        TrainingRecipe.languageOptions.filter { $0.group == group }.map { option in
            switch option.argument {
            case .word(let placeholder, let words, let stringToo):
                return Keyword(name: option.keyword, slots: [stringToo ? .expr(placeholder) : .word(placeholder, words)],
                               summary: option.summary)
            case .number(let placeholder, _):
                return Keyword(name: option.keyword, slots: [.expr(placeholder)], summary: option.summary)
            }
        }
    }

    /// The keywords of the authors' training protocol, shared by `train` and `experiment`: `law`,
    /// `schedule` and the recipe's protocol options.
    static let protocolKeywords: [Keyword] = [
        lawKeyword,
        Keyword(name: "schedule", slots: [.schedule],
                summary: "learning rate per epoch: constant (default), authors (10× lr stepped down to ~lr at epochs 0, 2, 8, 26, …), decay T (lr/(1 + epoch/T))"),
    ] + recipeKeywords(.protocolChoice)

    /// The names of `protocolKeywords` and `initKeywords` (help lists them under `help protocol`).
    static var protocolKeywordNames: Set<String> { Set((protocolKeywords + initKeywords).map(\.name) + ["analytic", "protocol", "curve_on", "curve_every", "curve_train"]) }

    /// The model keywords of the authors' protocol, shared by `model` and `experiment`: the
    /// recipe's fresh-model options.
    static let initKeywords: [Keyword] = recipeKeywords(.freshModel)
}

extension CommandSpec.Keyword {
    /// `encoder mlp|gru`, shared by `model` and `experiment` (choices: `EncoderKind`).
    static let encoder = CommandSpec.Keyword(
        name: "encoder", slots: [.word("ENC", EncoderKind.allCases.map(\.rawValue))],
        summary: EncoderKind.allCases.map { $0 == .mlp ? "\($0.rawValue) (default)" : $0.rawValue }.joined(separator: " or "))
}
