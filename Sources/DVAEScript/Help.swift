/// `help` and `help TOPIC`: one screen each, with an example for every command.
enum Help {
    /// Statement help: usage, description, example.
    private static let statements: [(name: String, usage: String, summary: String, example: String)] = [
        ("let", "let NAME = EXPR", "bind a name (re-binding with `let` is fine)", "let p = 0.1"),
        ("set", "set NAME = EXPR", "change an existing binding (also from inside a loop)", "set best = max(best, b.value)"),
        ("print", "print EXPR, …", "print values separated by spaces", "print \"bound:\", b"),
        ("show", "show EXPR, …", "pictures for images and datasets, plots for reports and curves", "show mnist.test[0:16]"),
        ("assert", "assert COND [, MESSAGE]", "stop with an error naming both sides when COND is false",
         "assert b.value > -110, \"the bound is too low\""),
        ("for", "for NAME in LIST|RANGE { … }", "repeat a block", "for p in [0 0.05 0.1] { print p }"),
        ("if", "if COND { … } else { … }   or   if COND then A else B", "choose", "print if b > c then \"holds\" else \"fails\""),
        ("time", "time STATEMENT", "run the statement, then print its wall time", "time train m on d.train epochs 1"),
        ("exit", "exit   or   quit", "end the session (Ctrl-D too); in a script or notebook, stop there", "exit"),
        ("help", "help [TOPIC]   or   ?TOPIC", "this help; topics: commands, statements, expressions, functions, members, objectives, noise, exact, protocol, math",
         "?train"),
    ]

    /// Every topic `help` knows.
    static var topics: [String] {
        Commands.names + statements.map(\.name) + ["quit", "commands", "statements", "expressions", "functions", "exact",
                                                   "values", "protocol", "members", "math"] + kindTopics
    }

    /// The help text for `topic` (nil: the overview).
    static func text(for topic: String?, at location: SourceLocation?) throws -> String {
        guard let topic else { return overview }
        if let spec = Commands.spec(named: topic) { return command(spec) }
        if let text = kindTopic(topic) { return text }
        if let s = statements.first(where: { $0.name == topic || (topic == "quit" && $0.name == "exit") }) {
            return "\(s.usage)\n  \(s.summary)\n\nexample:\n  \(s.example)"
        }
        switch topic {
        case "commands":
            return Commands.specs.map { "  " + $0.name.padding(toLength: 12, withPad: " ", startingAt: 0) + $0.summary }
                .joined(separator: "\n")
        case "statements":
            // `padding(toLength:)` also cuts: a usage longer than the column gets its own line.
            return statements.map { s in
                s.usage.count < 34 ? "  " + s.usage.padding(toLength: 34, withPad: " ", startingAt: 0) + s.summary
                    : "  " + s.usage + "\n  " + String(repeating: " ", count: 34) + s.summary
            }.joined(separator: "\n")
        case "functions":
            return Builtins.entries.map { "  " + $0.1.usage.padding(toLength: 28, withPad: " ", startingAt: 0) + $0.1.summary }
                .joined(separator: "\n")
        case "expressions", "values": return expressions
        case "protocol": return protocolHelp
        case "members": return members
        case "exact": return exact
        case "math": return math
        default:
            throw LocatedError("no help for `\(topic)`", at: location ?? SourceLocation(line: 1, column: 1),
                               suggestion: Suggestions.didYouMean(topic, in: topics) ?? "type `help` for the list of topics")
        }
    }

    private static func command(_ spec: CommandSpec) -> String {
        var lines = spec.usage.split(separator: "\n").map(String.init)
        lines.append("  \(spec.summary)")
        lines += spec.details.map { "  " + $0 }
        if !spec.keywords.isEmpty {
            lines.append("")
            // The authors'-protocol options get one line here and their own topic (one screen each).
            let grouped = spec.keywords.filter { CommandSpec.protocolKeywordNames.contains($0.name) }
            for k in spec.keywords where !CommandSpec.protocolKeywordNames.contains(k.name) {
                let slots = k.slotText
                let head = "  " + ([k.name] + (slots.isEmpty ? [] : [slots])).joined(separator: " ")
                lines.append(head.padding(toLength: max(head.count + 2, 30), withPad: " ", startingAt: 0) + k.summary)
            }
            if !grouped.isEmpty {
                lines.append("  " + grouped.map(\.name).joined(separator: ", ") + ": protocol options (help protocol)")
            }
        }
        lines.append("")
        lines.append("example:")
        lines += spec.example.split(separator: "\n").map { "  " + $0 }
        return lines.joined(separator: "\n")
    }

    private static var overview: String {
        var lines = ["dvae — the denoising variational bound, explored. Commands:"]
        for spec in Commands.specs {
            lines.append("  " + spec.name.padding(toLength: 12, withPad: " ", startingAt: 0) + spec.summary)
        }
        lines.append("Statements: " + statements.map(\.name).joined(separator: ", ")
                     + ".  Comments start with #.")
        lines.append("More: help COMMAND (or ?COMMAND), help statements, help expressions, help functions,")
        lines.append("      help members, help objectives, help noise, help exact, help protocol, help math.")
        lines.append("example:")
        lines.append("  let data = load \"synthetic\"")
        lines.append("  let m = model vae for data.train hidden [64] latent 8")
        lines.append("  let r = train m on data.train objective dvae noise salt_pepper 0.05 epochs 5")
        lines.append("  print bound m on data.test iwae 50")
        return lines.joined(separator: "\n")
    }

    private static let expressions = """
    values: numbers (5, 0.05, 1e-3), strings ("text"), true/false, lists [1 2 3] or [1, 2, 3],
            ranges 0:16 (0 to 15), datasets, models, bounds, tables, images, reports, curves.
    operators: + - * / % ^   < <= > >= == !=   and or not   (a bound compares and computes by its value)
    members:  splits.train .valid .test   data.count .dimension .height .width .name
              b.value .se .count .kind    report.curve .epochs .final .valid   curve.train .valid .epochs
              model.latent .hidden .input .parameters .epochs   table.rows .columns
              experiment result: r.bound .extra .cached .seconds .curve .key .seed .level .config
              (help members: every member with a line each)
    indexing: xs[2]  xs[-1]  xs[1:3]  data[0:16]  data[5]  (slices are half-open; ends may be omitted)
    conditional: if COND then A else B      functions: help functions
    tables: let t = table "noise" "bound"   t.add(0.05, b)   print t
    in lists and command arguments a space separates items: [1 -2] has two items, [1 - 2] one.
    """

    private static let exact = """
    The linear-Gaussian model (p(z) = N(0, I), p(x|z) = N(Wz + b, s²I), q(z|x̃) = N(Ax̃ + c, V),
    x̃ = x + σε) has every quantity of the paper in closed form:
      let g = model linear_gaussian 4 2 noise_sigma 0.5      # random, well-conditioned, D=4, L=2
      let xs = sample g 200                                  # data drawn from p(x)
      bound g on xs logpx          # exact log p(x); also dvae, cvae, kl_post, kl_marginal, independent, elbo
      bound g on xs dvae samples 1000                        # the Monte Carlo estimate of the same
      bound g on xs cvae noise gaussian 1.0                  # with another corruption level σ
    Marginal encoder q̃(z|x) = ∫ q(z|x̃) p(x̃|x) dx̃ (Examples 1 and 2):
      let q = marginal g at xs[0] noise gaussian 0.5         # moments and normality tests of q̃
      let q2 = marginal example2 at [0.3] noise gaussian 0.5 # Example 2's non-linear encoder
      let m1 = marginal m at [1 0 1 1] noise bitflip 0.1 enumerate   # Example 1: exact 2^D mixture
      print q.normal_p, m1.components
    """

    /// `help protocol`: the options that reproduce the authors' training code, one line each.
    private static var protocolHelp: String {
        var lines = ["The authors' training protocol, option by option (train, experiment, model, bound):", ""]
        for k in CommandSpec.protocolKeywords + CommandSpec.initKeywords {
            let slots = k.slotText
            lines.append("  \(k.name) \(slots)")
            lines.append("      \(k.summary)")
        }
        lines += [
            "  experiment … protocol authors",
            "      all of the above at once (law excepted), plus clip 5 and analytic",
            "  bound M on DATA elbo analytic",
            "      the test cost of their code: the ELBO with KL(q‖p) in closed form",
            "  experiment … curve_on test",
            "      the per-epoch curve scores the clean test examples instead of the validation split",
            "",
            "example:",
            "  experiment on mnist objective dvae noise salt_pepper 0.05 law authors protocol authors epochs 50",
        ]
        return lines.joined(separator: "\n")
    }

}
