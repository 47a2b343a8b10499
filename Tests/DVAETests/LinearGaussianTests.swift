import XCTest
@testable import DVAE

/// Closed forms of the linear-Gaussian model, their identities, and direct Monte Carlo.
final class LinearGaussianTests: XCTestCase {
    // MARK: Dense linear algebra

    func testCholeskySolveLogDetInverse() throws {
        let s = DenseMatrix([[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]])
        let chol = try Cholesky(s)
        XCTAssertLessThan((chol.lower * chol.lower.transposed - s).maxAbs, 1e-12)
        // det by cofactor expansion.
        let det: Double = 56 - 11.2 + 0 // 4·(15 − 1) − 2·(6 − 0.4) + 0.4·(2 − 2)
        XCTAssertEqual(chol.logDeterminant, log(det), accuracy: 1e-12)
        let v = [1.0, -2, 0.5]
        let x = chol.solve(v)
        XCTAssertLessThan(zip(s * x, v).map { abs($0 - $1) }.max()!, 1e-12)
        XCTAssertLessThan((s * chol.inverse - DenseMatrix.identity(3)).maxAbs, 1e-12)
        XCTAssertEqual(chol.inverseQuadraticForm(v), ExactGaussian.dot(v, x), accuracy: 1e-12)
        XCTAssertThrowsError(try Cholesky(DenseMatrix([[1, 2], [2, 1]])))
    }

    // MARK: Closed-form identities

    private let sigmas: [Double] = [0, 0.1, 0.3, 1.0]

    func testProposition1AndMutualInformationIdentityHoldInClosedForm() {
        var worstProp1 = 0.0, worstMI = 0.0
        for (D, L) in [(5, 2), (12, 4), (40, 10)] {
            for sigma in sigmas {
                let m = LinearGaussianModel.random(D: D, L: L, seed: UInt64(D * 100 + L), sigma: sigma)
                var rng = RNG(seed: 9)
                let data = m.sampleData(count: 5, rng: &rng)
                for i in 0..<data.rows {
                    let q = m.exact(data.row(i))
                    worstProp1 = max(worstProp1, abs(q.proposition1Residual))
                    worstMI = max(worstMI, abs(q.mutualInformationResidual))
                    // Lemma 1 / Eq. 7 orderings, each checked separately.
                    XCTAssertGreaterThanOrEqual(q.klToMarginalEncoder, -1e-12)
                    XCTAssertGreaterThanOrEqual(q.cvae, q.dvae - 1e-12, "L_cvae ≥ L_dvae (joint z, x̃)")
                    XCTAssertGreaterThanOrEqual(q.logMarginal, q.cvae - 1e-12, "log p(x) ≥ L_cvae")
                    XCTAssertGreaterThanOrEqual(q.independentMiddle, q.cvae - 1e-12, "L_ind ≥ L_cvae")
                    if sigma == 0 {
                        XCTAssertEqual(q.dvae, q.elbo, accuracy: 1e-10)
                        XCTAssertEqual(q.cvae, q.elbo, accuracy: 1e-10)
                        XCTAssertEqual(q.independentMiddle, q.elbo, accuracy: 1e-10)
                        XCTAssertEqual(q.klToMarginalEncoder, 0, accuracy: 1e-10)
                    } else {
                        XCTAssertGreaterThan(q.cvae, q.dvae, "strict for σ > 0")
                    }
                }
                let avg = m.exact(data: data)
                XCTAssertEqual(avg.proposition1Residual, 0, accuracy: 1e-9)
            }
        }
        print("LinearGaussian closed form: max |Prop.1 residual| = \(worstProp1), max |MI residual| = \(worstMI)")
        XCTAssertLessThan(worstProp1, 1e-9)
        XCTAssertLessThan(worstMI, 1e-9)
    }

    /// The independent middle term can exceed log p(x): the first inequality of Lemma 1 fails
    /// when z and x̃ are drawn independently and the corruption is large.
    func testIndependentMiddleTermCanExceedLogLikelihood() {
        let m = LinearGaussianModel.random(D: 6, L: 3, seed: 4, sigma: 3, encoderPerturbation: 0)
        var rng = RNG(seed: 1)
        let q = m.exact(data: m.sampleData(count: 20, rng: &rng))
        XCTAssertGreaterThan(q.independentMiddle, q.logMarginal)
    }

    /// The KL closed forms agree with the generic Gaussian KL (σ = 0: q(z|x̃) = q(z|x), deterministic)
    /// and, for σ > 0, with an average of the generic KL over sampled x̃ is checked by Monte Carlo below.
    func testKLClosedFormsMatchGenericGaussianKL() throws {
        let m = LinearGaussianModel.random(D: 8, L: 3, seed: 2)
        var rng = RNG(seed: 5)
        let x = m.sampleData(count: 1, rng: &rng).row(0)
        let post = m.posterior(x)
        let generic = try ExactGaussian.kl(mean0: m.encoderMean(x), covariance0: m.encoderCovariance,
                                           mean1: post.mean, covariance1: post.covariance)
        XCTAssertEqual(m.expectedKLToPosterior(x), generic, accuracy: 1e-10)
        // log p(x) two ways: Cholesky of C (D×D) and the "ELBO + KL" route; also the posterior via Bayes:
        // log p(x) = log p(x, z) − log p(z|x) at any z.
        let z = [0.3, -1.0, 0.7]
        let viaBayes = m.logJoint(x: x, z: z)
            - ExactGaussian.logDensity(z, mean: post.mean, covariance: try Cholesky(post.covariance))
        XCTAssertEqual(viaBayes, m.logMarginal(x), accuracy: 1e-10)
    }

    func testOptimalEncoderIsExactForOrthogonalDecoderAndOptimalOtherwise() {
        // Orthogonal columns: WᵀW diagonal, so the mean-field encoder is the exact posterior.
        var W = DenseMatrix(rows: 4, cols: 2)
        W[0, 0] = 1; W[1, 0] = 1; W[2, 1] = 2; W[3, 1] = -1
        let exactModel = LinearGaussianModel(W: W, b: [0.1, 0, -0.2, 0.3], s2: 0.4,
                                             A: DenseMatrix(rows: 2, cols: 4), c: [0, 0], Vdiag: [1, 1],
                                             sigma: 0).withOptimalEncoder()
        let x = [0.5, -1, 2, 0.3]
        XCTAssertEqual(exactModel.expectedKLToPosterior(x), 0, accuracy: 1e-12)
        XCTAssertEqual(exactModel.elbo(x), exactModel.logMarginal(x), accuracy: 1e-10)
        // General W: every perturbation of the optimal encoder lowers the ELBO.
        let opt = LinearGaussianModel.random(D: 7, L: 3, seed: 11).withOptimalEncoder()
        var rng = RNG(seed: 3)
        let data = opt.sampleData(count: 10, rng: &rng)
        let best = opt.exact(data: data).elbo
        XCTAssertGreaterThan(opt.exact(data: data).klToPosterior, 1e-6, "mean field is not exact here")
        for trial in 0..<10 {
            var p = opt
            let i = trial % p.A.values.count
            p.A.values[i] += 0.01 * (trial.isMultiple(of: 2) ? 1 : -1)
            p.Vdiag[trial % 3] *= trial < 5 ? 1.01 : 0.99
            XCTAssertLessThan(p.exact(data: data).elbo, best)
        }
    }

    /// The DVAE-optimal (ridge) encoder maximises the population bound; the population bound agrees
    /// with an average of per-point closed forms over many x ~ p(x).
    func testDVAEOptimalEncoderMaximisesPopulationBound() {
        let m = LinearGaussianModel.random(D: 6, L: 2, seed: 13, sigma: 0.8).withDVAEOptimalEncoder()
        let best = m.populationDVAEBound()
        var rng = RNG(seed: 2)
        for trial in 0..<12 {
            var p = m
            p.A.values[trial % p.A.values.count] += trial.isMultiple(of: 2) ? 0.02 : -0.02
            if trial >= 6 { p.c[trial % 2] += 0.02 }
            XCTAssertLessThan(p.populationDVAEBound(), best)
        }
        // σ = 0: the ridge encoder is the plain optimal encoder.
        let m0 = m.withSigma(0)
        XCTAssertLessThan((m0.withDVAEOptimalEncoder().A - m0.withOptimalEncoder().A).maxAbs, 1e-10)
        // Population formula vs the average over sampled data (sampling error only).
        let data = m.sampleData(count: 20_000, rng: &rng)
        let values = (0..<data.rows).map { m.dvaeBound(data.row($0)) }
        let est = MonteCarloEstimate(samples: values)
        print("LinearGaussian population L_dvae: closed form \(best), sample average \(est)")
        XCTAssertLessThan(est.zScore(of: best), 4)
    }

    // MARK: Direct Monte Carlo

    func testDirectMonteCarloAgreesWithClosedForms() {
        var worst = 0.0
        for sigma in [0.0, 0.2, 0.7] {
            let m = LinearGaussianModel.random(D: 6, L: 3, seed: 21, sigma: sigma)
            var rng = RNG(seed: 77)
            let data = m.sampleData(count: 8, rng: &rng)
            let exact = m.exact(data: data)
            let mc = m.monteCarlo(data: data, samplesPerPoint: 4000, rng: &rng)
            let z = mc.maxZScore(against: exact)
            worst = max(worst, z)
            print(String(format: "LinearGaussian direct MC σ=%.2f: max z = %.2f; L_dvae exact %.5f MC %.5f ± %.5f; "
                         + "log p(x) exact %.5f MC %.5f ± %.5f; KL(q‖q̃) exact %.5f MC %.5f ± %.5f",
                         sigma, z, exact.dvae, mc.dvae.mean, mc.dvae.standardError,
                         exact.logMarginal, mc.logMarginal.mean, mc.logMarginal.standardError,
                         exact.klToMarginalEncoder, mc.klToMarginalEncoder.mean, mc.klToMarginalEncoder.standardError))
            XCTAssertLessThan(z, 4.5, "σ = \(sigma)")
            // Proposition 1 per sample holds exactly: MC(L_dvae) + MC(KL) on shared samples is log p(x).
            XCTAssertEqual(mc.dvae.mean + mc.klToPosterior.mean, exact.logMarginal, accuracy: 1e-9)
        }
        XCTAssertLessThan(worst, 4.5)
    }

    // MARK: Monte Carlo through the engine

    func testEngineModelReproducesTheLinearGaussianDensities() {
        let m = LinearGaussianModel.random(D: 5, L: 2, seed: 31, sigma: 0.3)
        let engine = m.makeEngineModel()
        var rng = RNG(seed: 1)
        let data = m.sampleData(count: 4, rng: &rng)
        // Encoder outputs.
        let (mu, lv) = engine.encode(data.tensor)
        for i in 0..<4 {
            let em = m.encoderMean(data.row(i))
            for j in 0..<2 {
                XCTAssertEqual(Double(mu[i, j]), em[j], accuracy: 1e-5)
                XCTAssertEqual(Double(lv[i, j]), log(m.Vdiag[j]), accuracy: 1e-6)
            }
        }
        // Decoder log-likelihood log p(x|z) at arbitrary z: log p(x, z) − log p(z).
        let z = DenseMatrix(rows: 4, cols: 2, values: [0.1, -0.4, 1.2, 0.3, -0.7, 0.9, 0, 2])
        engine.decoder.forward(z.tensor)
        let ll = engine.decoder.logLikelihood(x: data.tensor)
        for i in 0..<4 {
            let zi = z.row(i)
            let expected = m.logJoint(x: data.row(i), z: zi) + 0.5 * (2 * log(2 * Double.pi) + ExactGaussian.dot(zi, zi))
            XCTAssertEqual(ll[i], expected, accuracy: 1e-4)
        }
    }

    func testEngineMonteCarloAgreesWithClosedForms() {
        for sigma in [0.0, 0.3] {
            // Near-optimal encoder, so IWAE-k's O(1/k) bias is negligible.
            let m = LinearGaussianModel.random(D: 8, L: 3, seed: 41, sigma: sigma, encoderPerturbation: 0.05)
            var rng = RNG(seed: 5)
            let data = m.sampleData(count: 20, rng: &rng)
            let exact = m.exact(data: data)
            let est = m.engineMonteCarlo(data: data, K: 10, M: 10, replicates: 20, iwaeSamples: 2000, seed: 17)
            let zD = est.dvae.zScore(of: exact.dvae), zE = est.elbo.zScore(of: exact.elbo)
            let zP = est.logMarginal.zScore(of: exact.logMarginal)
            print(String(format: "LinearGaussian engine MC σ=%.2f: L_dvae exact %.5f engine %.5f ± %.5f (z %.2f); "
                         + "ELBO exact %.5f engine %.5f ± %.5f (z %.2f); log p(x) exact %.5f IWAE-2000 %.5f ± %.5f (z %.2f)",
                         sigma, exact.dvae, est.dvae.mean, est.dvae.standardError, zD,
                         exact.elbo, est.elbo.mean, est.elbo.standardError, zE,
                         exact.logMarginal, est.logMarginal.mean, est.logMarginal.standardError, zP))
            XCTAssertLessThan(zD, 4); XCTAssertLessThan(zE, 4); XCTAssertLessThan(zP, 4)
            // And with the direct Double Monte Carlo.
            let direct = m.monteCarlo(data: data, samplesPerPoint: 2000, rng: &rng)
            let diff = abs(direct.dvae.mean - est.dvae.mean)
            let se = (direct.dvae.standardError * direct.dvae.standardError + est.dvae.standardError * est.dvae.standardError).squareRoot()
            print(String(format: "LinearGaussian direct vs engine L_dvae σ=%.2f: %.5f vs %.5f, %.2f combined SE", sigma,
                         direct.dvae.mean, est.dvae.mean, diff / se))
            XCTAssertLessThan(diff, 4 * se)
        }
    }

    /// The engine-path sampler of q̃ for the linear encoder matches the closed-form q̃ = N(Ax + c, V + σ²AAᵀ).
    func testEngineMarginalEncoderSamplerMatchesClosedForm() {
        let m = LinearGaussianModel.random(D: 5, L: 2, seed: 3, sigma: 0.6)
        let engine = m.makeEngineModel()
        var rng = RNG(seed: 4)
        let x = m.sampleData(count: 1, rng: &rng)
        let zs = MarginalEncoderSampler.sample(x: x.tensor, encoder: engine.encoder, corruption: .gaussian(0.6),
                                               count: 20_000, rng: &rng)
        let s = MomentStatistics(samples: zs)
        let (mu, cov) = m.marginalEncoder(x.row(0))
        for a in 0..<2 {
            XCTAssertEqual(s.mean[a], mu[a], accuracy: 4 * (cov[a, a] / 20_000).squareRoot())
            for b in 0..<2 { XCTAssertEqual(s.covariance[a, b], cov[a, b], accuracy: 0.05 * (cov[a, a] * cov[b, b]).squareRoot()) }
        }
    }

    // MARK: Moments, normality, mixtures

    func testMomentStatisticsOnGaussianAndMixtureSamples() {
        var rng = RNG(seed: 8)
        var g = DenseMatrix(rows: 4000, cols: 2)
        for i in 0..<4000 {
            let a = ExactGaussian.standardNormal(&rng), b = ExactGaussian.standardNormal(&rng)
            g[i, 0] = 1 + a; g[i, 1] = 0.5 * a + b
        }
        let sg = MomentStatistics(samples: g)
        XCTAssertEqual(sg.mean[0], 1, accuracy: 0.06)
        XCTAssertEqual(sg.covariance[0, 1], 0.5, accuracy: 0.06)
        XCTAssertEqual(sg.mardiaKurtosis, 8, accuracy: 0.5)
        XCTAssertGreaterThan(sg.mardiaSkewnessPValue, 0.001)
        XCTAssertGreaterThan(sg.mardiaKurtosisPValue, 0.001)

        // Two well-separated components: clearly non-Gaussian.
        let mix = GaussianMixture(weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], logVariances: [[0, 0], [-1, 0]])
        let ms = MomentStatistics(samples: mix.sample(count: 4000, rng: &rng))
        XCTAssertLessThan(ms.mardiaKurtosisPValue, 1e-6)
        XCTAssertLessThan(ms.jarqueBeraPValue[0], 1e-6)
        XCTAssertEqual(ms.mean[0], mix.mean[0], accuracy: 0.1)
        XCTAssertEqual(ms.covariance[0, 0], mix.covariance[0, 0], accuracy: 0.2)

        // Mardia's b1 by the O(n d³) third-moment route equals the O(n² d) definition.
        let small = DenseMatrix(rows: 30, cols: 3, values: (0..<90).map { _ in pow(rng.uniformDouble(), 2) })
        let st = MomentStatistics(samples: small)
        var mean = [0.0, 0, 0]
        for i in 0..<30 { for j in 0..<3 { mean[j] += small[i, j] / 30 } }
        var cov = DenseMatrix(rows: 3, cols: 3)
        for i in 0..<30 { for a in 0..<3 { for b in 0..<3 { cov[a, b] += (small[i, a] - mean[a]) * (small[i, b] - mean[b]) / 30 } } }
        let inv = try! Cholesky(cov).inverse
        var b1 = 0.0
        for i in 0..<30 { for j in 0..<30 {
            let di = (0..<3).map { small[i, $0] - mean[$0] }, dj = (0..<3).map { small[j, $0] - mean[$0] }
            b1 += pow(ExactGaussian.dot(di, inv * dj), 3)
        } }
        XCTAssertEqual(st.mardiaSkewness, b1 / 900, accuracy: 1e-10)
    }

    func testChiSquaredSurvivalMatchesKnownValues() {
        // χ²(2): exp(−x/2) exactly.
        for x in [0.1, 1, 5, 20.0] {
            XCTAssertEqual(SpecialFunctions.chiSquaredSurvival(x, degreesOfFreedom: 2), exp(-x / 2), accuracy: 1e-12)
        }
        // χ²(1): erfc(√(x/2)).
        for x in [0.5, 3.84, 10.0] {
            XCTAssertEqual(SpecialFunctions.chiSquaredSurvival(x, degreesOfFreedom: 1), erfc((x / 2).squareRoot()), accuracy: 1e-12)
        }
        XCTAssertEqual(SpecialFunctions.chiSquaredSurvival(18.307, degreesOfFreedom: 10), 0.05, accuracy: 1e-4)
    }

    /// Example 1: bit-flip corruption of a 3-bit x with a linear encoder; the exact mixture density
    /// q̃ integrates to one and matches a histogram of sampled z.
    func testBitFlipMixtureDensityMatchesSampledMarginal() {
        let x = [1.0, 0, 1]
        let p = 0.2
        let encoder: ([Double]) -> (mu: [Double], logVar: [Double]) = { xt in
            ([2 * xt[0] - xt[1] + 0.5 * xt[2] - 1], [log(0.05 + 0.1 * xt[1])])
        }
        var weights = [Double](), mus = [[Double]](), lvs = [[Double]]()
        for pattern in 0..<8 {
            let xt = (0..<3).map { Double((pattern >> $0) & 1) }
            weights.append(zip(x, xt).reduce(1.0) { $0 * ($1.0 == $1.1 ? 1 - p : p) })
            let e = encoder(xt); mus.append(e.mu); lvs.append(e.logVar)
        }
        let mix = GaussianMixture(weights: weights, means: mus, logVariances: lvs)
        // ∫ q̃ dz = 1 (trapezoid on a fine grid).
        var integral = 0.0
        let h = 0.001
        for k in -8000...8000 { integral += exp(mix.logDensity([Double(k) * h])) * h }
        XCTAssertEqual(integral, 1, accuracy: 1e-6)
        // Sampled q̃ through the corruption closure: fraction in [0.5, 1.5] vs the exact mass.
        var rng = RNG(seed: 12)
        let zs = MarginalEncoderSampler.sample(x: x, count: 40_000, rng: &rng,
                                               corrupt: MarginalEncoderSampler.bitFlipCorruption(p: p), encoder: encoder)
        let frac = Double((0..<zs.rows).filter { zs[$0, 0] >= 0.5 && zs[$0, 0] < 1.5 }.count) / Double(zs.rows)
        var mass = 0.0
        for k in 0..<1000 { mass += exp(mix.logDensity([0.5 + (Double(k) + 0.5) * 0.001])) * 0.001 }
        let se = (mass * (1 - mass) / Double(zs.rows)).squareRoot()
        XCTAssertLessThan(abs(frac - mass), 4 * se)
    }

    /// Example 2: a linear encoder under Gaussian corruption keeps q̃ Gaussian (matches the closed form);
    /// a non-linear one does not.
    func testGaussianCorruptionLinearEncoderStaysGaussianNonlinearDoesNot() {
        let m = LinearGaussianModel.random(D: 4, L: 2, seed: 3, sigma: 0.5)
        let x = [0.2, -0.1, 0.4, 1.0]
        var rng = RNG(seed: 2)
        let lin = MarginalEncoderSampler.sample(x: x, count: 20_000, rng: &rng,
                                                corrupt: MarginalEncoderSampler.gaussianCorruption(sigma: m.sigma),
                                                encoder: { (m.encoderMean($0), m.Vdiag.map { log($0) }) })
        let s = MomentStatistics(samples: lin)
        let (mu, cov) = m.marginalEncoder(x)
        for a in 0..<2 {
            XCTAssertEqual(s.mean[a], mu[a], accuracy: 4 * (cov[a, a] / 20_000).squareRoot())
            XCTAssertEqual(s.covariance[a, a], cov[a, a], accuracy: 0.05 * cov[a, a])
        }
        XCTAssertGreaterThan(s.mardiaKurtosisPValue, 1e-3)
        let nonlin = MarginalEncoderSampler.sample(x: [0.3], count: 20_000, rng: &rng,
                                                   corrupt: MarginalEncoderSampler.gaussianCorruption(sigma: 0.5),
                                                   encoder: { xt in ([tanh(3 * xt[0])], [log(0.01 + 0.2 * xt[0] * xt[0])]) })
        let sn = MomentStatistics(samples: nonlin)
        XCTAssertLessThan(sn.jarqueBeraPValue[0], 1e-6)
    }
}
