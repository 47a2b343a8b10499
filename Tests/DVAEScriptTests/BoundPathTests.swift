import DVAE
import XCTest
@testable import DVAEScript

/// `bound … iwae K` goes through the engine's one evaluation path: the script and the engine give
/// the same number for one seed, whatever the size of the data.
final class BoundPathTests: XCTestCase {
    func testScriptAndEngineGiveTheSameBound() throws {
        let (interp, _) = makeInterpreter()
        try interp.run("""
        let d = load "synthetic" subset 300
        let m = model vae for d.train hidden [16] latent 3 seed 2
        let a = bound m on d.test iwae 700 seed 5
        let b = bound m on d.test iwae 700 seed 5 noise bitflip 0.1
        let c = bound m on d.test elbo seed 6
        """, file: "bound")
        guard case .model(let handle)? = interp.globals.lookup("m"),
              case .dataset(let test)? = interp.globals.lookup("d").flatMap({ d -> Value? in
                  if case .splits(let s) = d { return .dataset(s.test) }
                  return nil
              }) else { return XCTFail("no model or data bound") }
        func scripted(_ name: String) -> Double? {
            if case .bound(let b)? = interp.globals.lookup(name) { return b.value }
            return nil
        }
        // The ELBO's bound on float rounding (Tests/DVAETests/Float32Rounding.swift has the
        // analysis): a mean of log-weights, each a chain of float32 dot products of total length N
        // (the fan-ins plus biases of the MLP, plus the L latent terms), each within γ_N =
        // N·u/(1 − N·u), u = 2⁻²⁴, of its terms' magnitude; two orders differ by at most twice
        // that. The magnitude is |ELBO| (the pixel terms are all ≤ 0) plus the latent terms (10 each).
        let config = handle.model.config
        let chain = ([config.inputSize] + config.encoderHidden + [config.latent] + config.decoderHidden)
            .reduce(0) { $0 + $1 + 1 } + config.latent
        let nu = Double(chain) * 0x1p-24, gamma = nu / (1 - nu)
        let elboRounding = 2 * gamma * (abs(scripted("c")!) + 10 * Double(config.latent))
        for threads in [1, 2] {
            // One example per block at k = 700: the same arithmetic, to the bit, for any thread count.
            XCTAssertEqual(scripted("a"), estimateBound(handle.model, on: test, kind: .iwae(700), seed: 5, threads: threads).mean)
            XCTAssertEqual(scripted("b"), estimateBound(handle.model, on: test, kind: .iwae(700), seed: 5,
                                                         corruption: .bitFlip(0.1), threads: threads).mean)
            // The ELBO's blocks hold several examples, sized by the thread count: float rounding only.
            XCTAssertEqual(scripted("c")!, estimateBound(handle.model, on: test, kind: .elbo, seed: 6, threads: threads).mean,
                           accuracy: elboRounding)
        }
    }
}
