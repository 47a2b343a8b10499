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
        for threads in [1, 2] {
            // One example per block at k = 700: the same arithmetic, to the bit, for any thread count.
            XCTAssertEqual(scripted("a"), estimateBound(handle.model, on: test, kind: .iwae(700), seed: 5, threads: threads).mean)
            XCTAssertEqual(scripted("b"), estimateBound(handle.model, on: test, kind: .iwae(700), seed: 5,
                                                         corruption: .bitFlip(0.1), threads: threads).mean)
            // The ELBO's blocks hold several examples, sized by the thread count: float rounding only.
            XCTAssertEqual(scripted("c")!, estimateBound(handle.model, on: test, kind: .elbo, seed: 6, threads: threads).mean,
                           accuracy: 1e-4)
        }
    }
}
