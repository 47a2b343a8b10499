import XCTest
import DVAE
import DVAENotebook
@testable import DVAEScript

/// Issue 17: the usual VAE views as commands (`bound … parts`, `encode`, `scatter`,
/// `interpolate`), a model named like a keyword, and `help`'s list of topics.
final class VAEViewsTests: XCTestCase {
    /// A small model trained a little on the synthetic shapes, then `source`.
    let setup = """
    let d = load synthetic
    let m = model vae for d.train hidden [16] latent 2 seed 1
    let r = train m on d.train epochs 1 batch 100 seed 1

    """

    func testBoundPartsSplitTheELBOExactly() throws {
        let (interp, _) = makeInterpreter()
        try interp.run(setup + """
        let p = bound m on d.test[0:50] parts samples 5 seed 2
        let worst = 0
        for i in 0:50 { set worst = max(worst, abs(p.reconstruction[i] - p.kl[i] - p.elbo[i])) }
        assert worst < 1e-9, "ELBO = reconstruction − KL"
        assert min(p.kl) >= 0, "KL ≥ 0"
        assert len(p.kl) == 50 and p.count == 50, "one value per example"
        assert abs(p.mean_elbo.value - p.mean_reconstruction.value + p.mean_kl.value) < 1e-9, "means add up"
        let a = bound m on d.test[0:50] elbo analytic seed 2
        assert abs(p.mean_elbo.value - a.value) < 4 * (p.mean_elbo.se + a.se) + 0.5, "same expectation as elbo analytic"
        let q = bound m on d.test[0:50] parts samples 5 noise salt_pepper 0.1 seed 2
        assert q.mean_kl.value != p.mean_kl.value, "with noise the encoder sees x̃"
        """, file: "parts.dvae")
        let text = output(of: setup + "print bound m on d.test[0:10] parts seed 1")
        XCTAssertTrue(text.contains("reconstruction"), text)
        XCTAssertTrue(text.contains("− KL"), text)
        XCTAssertTrue(text.contains("= ELBO"), text)
        XCTAssertThrowsError(try makeInterpreter().0.run(setup + "bound m on d.test parts iwae 5", file: "x.dvae")) { e in
            XCTAssertTrue("\(e)".contains("`parts` splits the ELBO"), "\(e)")
        }
    }

    /// One example and a batch of five go through different BLAS kernels (OpenBLAS picks its
    /// sgemm path and blocking by shape and CPU: on a Zen 1 the two μ differ in the last bits),
    /// so they agree to float32 rounding, not bit for bit. Each μ is two float32 dot products
    /// (144 pixels, then 16 hidden units), each off by at most γₙ·Σ|wᵢxᵢ| with γₙ ≈ n·2⁻²⁴
    /// (Higham, Accuracy and Stability, §3.1): with Σ|wᵢxᵢ| of a few units that is ~1e-4 in
    /// the worst case, so 1e-3 cannot fail by rounding and still catches a wrong row (~0.1).
    func testEncodeGivesMuAndSigmaAsValues() throws {
        let (interp, _) = makeInterpreter()
        try interp.run(setup + """
        let e = encode m d.test[0]
        assert len(e.mu) == 2 and len(e.sigma) == 2, "one example: a list of L numbers"
        assert e.sigma[0] > 0 and e.sigma[1] > 0, "σ > 0"
        let many = encode m d.test[0:5]
        assert many.count == 5 and len(many.mu) == 5 and len(many.mu[0]) == 2, "a list per example"
        assert abs(many.mu[0][1] - e.mu[1]) < 1e-3, "the same encoder, the same answer to float32 rounding"
        let small = model vae input 3 hidden [4] latent 1 seed 2
        let listed = encode small [1 0 1]
        assert len(listed.mu) == 1, "one example given as numbers"
        let noisy = encode m d.test[0] noise salt_pepper 0.5 seed 3
        assert noisy.latent == 2, "latent size"
        """, file: "encode.dvae")
    }

    func testScatterColoursPointsByLabelAndProjectsWideLatents() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run(setup + """
        show scatter m d.test[0:60]
        let w = model vae for d.train hidden [16] latent 5 seed 1
        show scatter w d.test[0:60]
        show scatter m d.test[0:4] labels [1 1 2 2]
        """, file: "scatter.dvae")
        let plots = sink.items.compactMap { if case .plot(let p) = $0 { return p } else { return nil } }
        XCTAssertEqual(plots.count, 3)
        XCTAssertGreaterThan(plots[0].series.count, 1, "one series per shape family")
        XCTAssertTrue(plots[0].series.allSatisfy(\.pointsOnly))
        XCTAssertEqual(plots[0].series.reduce(0) { $0 + $1.x.count }, 60)
        XCTAssertTrue(Set(plots[0].series.map(\.name)).isSubset(of: Set(DataLoader.syntheticFamilies)))
        XCTAssertEqual(plots[0].xLabel, "z₁ = μ₁(x)")
        XCTAssertTrue(plots[1].xLabel.hasPrefix("PC1 of μ(x): "), plots[1].xLabel)
        XCTAssertTrue(plots[1].title.contains("PCA"), plots[1].title)
        XCTAssertEqual(plots[2].series.map(\.name), ["1", "2"])
        XCTAssertThrowsError(try makeInterpreter().0.run(setup + "scatter m d.test[0:4] labels [1 2]", file: "x.dvae")) { e in
            XCTAssertTrue("\(e)".contains("`labels` needs a list of 4 labels"), "\(e)")
        }
    }

    func testPrincipalComponentsFindTheLongAxis() {
        // Points along (1, 1, 0) with a little spread along (1, −1, 0).
        var points: [[Double]] = []
        for t in -10...10 {
            for u in [-1.0, 1.0] { points.append([Double(t) + 0.1 * u, Double(t) - 0.1 * u, 0]) }
        }
        let pca = PrincipalComponents(points)
        XCTAssertEqual(abs(pca.directions[0][0]), 0.5.squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(abs(pca.directions[0][1]), 0.5.squareRoot(), accuracy: 1e-6)
        XCTAssertGreaterThan(pca.shares[0], 0.99)
        XCTAssertEqual(abs(pca.directions[1][0]), 0.5.squareRoot(), accuracy: 1e-3)
    }

    func testInterpolateIsARowOfPictures() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run(setup + "show interpolate m d.test[0] d.test[1] steps 6", file: "interp.dvae")
        let grids = sink.items.compactMap { if case .image(let g) = $0 { return g } else { return nil } }
        XCTAssertEqual(grids.count, 1)
        XCTAssertEqual(grids[0].images.count, 8, "the two inputs and six decoded points")
        XCTAssertEqual(grids[0].columns, 8, "one row")
        XCTAssertThrowsError(try makeInterpreter().0.run(setup + "interpolate m d.test[0:2] d.test[1]", file: "x.dvae")) { e in
            XCTAssertTrue("\(e)".contains("one example at each end"), "\(e)")
        }
    }

    /// A model named like a keyword works where the keyword could be read instead.
    func testModelNamedLikeAKeywordWorksEverywhere() throws {
        for name in ["dvae", "elbo", "cvae", "logpx", "iwae", "analytic", "parts"] {
            let (interp, _) = makeInterpreter()
            try interp.run("""
            let d = load synthetic
            let \(name) = model vae for d.train hidden [8] latent 2 seed 1
            let r = train \(name) on d.train epochs 1 batch 200 seed 1
            let b = bound \(name) on d.test[0:20] elbo
            let i = bound \(name) on d.test[0:20] iwae 3
            show sample \(name) 4
            show reconstruct \(name) d.test[0:2]
            """, file: "\(name).dvae")
        }
        // Across separate inputs (REPL lines), too.
        let (interp, _) = makeInterpreter()
        try interp.run("let d = load synthetic", file: "<repl>")
        try interp.run("let dvae = model vae for d.train hidden [8] latent 2 seed 1", file: "<repl>")
        try interp.run("let b = bound dvae on d.test[0:10] elbo", file: "<repl>")
    }

    func testHelpMoreLineNamesEveryTopicGroup() throws {
        let text = try Help.text(for: nil, at: nil)
        for topic in ["members", "protocol", "math", "exact", "objectives", "noise", "statements", "functions"] {
            XCTAssertTrue(text.contains("help \(topic)"), "`help`'s More: line omits \(topic):\n\(text)")
        }
        XCTAssertTrue(try Help.text(for: "math", at: nil).contains("$…$ inline"))
        for command in ["encode", "scatter", "interpolate"] {
            XCTAssertTrue(text.contains(command), "\(command) is in the command list")
            XCTAssertNoThrow(try Help.text(for: command, at: nil))
        }
    }
}
