/// A seeded generator of dvae scripts for the fuzzer: grammar-based statements (every command,
/// keyword and builtin, with sizes that are mostly tiny and sometimes hostile) and byte-level
/// mutations of seed inputs (the notebooks' blocks, the bad-input corpus, earlier outputs).
///
/// Deterministic: the same seed gives the same inputs, so a failure is reproduced from its seed
/// and input number alone.
struct ScriptGenerator {
    /// SplitMix64: tiny, seedable, good enough for choosing grammar productions.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// Uniform in 0..<n (n > 0).
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
        /// True with probability p.
        mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
        mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
    }

    var rng: Random
    /// Inputs to mutate and splice.
    var seeds: [String]
    /// Names bound so far in the script being generated (so later statements refer to them).
    private var names: [String] = []

    init(seed: UInt64, seeds: [String]) {
        rng = Random(state: seed)
        self.seeds = seeds.isEmpty ? ["print 1"] : seeds
    }

    /// The next input: a generated script, a mutated seed, or a splice of both.
    mutating func next() -> String {
        switch rng.below(10) {
        case 0...3: return script()
        case 4...7: return mutate(rng.pick(seeds))
        case 8: return mutate(script())
        default: return splice(rng.pick(seeds), script())
        }
    }

    // MARK: - Grammar

    /// The teaching commands (issue 20, item 5), which the fuzzer counts when a script using them
    /// runs to the end (so a generator that never reaches them past their first checks is noticed).
    static let teachingCommands = ["encode", "scatter", "interpolate", "parts", "plot"]

    /// A script of 1–8 statements that build on each other.
    mutating func script() -> String {
        if rng.chance(0.25) { return teachingScript() }
        names = []
        var lines: [String] = []
        // Most scripts start from data and a model so that commands get past their first checks.
        if rng.chance(0.7) { lines.append("let d = load synthetic subset \(size())"); names.append("d") }
        if rng.chance(0.6) { lines.append("let m = model vae for d.train hidden [\(size())] latent \(size())"); names.append("m") }
        if rng.chance(0.2) { lines.append("let inf = 1e308 * 10"); names.append("inf") }
        for _ in 0..<(1 + rng.below(8)) { lines.append(statement(depth: 0)) }
        return lines.joined(separator: rng.chance(0.9) ? "\n" : "; ")
    }

    /// A model on the synthetic data, sometimes trained (at the largest rate allowed, or a refused one), then
    /// 1–4 uses of the teaching commands and their values, mostly well formed so that they get
    /// past their argument checks into the engine.
    mutating func teachingScript() -> String {
        names = ["d", "m"]
        var lines = ["let d = load synthetic subset \(rng.chance(0.8) ? String(8 + rng.below(40)) : size())",
                     "let m = model vae for d.train hidden [\(1 + rng.below(6))] latent \(rng.chance(0.8) ? String(1 + rng.below(3)) : size())"]
        if rng.chance(0.4) {
            // The largest rate `train` accepts (9.9) moves the weights far, but clipping and the
            // non-finite rule keep them finite: a script cannot make nan weights, so the warnings
            // for pictures decoded from them are tested directly (NonFiniteWarningTests).
            lines.append("train m on d.train epochs \(1 + rng.below(2)) batch 4" + (rng.chance(0.4) ? " lr \(rng.pick(["9.9", "1e30", "10"]))" : "")
                         + (rng.chance(0.5) ? " nonfinite shrink" : ""))
        }
        func slice() -> String {
            rng.chance(0.85) ? "d.test[0:\(1 + rng.below(6))]" : rng.pick(["d.test[0:0]", "d.test", "d.train[0:64]", "d.test[3]", data()])
        }
        func one() -> String { rng.chance(0.85) ? "d.test[\(rng.below(5))]" : rng.pick(["d.test[0:2]", "d.test[-1]", data()]) }
        for _ in 0..<(1 + rng.below(4)) {
            switch rng.below(9) {
            case 0: lines.append("let e = encode m \(slice())" + (rng.chance(0.3) ? " noise \(noise())" : ""))
                    lines.append(rng.pick(["print e.mu", "print e.sigma, e.count, e.latent", "print len(e.mu)", "plot e.mu", "show e"]))
            case 1: lines.append("encode m \(rng.pick(["[0.5 0.25]", "d.test[0].values", list(), "[" + String(repeating: "0 ", count: 144) + "]"]))")
            case 2: lines.append("show scatter m \(rng.chance(0.8) ? "d.test" : slice())" + (rng.chance(0.3) ? " noise \(noise())" : "")
                                 + (rng.chance(0.3) ? " labels \(rng.pick(["d.test.labels", list(), "[\"a\"]"]))" : "")
                                 + (rng.chance(0.2) ? " title \(string())" : ""))
            case 3: lines.append("show interpolate m \(one()) \(one())" + (rng.chance(0.5) ? " steps \(rng.chance(0.8) ? String(2 + rng.below(10)) : size())" : ""))
            case 4: lines.append("let p = bound m on \(slice()) parts" + (rng.chance(0.4) ? " samples \(rng.chance(0.8) ? String(1 + rng.below(5)) : size())" : "")
                                 + (rng.chance(0.3) ? " noise \(noise())" : ""))
                    lines.append(rng.pick(["print p.mean_elbo, p.mean_kl, p.mean_reconstruction", "plot p.elbo", "plot [p.kl p.reconstruction] legend [\"kl\" \"rec\"]",
                                           "print p", "assert p.mean_elbo <= 0", "plot p.kl logy"]))
            case 5: lines.append("show sample m \(1 + rng.below(16))")
            case 6: lines.append("show reconstruct m \(slice())")
            case 7: lines.append("plot [1 (1e308 * 10) 3 (1e308 * 10 - 1e308 * 10) 5]" + (rng.chance(0.3) ? " logy" : ""))
            default: lines.append(statement(depth: 0))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A small size (1–8) mostly; sometimes 0, negative, fractional, huge or not a number.
    mutating func size() -> String {
        if rng.chance(0.85) { return String(1 + rng.below(8)) }
        return rng.pick(["0", "-1", "-5", "0.5", "1e12", "99999999999", "2147483648", "9223372036854775807",
                         "1e308", "-1e308", "1e-320", "nan", "\"3\"", "[2]", "true", "3.0000001", "1_000_000_000",
                         "10000", "100000", "65536", "4294967296"])
    }

    mutating func number() -> String {
        if rng.chance(0.7) { return rng.pick(["0", "1", "2", "0.1", "0.5", "3", "-1", "1e-3", "10", "0.05"]) }
        return rng.pick(["1e308", "-1e308", "1e-320", "1e12", "-0", "99999999999", "0.30000000000000004",
                         "123456789012345678901234567890", "1e999", "4.9e-324", "1.3", "1_0", "0x10",
                         "(1e308 * 10)", "(1e308 * 10 - 1e308 * 10)"])
    }

    mutating func name() -> String {
        if !names.isEmpty && rng.chance(0.75) { return rng.pick(names) }
        return rng.pick(["d", "m", "x", "r", "b", "g", "xs", "t", "mnist", "data", "undefined_name", "testing"])
    }

    mutating func data() -> String {
        rng.pick(["d.train", "d.test", "d.valid", "d.train[0:4]", "d", "d.train[0:0]", "xs", "noisy",
                  "load synthetic", "1", "\"d\"", "d.train[5:2]", "d.train[-1:3]"])
    }

    mutating func noise() -> String {
        let kind = rng.pick(["salt_pepper", "bitflip", "gaussian", "none", "blur", "gauss"])
        return kind == "none" ? "none" : "\(kind) \(rng.pick(["0", "0.1", "0.5", "1", "1.3", "2", "-0.1", "1e9", "nan"]))"
    }

    mutating func list() -> String {
        "[" + (0..<rng.below(4)).map { _ in size() }.joined(separator: " ") + "]"
    }

    mutating func string() -> String {
        rng.pick(["\"\"", "\"a\"", "\"x.amat\"", "\"X.AMAT\"", "\"m.safetensors\"", "\"out/m.safetensors\"",
                  "\"nope.dvae\"", "\"synthetic\"", "\"/dev/null\"", "\"/\"", "\".\"", "\"binarized_mnist\"",
                  "\"frey\"", "\"a\\nb\"", "\"\\\"\"", "\"cache\"", "\"fifo.amat\"", "\"dir.amat\"", "\"s.dvae\""])
    }

    mutating func expression(depth: Int) -> String {
        if depth > 3 { return rng.chance(0.5) ? number() : name() }
        switch rng.below(14) {
        case 0, 1: return number()
        case 2: return string()
        case 3: return name()
        case 4: return list()
        case 5: return "\(expression(depth: depth + 1)) \(rng.pick(["+", "-", "*", "/", "^", "%", "<", "==", ">=", "and", "or", ":"])) \(expression(depth: depth + 1))"
        case 6: return "\(rng.pick(["-", "not "]))\(expression(depth: depth + 1))"
        case 7: return "(\(expression(depth: depth + 1)))"
        case 8: return "\(name())[\(expression(depth: depth + 1))]"
        case 9:
            let member = rng.pick(["train", "test", "value", "se", "count", "D", "L", "sigma", "W", "curve", "bound", "x", "add(1)", "rows",
                                   "mu", "latent", "kl", "elbo", "reconstruction", "mean_kl", "mean_elbo", "values"])
            return "\(name()).\(member)"
        case 10:
            let f = rng.pick(["abs", "sqrt", "log", "exp", "floor", "ceil", "round", "min", "max", "sum", "mean", "std",
                              "len", "list", "append", "str", "fmt", "verdict", "nosuch"])
            return "\(f)(" + (0..<rng.below(3)).map { _ in expression(depth: depth + 1) }.joined(separator: ", ") + ")"
        case 11: return "if \(expression(depth: depth + 1)) then \(expression(depth: depth + 1)) else \(expression(depth: depth + 1))"
        case 12: return "\(size()):\(size())"
        default: return command(depth: depth + 1)
        }
    }

    /// A command call with a random selection of its keywords.
    mutating func command(depth: Int) -> String {
        switch rng.below(22) {
        case 0: return "load \(rng.pick(["synthetic", "\"synthetic\"", "mnist", "frey", string(), "builtin", "synthtic"]))"
            + (rng.chance(0.5) ? " subset \(size())" : "") + (rng.chance(0.2) ? " seed \(size())" : "")
        case 1: return "corrupt \(data()) \(noise())" + (rng.chance(0.3) ? " seed \(size())" : "")
        case 2:
            var s = "model vae"
            if rng.chance(0.7) { s += " for \(data())" } else if rng.chance(0.5) { s += " input \(size())" }
            if rng.chance(0.3) { s += " shape [\(size()) \(size())]" }
            if rng.chance(0.6) { s += " hidden \(list())" }
            if rng.chance(0.3) { s += " decoder_hidden \(list())" }
            if rng.chance(0.6) { s += " latent \(size())" }
            if rng.chance(0.3) { s += " encoder \(rng.pick(["mlp", "gru", "rnn"]))" }
            if rng.chance(0.3) { s += " decoder \(rng.pick(["bernoulli", "gaussian", "poisson"]))" }
            if rng.chance(0.3) { s += " seed \(size())" }
            return s
        case 3: return "model linear_gaussian \(size()) \(size())" + (rng.chance(0.5) ? " noise_sigma \(number())" : "")
        case 4:
            var s = "train \(name()) on \(data())"
            if rng.chance(0.5) { s += " objective \(rng.pick(["vae", "iwae", "dvae", "diwae", "elbo"]))" }
            if rng.chance(0.5) { s += " noise \(noise())" }
            for k in ["K", "M", "batch", "epochs", "lr", "clip", "seed"] where rng.chance(0.35) {
                s += " \(k) \(k == "lr" || k == "clip" ? number() : size())"
            }
            if rng.chance(0.2) { s += " validate \(data())" }
            return s
        case 5:
            var s = "bound \(name()) on \(data())"
            s += rng.pick(["", " elbo", " iwae \(size())", " logpx", " dvae", " cvae", " kl_post", " kl_marginal", " independent"])
            if rng.chance(0.3) { s += rng.pick([" exact", " samples \(size())"]) }
            if rng.chance(0.3) { s += " noise \(noise())" }
            return s
        case 6: return "sample \(name())" + (rng.chance(0.6) ? " \(size())" : "") + (rng.chance(0.3) ? " columns \(size())" : "")
        case 7: return "reconstruct \(name()) \(data())" + (rng.chance(0.4) ? " noise \(noise())" : "")
        case 8: return "marginal \(rng.pick(["m", "g", "example2", name()])) at \(rng.pick(["[0.5]", "[1 2]", "d.train[0]", list(), number()])) noise \(noise())"
            + (rng.chance(0.4) ? " samples \(size())" : "") + (rng.chance(0.2) ? " enumerate" : "")
        case 9: return "save \(name()) \(string())"
        case 10: return "open \(string())"
        case 11: return "table " + (0..<rng.below(4)).map { _ in string() }.joined(separator: " ")
        case 12: return "seed \(size())"
        case 13: return "run \(string())"
        case 14: return "vars"
        case 15:
            var s = "experiment on \(rng.pick(["d", "d.train", "x"]))"
            for k in ["epochs", "batch", "train_size", "test_size", "valid_size", "latent", "K", "M", "iwae_extra", "seed"] where rng.chance(0.3) {
                s += " \(k) \(size())"
            }
            if rng.chance(0.5) { s += " hidden \(list())" }
            if rng.chance(0.5) { s += " cache \(rng.pick(["\"\"", "\"cache\"", "\"/\"", "\"afile/x\""]))" }
            return s
        // The teaching commands (issue 20, item 5): encodings, scatters, interpolations, the
        // ELBO's parts, and charts of whatever the script has (nan and inf included).
        case 16:
            var s = "encode \(name()) \(rng.chance(0.7) ? data() : rng.pick([list(), "[0.5 0.5]", "d.train[0].values", number()]))"
            if rng.chance(0.3) { s += " noise \(noise())" }
            if rng.chance(0.2) { s += " law \(rng.pick(["textbook", "authors", "nosuch"]))" }
            if rng.chance(0.2) { s += " seed \(size())" }
            return s
        case 17:
            var s = "scatter \(name()) \(data())"
            if rng.chance(0.3) { s += " labels \(rng.pick([list(), "[\"a\" \"b\"]", "d.train.labels", string(), number()]))" }
            if rng.chance(0.3) { s += " noise \(noise())" }
            if rng.chance(0.2) { s += " title \(rng.chance(0.8) ? string() : number())" }
            return s
        case 18:
            return "interpolate \(name()) \(data()) \(data())" + (rng.chance(0.5) ? " steps \(size())" : "")
        case 19:
            var s = "bound \(name()) on \(data()) parts"
            if rng.chance(0.4) { s += " samples \(size())" }
            if rng.chance(0.3) { s += " noise \(noise())" }
            if rng.chance(0.2) { s += rng.pick([" elbo", " iwae 5", " seed \(size())", " law authors"]) }
            return s
        case 20:
            var s = "plot \(rng.pick([list(), "[1 inf 3]", "[(0 - inf) 1 (inf - inf) 2]", name(), "[\(list()) \(list())]", "r", "[r r]", "0:\(size())"]))"
            if rng.chance(0.4) { s += " against \(rng.pick([list(), "0:\(size())", name(), "[0 (inf - inf) 2]"]))" }
            for k in ["title", "xlabel", "ylabel"] where rng.chance(0.2) { s += " \(k) \(string())" }
            if rng.chance(0.2) { s += " legend \(rng.pick([list(), "[\"a\"]", "[\"a\" \"b\"]", string()]))" }
            if rng.chance(0.3) { s += " logx" }
            if rng.chance(0.3) { s += " logy" }
            return s
        default: return rng.pick(["help", "help train", "help nosuch", "help exact", "vars", "help encode", "help scatter"])
        }
    }

    mutating func statement(depth: Int) -> String {
        let indent = String(repeating: "  ", count: depth)
        switch rng.below(depth > 2 ? 6 : 10) {
        case 0, 1:
            let n = rng.pick(["x", "xs", "r", "b", "g", "t", "noisy", "m2"])
            names.append(n)
            return indent + "let \(n) = \(expression(depth: 0))"
        case 2: return indent + "print " + (0..<(1 + rng.below(3))).map { _ in expression(depth: 0) }.joined(separator: ", ")
        case 3: return indent + "show \(expression(depth: 0))"
        case 4: return indent + command(depth: 0)
        case 5: return indent + "assert \(expression(depth: 0))" + (rng.chance(0.3) ? ", \(string())" : "")
        case 6: return indent + "for i in \(rng.pick([list(), "0:\(size())", name()])) {\n\(statement(depth: depth + 1))\n\(indent)}"
        case 7: return indent + "if \(expression(depth: 0)) {\n\(statement(depth: depth + 1))\n\(indent)} else {\n\(statement(depth: depth + 1))\n\(indent)}"
        case 8:
            // Values built in a loop (issue 20): deep nesting, long appends, big lists, lists that
            // hold themselves many times over (`[acc acc]`: 2ⁿ items in n lists), then printed and compared.
            names.append("acc")
            let step = rng.pick(["[acc]", "append(acc, \(expression(depth: 0)))", "append([], acc)", "acc + [i]",
                                 "list(0:\(rng.pick(["10", "100000", "10000000", "99999999999"])))",
                                 "[acc acc]", "[acc acc acc]", "[acc [acc] 1]", "acc + acc"])
            var loop = indent + "let acc = []\n\(indent)for i in 0:\(rng.pick(["10", "60", "150", "5000", "100000"])) {\n\(indent)  set acc = \(step)\n\(indent)}"
            if rng.chance(0.5) {
                loop += "\n" + indent + rng.pick(["print acc", "print acc == acc", "print acc == [acc]", "print str(acc) + str(acc)",
                                                  "assert acc != acc", "show acc", "print len(str(acc))", "acc"])
            }
            return loop
        default: return indent + "\(name()) = \(expression(depth: 0))"
        }
    }

    // MARK: - Mutation

    /// Characters and fragments that stress the lexer and parser.
    static let fragments = ["(", ")", "[", "]", "{", "}", "\"", "\\", "\n", ";", "#", ":", ".", ",", "=", "-", "not ",
                            "≤", "≠", "é", "\u{0}", "\t", "\r\n", "1e999", "99999999999", "-1", "0", "[[[[", "]]]]",
                            "\"\"\"", "let ", "for ", "in ", "if ", "else ", "then ", "print ", "train ", " on ",
                            " epochs ", " K ", " M ", " batch ", " hidden ", " latent ", " noise ", "```", "\u{FEFF}"]

    /// 1–4 random edits: insert, delete, duplicate, swap, truncate, repeat a fragment.
    mutating func mutate(_ input: String) -> String {
        var chars = Array(input)
        for _ in 0..<(1 + rng.below(4)) {
            let at = chars.isEmpty ? 0 : rng.below(chars.count + 1)
            switch rng.below(7) {
            case 0: chars.insert(contentsOf: Array(rng.pick(Self.fragments)), at: at)
            case 1 where !chars.isEmpty:
                let end = min(chars.count, at + 1 + rng.below(8))
                if at < end { chars.removeSubrange(at..<end) }
            case 2 where !chars.isEmpty:
                let lo = min(at, chars.count - 1), hi = min(chars.count, lo + 1 + rng.below(20))
                chars.insert(contentsOf: Array(chars[lo..<hi]), at: rng.below(chars.count + 1))
            case 3 where chars.count > 1:
                chars.swapAt(rng.below(chars.count), rng.below(chars.count))
            case 4: chars = Array(chars.prefix(at))
            case 5:
                // Numbers are where sizes come from: replace one with a hostile value.
                if let i = chars.indices.filter({ chars[$0].isNumber }).randomElement(using: &rng) {
                    chars.replaceSubrange(i...i, with: Array(rng.pick(["0", "-1", "99999999999", "1e12", "1e308", "2147483648", "0.5"])))
                }
            default:
                let piece = rng.pick(Self.fragments)
                chars.insert(contentsOf: Array(String(repeating: piece, count: 1 + rng.below(40))), at: at)
            }
        }
        return String(chars)
    }

    /// The first part of `a` followed by the last part of `b`.
    mutating func splice(_ a: String, _ b: String) -> String {
        let ca = Array(a), cb = Array(b)
        return String(ca.prefix(rng.below(ca.count + 1))) + String(cb.suffix(rng.below(cb.count + 1)))
    }
}

extension ScriptGenerator.Random: RandomNumberGenerator {}
