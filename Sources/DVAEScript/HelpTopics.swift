import DVAE

/// `help objectives`, `help noise`, and one topic per objective (`help dvae`) and per noise kind
/// (`help salt_pepper`), written from the engine's `ObjectiveKind` and `NoiseKind`, so a new kind
/// has help as soon as it exists.
extension Help {
    /// The topics this file answers.
    static var kindTopics: [String] { ["objectives", "noise"] + ObjectiveKind.names + NoiseKind.names }

    /// The help text for `topic`, if it is an objective, a noise kind or one of their overviews.
    static func kindTopic(_ topic: String) -> String? {
        if topic == "objectives" || topic == "objective" { return objectives }
        if topic == "noise" || topic == "noises" { return noise }
        if let kind = ObjectiveKind(rawValue: topic) { return objective(kind) }
        if let kind = NoiseKind(name: topic) { return noiseKind(kind) }
        return nil
    }

    /// The formula of each objective (DESIGN.md; K latent samples, M corruptions per example).
    static func formula(_ kind: ObjectiveKind) -> String {
        switch kind {
        case .vae: return "L_vae,K  = 1/K Σ_k log p(x, z_k)/q(z_k|x),               z_k ~ q(z|x)"
        case .iwae: return "L_iwae,K = log 1/K Σ_k p(x, z_k)/q(z_k|x),              z_k ~ q(z|x)"
        case .dvae: return "L_dvae   = 1/(MK) Σ_m Σ_k log p(x, z_km)/q(z_km|x̃_m),  x̃_m ~ p(x̃|x), z_km ~ q(z|x̃_m)  (Eq. 4)"
        case .diwae: return "L_diwae  = 1/M Σ_m log 1/K Σ_k p(x, z_km)/q(z_km|x̃_m), x̃_m ~ p(x̃|x), z_km ~ q(z|x̃_m)"
        }
    }

    /// What each objective is for, in a sentence or two.
    static func meaning(_ kind: ObjectiveKind) -> [String] {
        switch kind {
        case .vae:
            return ["The evidence lower bound (ELBO) of a variational auto-encoder, averaged over K samples.",
                    "It ignores `noise` and `M`."]
        case .iwae:
            return ["The importance-weighted bound: tighter than the ELBO as K grows (IWAE-1 is the ELBO).",
                    "It ignores `noise` and `M`."]
        case .dvae:
            return ["The denoising variational bound of Im et al.: the encoder sees a corrupted x̃, the decoder",
                    "still explains the clean x. It needs `noise KIND LEVEL`; with level 0 it is the ELBO.",
                    "Proposition 1: log p(x) = L_dvae + E_p(x̃|x) KL(q(z|x̃) ‖ p(z|x)), so L_dvae ≤ log p(x).",
                    "Against the marginal encoder q̃(z|x) = ∫ q(z|x̃) p(x̃|x) dx̃ (Eq. 5):",
                    "L_cvae − L_dvae = E_p(x̃|x) KL(q(z|x̃) ‖ q̃(z|x)) ≥ 0 — the reverse of the poster's Eq. 7",
                    "(notebook 04 derives and measures it; `help exact` computes both in closed form)."]
        case .diwae:
            return ["The importance-weighted denoising bound: IWAE's log-mean over K samples, inside DVAE's",
                    "average over M corruptions. It needs `noise KIND LEVEL`."]
        }
    }

    private static var objectives: String {
        var lines = ["Objectives — `train M on DATA objective NAME`, `experiment … objective NAME`. Each is a lower",
                     "bound of log p(x) in nats per example (higher is better); K samples per input, M corruptions:"]
        for kind in ObjectiveKind.allCases {
            lines.append("  " + kind.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0) + formula(kind))
        }
        lines += ["The decoder always scores the clean x; only the encoder sees the corruption x̃ (help noise).",
                  "Without `objective`, training uses vae, or dvae when a noise is given.",
                  "More: help vae, help iwae, help dvae, help diwae.",
                  "",
                  "example:",
                  "  train m on d.train objective diwae noise salt_pepper 0.05 K 5 M 1 epochs 10"]
        return lines.joined(separator: "\n")
    }

    private static func objective(_ kind: ObjectiveKind) -> String {
        var lines = ["objective \(kind.rawValue)", "  " + formula(kind)]
        lines += meaning(kind).map { "  " + $0 }
        let noise = kind.usesCorruption ? " noise salt_pepper 0.05" : ""
        lines += ["", "example:", "  train m on d.train objective \(kind.rawValue)\(noise) K \(kind.isImportanceWeighted ? 5 : 1) epochs 10",
                  "  bound m on d.test \(kind.isImportanceWeighted ? "iwae 5" : "elbo")\(noise)     # the same bound, measured"]
        return lines.joined(separator: "\n")
    }

    private static var noise: String {
        var lines = ["Noise kinds p(x̃|x) — `noise KIND LEVEL` (train, bound, reconstruct, marginal, experiment)",
                     "and `corrupt DATA KIND LEVEL`:"]
        for kind in NoiseKind.scriptKinds {
            let head = kind.takesLevel ? "\(kind.name) \(kind.levelPlaceholder)" : kind.name
            lines.append("  " + head.padding(toLength: max(head.count + 2, 16), withPad: " ", startingAt: 0) + kind.summary)
        }
        lines += ["P must be a probability in [0, 1]; SIGMA a standard deviation ≥ 0 (x̃ = x + σε, not clipped).",
                  "salt_pepper has two laws: `law textbook` (the default: 0 or 1 with equal chance) and",
                  "`law authors` (the authors' code: the replacement is 1 with probability P) — help protocol.",
                  "Only the encoder sees x̃; the decoder scores the clean x.",
                  "",
                  "example:",
                  "  let noisy = corrupt d.test bitflip 0.1",
                  "  train m on d.train noise gaussian 0.05 epochs 5"]
        return lines.joined(separator: "\n")
    }

    private static func noiseKind(_ kind: NoiseKind) -> String {
        let head = "noise " + kind.scriptSpelling(level: kind.levelPlaceholder)
        var lines = [head, "  " + kind.summary]
        if kind.takesLevel { lines.append("  the level must be \(kind.levelRequirement)") }
        if !kind.aliases.isEmpty { lines.append("  also written: " + kind.aliases.joined(separator: ", ")) }
        if kind == .gaussian { lines.append("  (`decoder gaussian` is the Gaussian likelihood p(x|z), a different thing: help model)") }
        let level = kind.levelIsProbability ? "0.1" : "0.05"
        lines += ["", "example:",
                  kind.takesLevel ? "  show corrupt d.test[0:16] \(kind.scriptSpelling(level: level))" : "  bound m on d.test elbo noise none",
                  kind.takesLevel ? "  train m on d.train noise \(kind.scriptSpelling(level: level)) epochs 5" : "  help noise"]
        return lines.joined(separator: "\n")
    }
}
