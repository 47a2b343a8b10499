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
    /// The salt-and-pepper laws accepted after `law`.
    static let saltPepperLaws = ["textbook", "authors"]

    /// `law textbook|authors`: the salt-and-pepper law, on every command that takes a noise (the
    /// one spelling of the authors' law in scripts; `NoiseKind.scriptKinds`).
    static let lawKeyword = Keyword(name: "law", slots: [.expr("LAW")],
                                    summary: "salt-and-pepper law: textbook (default: 0 or 1 with equal chance) or authors (the replacement is 1 with probability P)")

    /// The keywords of the authors' training protocol, shared by `train` and `experiment`.
    static let protocolKeywords: [Keyword] = [
        lawKeyword,
        Keyword(name: "schedule", slots: [.schedule],
                summary: "learning rate per epoch: constant (default), authors (10× lr stepped down to ~lr at epochs 0, 2, 8, 26, …), decay T (lr/(1 + epoch/T))"),
        Keyword(name: "optimizer", slots: [.word("OPT", AdamVariant.names)],
                summary: "adam (default) or authors_adam (the authors' variant: β1 ≈ 0 after step 1)"),
        Keyword(name: "nonfinite", slots: [.word("RULE", NonFiniteRule.names)],
                summary: "a non-finite step: skip it (default) or shrink (gradient := 0.1 × parameter, the authors' rule)"),
        Keyword(name: "kl", slots: [.expr("KL")],
                summary: "the latent term in training, a word or a string: monte_carlo (default: log p(z) − log q(z|x̃) at the sample) or analytic (closed-form KL, the authors'; vae/dvae only)"),
        Keyword(name: "batches", slots: [.expr("ORDER")],
                summary: "a word or a string: shuffled (default: reshuffled every epoch) or fixed (the authors': file order, full minibatches only)"),
    ]

    /// The names of `protocolKeywords` and `initKeywords` (help lists them under `help protocol`).
    static var protocolKeywordNames: Set<String> { Set((protocolKeywords + initKeywords).map(\.name) + ["analytic", "protocol", "curve_on", "curve_every", "curve_train"]) }

    /// The model keywords of the authors' protocol, shared by `model` and `experiment`.
    static let initKeywords: [Keyword] = [
        Keyword(name: "init", slots: [.word("INIT", WeightInit.names)],
                summary: "standard (default: variance head ×0.1) or glorot (plain Glorot-uniform, the authors')"),
        Keyword(name: "encoder_sigma", slots: [.word("SIGMA", EncoderSigma.names)],
                summary: "the encoder's variance head predicts log σ² (logvar, default) or log σ (exp: σ = exp(output), the authors')"),
    ]
}

extension CommandSpec.Keyword {
    /// `encoder mlp|gru`, shared by `model` and `experiment` (choices: `EncoderKind`).
    static let encoder = CommandSpec.Keyword(
        name: "encoder", slots: [.word("ENC", EncoderKind.allCases.map(\.rawValue))],
        summary: EncoderKind.allCases.map { $0 == .mlp ? "\($0.rawValue) (default)" : $0.rawValue }.joined(separator: " or "))
}
