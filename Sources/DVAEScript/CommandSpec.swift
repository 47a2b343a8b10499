/// The declarative shape of every command: its positional arguments, its keyword arguments and
/// their values, and its help text. The parser reads commands with this table; `help`,
/// completion and suggestions come from it too, so they cannot drift apart.
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

    /// The noise kinds accepted after `noise` and by `corrupt`.
    static let noiseKinds = ["none", "salt_pepper", "salt_pepper_authors", "bitflip", "gaussian"]

    /// The schedule words accepted after `schedule`.
    static let scheduleKinds = ["constant", "authors", "decay"]

    /// The keywords of the authors' training protocol, shared by `train` and `experiment`.
    static let protocolKeywords: [Keyword] = [
        Keyword(name: "law", slots: [.expr("LAW")],
                summary: "salt-and-pepper law: textbook (default: 0 or 1 with equal chance) or authors (the replacement is 1 with probability P)"),
        Keyword(name: "schedule", slots: [.schedule],
                summary: "learning rate per epoch: constant (default), authors (10× lr stepped down to ~lr at epochs 0, 2, 8, 26, …), decay T (lr/(1 + epoch/T))"),
        Keyword(name: "optimizer", slots: [.word("OPT", ["adam", "authors_adam"])],
                summary: "adam (default) or authors_adam (the authors' variant: β1 ≈ 0 after step 1)"),
        Keyword(name: "nonfinite", slots: [.word("RULE", ["skip", "shrink"])],
                summary: "a non-finite step: skip it (default) or shrink (gradient := 0.1 × parameter, the authors' rule)"),
    ]

    /// The names of `protocolKeywords` and `initKeywords` (help lists them under `help protocol`).
    static var protocolKeywordNames: Set<String> { Set((protocolKeywords + initKeywords).map(\.name) + ["analytic", "protocol"]) }

    /// The model keywords of the authors' protocol, shared by `model` and `experiment`.
    static let initKeywords: [Keyword] = [
        Keyword(name: "init", slots: [.word("INIT", ["standard", "glorot"])],
                summary: "standard (default: variance head ×0.1) or glorot (plain Glorot-uniform, the authors')"),
        Keyword(name: "encoder_sigma", slots: [.word("SIGMA", ["logvar", "exp"])],
                summary: "the encoder's variance head predicts log σ² (logvar, default) or log σ (exp: σ = exp(output), the authors')"),
    ]

    /// The command named `name`.
    static func named(_ name: String) -> CommandSpec? { table[name] }

    /// All command names, sorted.
    static var names: [String] { all.map(\.name).sorted() }

    private static let table: [String: CommandSpec] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// Every command of the language.
    static let all: [CommandSpec] = [
        CommandSpec(
            name: "load", positional: ["NAME"],
            keywords: [
                Keyword(name: "subset", slots: [.expr("N")], summary: "keep N examples of each split, drawn by a fixed-seed shuffle (files may be sorted by class)"),
                Keyword(name: "seed", slots: [.expr("S")], summary: "seed of the synthetic dataset (default 0)"),
                Keyword(name: "split", slots: [.word("SPLIT", ["standard", "authors"])],
                        summary: "frey only: standard (contiguous 1565/200/200, default) or authors (their script's: a permutation, "
                            + "train = first 1572, test = first 200 of the same order — test faces are training faces)"),
            ],
            returnsValue: true,
            summary: "load a dataset: its train/valid/test splits",
            usage: "load [NAME] [subset N] [seed S] [split standard|authors]",
            details: [
                "NAME is \"synthetic\" (built in, the default), \"binarized_mnist\", \"frey\",",
                "or a file path (.amat) which loads one dataset rather than three splits.",
                "Data files are looked up in: --data, $DVAE_DATA, ./data, ../shared/data.",
            ],
            example: "let mnist = load \"binarized_mnist\" subset 1000\nprint mnist.train"),
        CommandSpec(
            name: "corrupt", positional: ["DATA"],
            keywords: [
                Keyword(name: "salt_pepper", slots: [.expr("P")], summary: "replace each pixel by 0 or 1 with probability P"),
                Keyword(name: "salt_pepper_authors", slots: [.expr("P")],
                        summary: "the authors' law: replace each pixel with probability P by a bit that is 1 with probability P"),
                Keyword(name: "bitflip", slots: [.expr("P")], summary: "flip each binary pixel with probability P"),
                Keyword(name: "gaussian", slots: [.expr("SIGMA")], summary: "add N(0, SIGMA²) noise to each pixel"),
                Keyword(name: "seed", slots: [.expr("S")], summary: "random seed (default: the global seed)"),
            ],
            returnsValue: true,
            summary: "a corrupted copy of a dataset",
            usage: "corrupt DATA salt_pepper P | salt_pepper_authors P | bitflip P | gaussian SIGMA [seed S]",
            example: "let noisy = corrupt mnist.test salt_pepper 0.1\nshow noisy[0:16]"),
        CommandSpec(
            name: "model", positional: [],
            keywords: [
                Keyword(name: "vae", slots: [], summary: "a neural VAE (the default)"),
                Keyword(name: "linear_gaussian", slots: [.expr("D"), .expr("L")],
                        summary: "the exact linear-Gaussian model with D inputs and L latents"),
                Keyword(name: "for", slots: [.expr("DATA")], summary: "take input size, image shape and decoder from a dataset"),
                Keyword(name: "hidden", slots: [.expr("LIST")], summary: "hidden layer sizes of encoder and decoder (default [200])"),
                Keyword(name: "latent", slots: [.expr("N")], summary: "latent units (default 50)"),
                Keyword(name: "encoder", slots: [.word("ENC", ["mlp", "gru"])], summary: "mlp (default) or gru"),
                Keyword(name: "decoder", slots: [.word("DEC", ["bernoulli", "gaussian", "gaussian_sigmoid"])],
                        summary: "bernoulli (binary data), gaussian, or gaussian_sigmoid (mean sigmoid(·), σ softplus(·) + 1e-4 from the network)"),
                Keyword(name: "decoder_hidden", slots: [.expr("LIST")], summary: "decoder hidden sizes when they differ from the encoder's"),
                Keyword(name: "input", slots: [.expr("D")], summary: "input size when there is no `for DATA`"),
                Keyword(name: "shape", slots: [.expr("[H W]")], summary: "image shape when there is no `for DATA`"),
                Keyword(name: "noise_sigma", slots: [.expr("SIGMA")], summary: "linear-Gaussian: Gaussian corruption level σ"),
                Keyword(name: "seed", slots: [.expr("S")], summary: "initialisation seed (default: the global seed)"),
            ] + initKeywords,
            returnsValue: true,
            summary: "a new model",
            usage: "model [vae] [for DATA] [hidden LIST] [latent N] [encoder mlp|gru] [decoder bernoulli|gaussian] [seed S]\n"
                + "model linear_gaussian D L [noise_sigma SIGMA] [seed S]",
            details: [
                "Without `for DATA` the input is 784 (28×28) unless `input D` / `shape [H W]` say otherwise.",
                "The linear-Gaussian model has closed forms for log p(x), the bounds and the KL terms (help exact).",
            ],
            example: "let m = model vae for mnist.train hidden [200 200] latent 50\nlet g = model linear_gaussian 4 2 noise_sigma 0.5"),
        CommandSpec(
            name: "train", positional: ["M"],
            keywords: [
                Keyword(name: "on", slots: [.expr("DATA")], summary: "training data"),
                Keyword(name: "objective", slots: [.word("OBJ", ["vae", "iwae", "dvae", "diwae"])],
                        summary: "vae, iwae, dvae or diwae (default: vae, or dvae when noise is given)"),
                Keyword(name: "noise", slots: [.noise], summary: "corruption seen by the encoder: salt_pepper P, salt_pepper_authors P, bitflip P, gaussian SIGMA, none"),
                Keyword(name: "K", slots: [.expr("N")], summary: "latent samples per corruption (default 1)"),
                Keyword(name: "M", slots: [.expr("N")], summary: "corruptions per example (default 1)"),
                Keyword(name: "epochs", slots: [.expr("N")], summary: "passes over the data (default 10)"),
                Keyword(name: "batch", slots: [.expr("N")], summary: "minibatch size (default 100)"),
                Keyword(name: "lr", slots: [.expr("X")], summary: "Adam learning rate (default 1e-3)"),
                Keyword(name: "seed", slots: [.expr("S")], summary: "seed for shuffling and sampling (default: the global seed)"),
                Keyword(name: "clip", slots: [.expr("X")], summary: "clip the gradient norm at X"),
                Keyword(name: "validate", slots: [.expr("DATA")], summary: "report the bound on DATA after each epoch"),
            ] + protocolKeywords,
            returnsValue: true,
            summary: "train a model; returns a report with the learning curve",
            usage: "train M on DATA [objective vae|iwae|dvae|diwae] [noise KIND LEVEL] [K N] [M N] [epochs N] "
                + "[batch N] [lr X] [seed S] [clip X] [validate DATA]",
            details: ["Ctrl-C stops training cleanly; the model keeps what it learned."],
            example: "let r = train m on mnist.train objective dvae noise salt_pepper 0.05 epochs 5 validate mnist.valid\nshow r"),
        CommandSpec(
            name: "experiment", positional: [],
            keywords: [
                Keyword(name: "on", slots: [.expr("DATA")], summary: "the dataset's splits, as `load` gives them"),
                Keyword(name: "objective", slots: [.expr("OBJ")],
                        summary: "vae, iwae, dvae or diwae, a word or a string (default: vae, or dvae with noise)"),
                Keyword(name: "noise", slots: [.noise], summary: "training corruption: salt_pepper P, salt_pepper_authors P, bitflip P, gaussian SIGMA, none"),
                Keyword(name: "K", slots: [.expr("N")], summary: "latent samples per corruption; also the k of IWAE-K (default 1)"),
                Keyword(name: "M", slots: [.expr("N")], summary: "corruptions per example (default 1)"),
                Keyword(name: "hidden", slots: [.expr("LIST")], summary: "hidden layer sizes of encoder and decoder (default [200])"),
                Keyword(name: "decoder_hidden", slots: [.expr("LIST")], summary: "decoder hidden sizes when they differ"),
                Keyword(name: "latent", slots: [.expr("N")], summary: "latent units (default 50)"),
                Keyword(name: "encoder", slots: [.word("ENC", ["mlp", "gru"])], summary: "mlp (default) or gru"),
                Keyword(name: "decoder", slots: [.word("DEC", ["bernoulli", "gaussian", "gaussian_sigmoid"])],
                        summary: "default: bernoulli for binary data, gaussian otherwise; gaussian_sigmoid: σ from the network"),
                Keyword(name: "epochs", slots: [.expr("N")], summary: "training epochs (default 10)"),
                Keyword(name: "batch", slots: [.expr("N")], summary: "minibatch size (default 100)"),
                Keyword(name: "lr", slots: [.expr("X")], summary: "Adam learning rate (default 1e-3)"),
                Keyword(name: "clip", slots: [.expr("X")], summary: "clip the gradient norm at X"),
                Keyword(name: "seed", slots: [.expr("S")], summary: "weights, training and evaluation seed (default 1; part of the key)"),
                Keyword(name: "train_size", slots: [.expr("N")], summary: "train on N training examples, a fixed random subset (default: all)"),
                Keyword(name: "valid_size", slots: [.expr("N")],
                        summary: "validation ELBO on N validation examples after each epoch (default 0: none)"),
                Keyword(name: "test_size", slots: [.expr("N")], summary: "test bound on N test examples, a fixed random subset (default: all)"),
                Keyword(name: "cache", slots: [.expr("DIR")], summary: "reuse a finished cell from DIR, else store it there (\"\": no cache)"),
                Keyword(name: "iwae_extra", slots: [.expr("K")], summary: "also the IWAE-K bound on the test data (5000 in the paper; 0: off)"),
                Keyword(name: "analytic", slots: [], summary: "test ELBO with the KL term in closed form (the authors' test cost)"),
                Keyword(name: "protocol", slots: [.expr("PROTOCOL")],
                        summary: "engine (default) or authors: optimizer authors_adam, clip 5, nonfinite shrink, schedule authors, init glorot, encoder_sigma exp, analytic (each overridable)"),
            ] + protocolKeywords + initKeywords,
            returnsValue: true,
            summary: "one table cell: train a fresh model and measure its clean test bound, cached by configuration",
            usage: "experiment on DATA [objective OBJ] [noise KIND LEVEL] [K N] [M N] [hidden LIST] [latent N] [encoder mlp|gru] "
                + "[epochs N] [batch N] [lr X] [seed S] [train_size N] [valid_size N] [test_size N] [cache DIR] [iwae_extra K]",
            details: [
                "The bound is the trained objective's on clean test data (ELBO; IWAE-K for iwae/diwae). With `cache DIR`",
                "a finished cell is reused and prints \"(cached)\"; an interrupted one resumes. Seeds: mean(…), std(…).",
            ],
            example: "let mnist = load \"binarized_mnist\"\n"
                + "let r = experiment on mnist objective dvae noise salt_pepper 0.05 epochs 150 lr 3e-3 train_size 1000 seed 1 cache \"results/t1\"\n"
                + "print r, -r.bound    # …: ELBO -139.77 ± 0.45 (10000 test examples), 3.9 s — or (cached); 139.77"),
        CommandSpec(
            name: "bound", positional: ["M"],
            keywords: [
                Keyword(name: "on", slots: [.expr("DATA")], summary: "the data to score"),
                Keyword(name: "elbo", slots: [], summary: "the evidence lower bound (the default)"),
                Keyword(name: "analytic", slots: [], summary: "the ELBO with the KL term in closed form (same expectation, less variance)"),
                Keyword(name: "iwae", slots: [.expr("K")], summary: "the importance-weighted bound with K samples"),
                Keyword(name: "noise", slots: [.noise], summary: "score with a corrupted encoder input (the DVAE bound)"),
                Keyword(name: "seed", slots: [.expr("S")], summary: "random seed (default: the global seed)"),
                Keyword(name: "exact", slots: [], summary: "linear-Gaussian: the closed form (the default)"),
                Keyword(name: "samples", slots: [.expr("N")], summary: "linear-Gaussian: a Monte Carlo estimate with N samples"),
                Keyword(name: "logpx", slots: [], summary: "linear-Gaussian: log p(x)"),
                Keyword(name: "dvae", slots: [], summary: "linear-Gaussian: L_dvae"),
                Keyword(name: "cvae", slots: [], summary: "linear-Gaussian: L_cvae (marginal encoder q̃)"),
                Keyword(name: "kl_post", slots: [], summary: "linear-Gaussian: E KL(q(z|x̃) ‖ p(z|x))"),
                Keyword(name: "kl_marginal", slots: [], summary: "linear-Gaussian: E KL(q(z|x̃) ‖ q̃(z|x))"),
                Keyword(name: "independent", slots: [], summary: "linear-Gaussian: the bound with z and x̃ drawn independently"),
            ],
            returnsValue: true,
            summary: "a bound on log p(x) in nats per example, with its standard error",
            usage: "bound M on DATA [elbo [analytic] | iwae K] [noise KIND LEVEL] [seed S]\n"
                + "bound G on DATA logpx|dvae|cvae|kl_post|kl_marginal|independent [exact | samples N]",
            details: ["Comparisons and arithmetic use the value; `.value`, `.se`, `.count` give the parts."],
            example: "let b = bound m on mnist.test iwae 5000\nprint b.value, b.se"),
        CommandSpec(
            name: "sample", positional: ["M", "N"],
            keywords: [
                Keyword(name: "seed", slots: [.expr("S")], summary: "random seed (default: the global seed)"),
                Keyword(name: "columns", slots: [.expr("C")], summary: "pictures per row (default 8)"),
            ],
            returnsValue: true,
            summary: "N pictures decoded from z ~ p(z) (default 64); for a linear-Gaussian model, N data points",
            usage: "sample M [N] [seed S] [columns C]",
            details: ["`sample G N` with a linear-Gaussian model G gives a dataset of N points x ~ p(x) (one row each)."],
            example: "show sample m 64\nlet xs = sample g 100"),
        CommandSpec(
            name: "marginal", positional: ["ENC"],
            keywords: [
                Keyword(name: "at", slots: [.expr("X")], summary: "the clean input x: a list of numbers or a one-example dataset"),
                Keyword(name: "noise", slots: [.noise], summary: "the corruption p(x̃|x)"),
                Keyword(name: "samples", slots: [.expr("N")], summary: "draws of z ~ q̃(z|x) (default 5000)"),
                Keyword(name: "enumerate", slots: [], summary: "Example 1: enumerate every x̃ (binary x, D ≤ 16) into an exact mixture"),
                Keyword(name: "seed", slots: [.expr("S")], summary: "random seed (default: the global seed)"),
            ],
            returnsValue: true,
            summary: "statistics of the marginal encoder q̃(z|x) = ∫ q(z|x̃) p(x̃|x) dx̃",
            usage: "marginal ENC at X noise KIND LEVEL [samples N] [enumerate] [seed S]",
            details: [
                "ENC is a model (its encoder), a linear-Gaussian model, or `example2`: the scalar",
                "non-linear encoder μ = tanh(2x̃), σ² = 0.1 + x̃² of the paper's Example 2.",
                "The result has .mean .variance .skewness .kurtosis (lists, one entry per latent unit),",
                ".jb_p (Jarque–Bera p-values), .mardia_skew_p, .mardia_kurt_p, .normal_p (the smallest",
                "p-value: small means \"not Gaussian\"), .count, and .components with `enumerate`.",
            ],
            example: "let q = marginal example2 at [0.3] noise gaussian 0.5 samples 20000\nprint verdict(q.normal_p < 0.01), q"),
        CommandSpec(
            name: "reconstruct", positional: ["M", "DATA"],
            keywords: [
                Keyword(name: "noise", slots: [.noise], summary: "corrupt the inputs first (shows the corrupted row too)"),
                Keyword(name: "seed", slots: [.expr("S")], summary: "random seed (default: the global seed)"),
            ],
            returnsValue: true,
            summary: "inputs, corrupted inputs and reconstructions, row by row",
            usage: "reconstruct M DATA [noise KIND LEVEL] [seed S]",
            example: "reconstruct m mnist.test[0:8] noise salt_pepper 0.1"),
        CommandSpec(
            name: "save", positional: ["M", "PATH"], keywords: [], returnsValue: false,
            summary: "write a model to a safetensors checkpoint",
            usage: "save M PATH",
            example: "save m \"mnist-dvae.safetensors\""),
        CommandSpec(
            name: "open", positional: ["PATH"], keywords: [], returnsValue: true,
            summary: "read a model from a safetensors checkpoint",
            usage: "open PATH",
            example: "let m = open \"mnist-dvae.safetensors\""),
        CommandSpec(
            name: "table", positional: ["COLUMN"], variadic: true, keywords: [], returnsValue: true,
            summary: "an empty table with the given column names; add rows with t.add(…)",
            usage: "table COLUMN…",
            details: ["`t.add(a, b, …)` appends a row (one value per column); `print t` aligns the columns."],
            example: "let t = table \"noise\" \"bound\" \"verdict\"\nt.add(0.05, b, verdict(b > b0))\nprint t"),
        CommandSpec(
            name: "seed", positional: ["N"], keywords: [], returnsValue: false,
            summary: "set the global seed used when a command has no `seed`",
            usage: "seed N",
            example: "seed 7"),
        CommandSpec(
            name: "run", positional: ["PATH"], keywords: [], returnsValue: false,
            summary: "run a notebook's dvae blocks in this session",
            usage: "run PATH",
            example: "run \"notebooks/01-tour.md\""),
        CommandSpec(
            name: "vars", positional: [], keywords: [], returnsValue: false,
            summary: "list the variables and their values",
            usage: "vars",
            example: "vars"),
    ]
}
