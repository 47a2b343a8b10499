import DVAE
import Foundation

/// `bound M on DATA parts`: the ELBO split into its reconstruction term and its KL term, per
/// example and on average.
///
/// For each example the encoder sees x (or one x̃ ~ p(x̃|x) with `noise`); the KL term is the
/// closed form KL(q(z|x̃) ‖ p(z)) = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²), and the reconstruction term
/// E_q log p(x|z) is the average of log p(x|z_s) over `samples` draws z_s ~ q(z|x̃) (the decoder
/// always scores the clean x). ELBO = reconstruction − KL, the analytic-KL ELBO of `bound …
/// elbo analytic` (the same expectation; its Monte Carlo draws differ).
struct BoundPartsValue: CustomStringConvertible {
    /// E_q log p(x|z) per example.
    var reconstruction: [Double]
    /// KL(q(z|x̃) ‖ p(z)) per example.
    var kl: [Double]
    /// What was scored.
    var title: String

    /// reconstruction − KL per example.
    var elbo: [Double] { zip(reconstruction, kl).map { $0 - $1 } }

    /// Mean and standard error of `xs`.
    static func summary(_ xs: [Double]) -> BoundValue {
        let n = Double(xs.count)
        let mean = xs.reduce(0, +) / max(n, 1)
        let variance = xs.count > 1 ? xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) : 0
        return BoundValue(value: mean, se: (variance / max(n, 1)).squareRoot(), count: xs.count, label: "")
    }

    /// Three lines: the mean of each part with its standard error.
    var description: String {
        func line(_ name: String, _ xs: [Double]) -> String {
            let s = Self.summary(xs)
            return "  " + name.padding(toLength: 16, withPad: " ", startingAt: 0)
                + formatFixed(s.value, 2) + " ± " + formatFixed(s.se, 2) + " nats"
        }
        return [title + " (\(kl.count) example\(kl.count == 1 ? "" : "s")):",
                line("reconstruction", reconstruction), line("− KL", kl.map { -$0 }), line("= ELBO", elbo)]
            .joined(separator: "\n")
    }
}

extension BoundPartsValue: HasMembers {
    /// `p.kl` …
    static let members: [Member<BoundPartsValue>] = [
        Member("reconstruction", "E_q log p(x|z) per example (a list)") { .list($0.reconstruction.map { .number($0) }) },
        Member("kl", "KL(q(z|x) ‖ p(z)) per example (a list)") { .list($0.kl.map { .number($0) }) },
        Member("elbo", "reconstruction − KL per example (a list)") { .list($0.elbo.map { .number($0) }) },
        Member("mean_reconstruction", "the mean reconstruction term, with its standard error (a bound)") {
            .bound(summary($0.reconstruction).labelled("reconstruction")) },
        Member("mean_kl", "the mean KL term, with its standard error (a bound)") { .bound(summary($0.kl).labelled("KL")) },
        Member("mean_elbo", "the mean ELBO, with its standard error (a bound)") { .bound(summary($0.elbo).labelled("ELBO")) },
        Member("count", "number of examples") { .number(Double($0.kl.count)) },
    ]
}

extension BoundValue {
    /// The same estimate with another label.
    func labelled(_ label: String) -> BoundValue {
        var copy = self
        copy.label = label
        return copy
    }
}

extension Interpreter {
    /// Largest number of z draws per example for `parts`.
    static let maximumPartSamples = 1000

    /// `bound M on DATA parts [samples N] [noise KIND LEVEL] [seed S]`.
    func boundParts(_ handle: ModelHandle, on data: Dataset, _ a: CommandArguments) throws -> Value {
        for other in ["iwae", "analytic"] where a.has(other) {
            throw LocatedError("`parts` splits the ELBO; it does not combine with `\(other)`", at: a.location(of: other))
        }
        let samples = try a.int("samples", default: 10, minimum: 1, maximum: Interpreter.maximumPartSamples)
        let corruption = try a.noise() ?? Corruption.none
        var rng = RNG(seed: try a.seed())
        let model = handle.model
        let n = data.count, latent = model.config.latent
        let input = corruption.isIdentity ? data.x : corruption.apply(data.x, rng: &rng)
        let (mu, logVar) = model.encode(input)
        var kl = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<latent {
                let m = Double(mu.data[i * latent + j]), lv = Double(logVar.data[i * latent + j])
                kl[i] += 0.5 * (m * m + exp(lv) - 1 - lv)
            }
        }
        // Reconstruction: `samples` passes of one z per example (rows bounded by the data size).
        var reconstruction = [Double](repeating: 0, count: n)
        var logLik = [Double](repeating: 0, count: n)
        let z = Tensor(rows: n, cols: latent)
        for _ in 0..<samples {
            if interrupt.isSet {  // Ctrl-C: stop between passes
                interrupt.reset()
                throw LocatedError("interrupted", at: a.call.location)
            }
            rng.fillStandardNormal(z)
            for k in 0..<z.count { z.data[k] = mu.data[k] + Float(exp(0.5 * Double(logVar.data[k]))) * z.data[k] }
            model.decoder.forward(z)
            logLik.withUnsafeMutableBufferPointer { model.decoder.logLikelihood(x: data.x, into: $0.baseAddress!) }
            for i in 0..<n { reconstruction[i] += logLik[i] / Double(samples) }
        }
        let title = "ELBO parts of the model (\(handle.trainingCaption)) on \(data.name)"
            + (corruption.isIdentity ? "" : ", noise \(corruption)") + ", \(samples) draw\(samples == 1 ? "" : "s") of z each"
        return .parts(BoundPartsValue(reconstruction: reconstruction, kl: kl, title: title))
    }
}
