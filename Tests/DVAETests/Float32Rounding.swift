import Foundation
import DVAE

/// Worst-case rounding bounds for tests that compare two float32 computations of the same sums
/// added in a different order: one thread against several, one kernel level against another, a
/// streamed evaluation against a direct one. Which order a BLAS kernel or a vectorised loop uses
/// depends on the CPU (its vector width, the library's blocking for the matrix shape), so a
/// tolerance measured on one machine says nothing about the next one: on an AVX2-only Zen 2 the
/// 1-thread and 4-thread objectives differed by 1.7e-9 relative against a tolerance of 1e-9 tuned on
/// Zen 4. These bounds hold for every order, so for every machine.
///
/// The analysis (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §3.1 and §4.2):
/// with u = 2⁻²⁴ the unit roundoff of IEEE binary32 (round to nearest) and γ_n = n·u / (1 − n·u),
/// a sum of n terms computed in floating point in *any* order, or a dot product of length n (with
/// or without fused multiply-adds), satisfies |ŝ − s| ≤ γ_n · Σ|tᵢ|. Two evaluations in different
/// orders are each within that of the exact sum, so they differ by at most 2·γ_n·Σ|tᵢ|. A chain of
/// such sums (a layer's outputs feeding the next layer's dot products) is treated to first order as
/// one sum whose length is the sum of the lengths on the chain; this assumes the layers between do
/// not amplify relative errors (1-Lipschitz activations; the tests' small freshly initialised
/// networks), which is why the margin the tests observe (printed) is kept large.
enum Float32Rounding {
    /// u = 2⁻²⁴, the unit roundoff of binary32.
    static let unitRoundoff = 0x1p-24

    /// γ_n = n·u / (1 − n·u), the bound on the relative error of an n-term float32 sum.
    static func gamma(_ n: Int) -> Double {
        let nu = Double(n) * unitRoundoff
        precondition(nu < 0.5, "γ_\(n): the bound needs n·u well below 1")
        return nu / (1 - nu)
    }

    /// The largest |a − b| for two float32 evaluations, in any two orders, of a sum of `n` terms
    /// whose absolute values add up to `magnitude`: 2·γ_n·magnitude.
    static func reorderedSumBound(terms n: Int, magnitude: Double) -> Double {
        2 * gamma(n) * magnitude
    }

    /// The length of the longest chain of float32 dot products behind one sample's log-weight in a
    /// model of `config`: the fan-ins of the layers on the path, each plus one for the bias, plus
    /// the L latent terms of log p(z) − log q(z|x̃). A GRU encoder reads `height` rows, each step
    /// summing a row (`width`) and the state (`hidden`) into every gate, so its chain is
    /// height·(width + hidden + 1) before the head. The decoder's per-pixel terms are added in
    /// double precision and do not count.
    static func logWeightChainLength(_ config: ModelConfig) -> Int {
        let encoder: Int
        switch config.encoder {
        case .mlp:
            encoder = ([config.inputSize] + config.encoderHidden).reduce(0) { $0 + $1 + 1 }
        case .gru:
            let hidden = config.encoderHidden.first ?? 0
            encoder = config.height * (config.width + hidden + 1) + hidden + 1
        }
        let decoder = ([config.latent] + config.decoderHidden).reduce(0) { $0 + $1 + 1 }
        return encoder + decoder + config.latent
    }
}
