/// The linear-Gaussian model: every quantity of the paper in closed form.
///
/// # The model
///
/// - prior            p(z)     = N(0, I_L)
/// - decoder          p(x|z)   = N(W z + b, s² I_D)              W is D×L, b ∈ R^D, s² > 0
/// - encoder          q(z|x̃)  = N(A x̃ + c, V)                   A is L×D, c ∈ R^L, V = diag(Vdiag) > 0
/// - corruption       p(x̃|x)  = N(x, σ² I_D),  i.e. x̃ = x + σ ε
///
/// # The facts every derivation below uses
///
/// (F1) For z ~ N(m, S) and any fixed vector u and matrix M:
///      E |u − M z|² = |u − M m|² + tr(M S Mᵀ).
///      (Write z = m + e with E e = 0, E e eᵀ = S; the cross term vanishes.)
///
/// (F2) If m itself is random, m ~ N(μ, S_m), and z | m ~ N(m, S), then marginally
///      z ~ N(μ, S + S_m) (sum of independent Gaussians).
///
/// (F3) −E_{z~N(m,S)} log N(z; m, S) = ½ log det(2π e S)   (the Gaussian entropy; it does not depend on m).
///
/// (F4) KL(N(m0,S0) ‖ N(m1,S1)) = ½[tr(S1⁻¹S0) + (m1−m0)ᵀS1⁻¹(m1−m0) − L + log det S1 − log det S0].
///
/// # The expected complete-data log-likelihood Q
///
/// log p(x, z) = log p(z) + log p(x|z)
///             = −½[L log 2π + |z|²] − ½[D log(2π s²) + |x − b − W z|² / s²].
/// With r = x − b and z ~ N(m, S), (F1) with (u, M) = (0, I) and (r, W) gives
///
///     Q(m, S) := E log p(x, z)
///              = −½[L log 2π + |m|² + tr S] − ½[D log(2π s²) + (|r − W m|² + tr(Wᵀ W S)) / s²].
///
/// # The marginal encoder q̃
///
/// The encoder mean is m(x̃) = A x̃ + c = μ + σ A ε with μ = A x + c, so m(x̃) ~ N(μ, σ² A Aᵀ), and by
/// (F2) q̃(z|x) = ∫ q(z|x̃) p(x̃|x) dx̃ = N(μ, Σ̃) with Σ̃ = V + σ² A Aᵀ.
/// Consequently, when x̃ and then z ~ q(z|x̃) are drawn jointly, z is distributed as q̃.
///
/// # The bounds (per data point x)
///
/// L_dvae = E_{x̃} E_{z~q(z|x̃)} [log p(x,z) − log q(z|x̃)]                                   (Eq. 4)
///        = E_{z~q̃} log p(x,z) + E_{x̃} H[q(·|x̃)]          (jointly drawn z has law q̃; (F3))
///        = Q(μ, Σ̃) + ½ log det(2π e V).
///
/// L_cvae = E_{z~q̃}[log p(x,z) − log q̃(z|x)] = Q(μ, Σ̃) + ½ log det(2π e Σ̃).                 (Eq. 5)
///
/// So L_cvae − L_dvae = ½[log det Σ̃ − log det V] = ½ log det(I + σ² V^{-1/2} A Aᵀ V^{-1/2}) ≥ 0.
///
/// Independent middle term of Lemma 1, z ~ q̃ drawn independently of x̃:
/// L_ind = E_{x̃} E_{z~q̃}[log p(x,z) − log q(z|x̃)]
///       = Q(μ, Σ̃) + ½ log det(2π V) + ½ E (z − m(x̃))ᵀ V⁻¹ (z − m(x̃)).
/// Here z − m(x̃) ~ N(0, Σ̃ + σ² A Aᵀ) (independent, both centred at μ), so the last expectation is
/// tr(V⁻¹(V + 2σ² A Aᵀ)) = L + 2σ² tr(V⁻¹ A Aᵀ), and L_ind = L_dvae + σ² tr(V⁻¹ A Aᵀ).
/// With λ_i the eigenvalues of σ² V^{-1/2} A Aᵀ V^{-1/2}: L_ind − L_cvae = Σ_i [λ_i − ½ log(1 + λ_i)] ≥ 0,
/// so L_ind ≥ L_cvae ≥ L_dvae, and L_ind ≤ log p(x) may fail.
///
/// # Exact likelihood and posterior
///
/// x = W z + b + s η, so p(x) = N(b, C) with C = W Wᵀ + s² I_D.
/// Completing the square in log p(z) + log p(x|z) gives p(z|x) = N(m_post, S_post) with precision
/// P = S_post⁻¹ = I_L + Wᵀ W / s² and mean m_post = S_post Wᵀ (x − b) / s².
///
/// # The divergences
///
/// E_{x̃} KL(q(z|x̃) ‖ p(z|x)), by (F4) with the random mean m(x̃) ~ N(μ, σ²AAᵀ) and (F1):
///     ½[tr(P V) + (μ − m_post)ᵀ P (μ − m_post) + σ² tr(P A Aᵀ) − L − log det P − log det V].
/// E_{x̃} KL(q(z|x̃) ‖ q̃(z|x)) likewise:
///     ½[tr(Σ̃⁻¹ V) + σ² tr(Σ̃⁻¹ A Aᵀ) − L + log det Σ̃ − log det V] = ½[log det Σ̃ − log det V]
/// (the two traces add up to tr(Σ̃⁻¹ Σ̃) = L). This is I(z; x̃ | x) = L_cvae − L_dvae.
/// The code computes each quantity from its own formula (not from the identities), so the tests of
/// Proposition 1 (log p(x) = L_dvae + E KL(q‖p(z|x))) and of L_cvae − L_dvae = E KL(q‖q̃) are real checks.
///
/// When σ = 0 we have Σ̃ = V and L_dvae = L_cvae = L_ind = the plain ELBO Q(μ, V) + ½ log det(2πeV).

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A linear-Gaussian generative model with a linear-Gaussian encoder and Gaussian corruption,
/// with every bound of the paper in closed form and by Monte Carlo. See the file header for the
/// derivations.
public struct LinearGaussianModel: Sendable {
    /// Decoder weight, D × L.
    public var W: DenseMatrix
    /// Decoder bias, length D.
    public var b: [Double]
    /// Decoder noise variance s² (> 0).
    public var s2: Double
    /// Encoder weight, L × D.
    public var A: DenseMatrix
    /// Encoder bias, length L.
    public var c: [Double]
    /// Diagonal of the encoder covariance V (all > 0), length L.
    public var Vdiag: [Double]
    /// Gaussian corruption level σ ≥ 0 (x̃ = x + σ ε).
    public var sigma: Double

    /// Data dimension D.
    public var D: Int { W.rows }
    /// Latent dimension L.
    public var L: Int { W.cols }

    /// A model with explicit parameters (shapes are checked).
    public init(W: DenseMatrix, b: [Double], s2: Double, A: DenseMatrix, c: [Double], Vdiag: [Double], sigma: Double) {
        precondition(b.count == W.rows, "b must have D = \(W.rows) entries")
        precondition(A.rows == W.cols && A.cols == W.rows, "A must be L×D = \(W.cols)×\(W.rows)")
        precondition(c.count == W.cols && Vdiag.count == W.cols, "c and Vdiag must have L = \(W.cols) entries")
        precondition(s2 > 0 && Vdiag.allSatisfy { $0 > 0 } && sigma >= 0, "variances must be positive, sigma ≥ 0")
        self.W = W; self.b = b; self.s2 = s2; self.A = A; self.c = c; self.Vdiag = Vdiag; self.sigma = sigma
    }

    /// A random, well-conditioned model.
    ///
    /// W_ij ~ N(0, 1/L) (each coordinate of Wz has unit variance), b_i ~ N(0, 0.25), s² = 0.5, so
    /// C = WWᵀ + s²I has eigenvalues in [0.5, ~1 + D/L]. The encoder is the σ = 0 optimal one
    /// (`withOptimalEncoder()`) perturbed so that it is *not* optimal: A and c get relative Gaussian
    /// noise of size `encoderPerturbation`, and each V_ii is multiplied by exp(u), u ~ U(−p, p).
    public static func random(D: Int, L: Int, seed: UInt64, sigma: Double = 0,
                              encoderPerturbation: Double = 0.3) -> LinearGaussianModel {
        var rng = RNG(seed: seed)
        var W = DenseMatrix(rows: D, cols: L)
        for i in 0..<W.values.count { W.values[i] = ExactGaussian.standardNormal(&rng) / Double(L).squareRoot() }
        let b = (0..<D).map { _ in 0.5 * ExactGaussian.standardNormal(&rng) }
        let placeholder = LinearGaussianModel(W: W, b: b, s2: 0.5, A: DenseMatrix(rows: L, cols: D),
                                              c: Array(repeating: 0, count: L),
                                              Vdiag: Array(repeating: 1, count: L), sigma: sigma)
        var m = placeholder.withOptimalEncoder()
        let p = encoderPerturbation
        let aScale = m.A.maxAbs
        for i in 0..<m.A.values.count { m.A.values[i] += p * aScale * ExactGaussian.standardNormal(&rng) }
        for i in 0..<L {
            m.c[i] += p * ExactGaussian.standardNormal(&rng)
            m.Vdiag[i] *= exp(p * (2 * rng.uniformDouble() - 1))
        }
        return m
    }

    /// The same model with the encoder that is optimal for σ = 0 among encoders N(A x + c, diag V).
    ///
    /// "Optimal" means: it maximises the plain ELBO for *every* x simultaneously, equivalently it
    /// minimises KL(q(z|x) ‖ p(z|x)) for every x. Proof: the true posterior is N(m_post, S_post)
    /// with m_post = S_post Wᵀ (x − b)/s² — linear in x — so A* = S_post Wᵀ / s², c* = −A* b makes the
    /// mean term of the KL vanish for every x. The remaining KL term ½[tr(P V) − log det V] + const,
    /// P = S_post⁻¹, is minimised over diagonal V at V_ii = 1 / P_ii (set ∂/∂V_ii = ½(P_ii − 1/V_ii) to 0):
    /// the mean-field variance, which is *smaller* than the true marginal variance (S_post)_ii unless P is
    /// diagonal. When WᵀW is diagonal (orthogonal columns of W) P is diagonal and q = p(z|x) exactly.
    /// The corruption level σ is kept (the encoder is optimal for σ = 0, not for the DVAE objective at σ).
    public func withOptimalEncoder() -> LinearGaussianModel {
        let P = posteriorPrecision
        let Spost = (try! Cholesky(P)).inverse
        let Astar = (1 / s2) * (Spost * W.transposed)
        let cstar = (Astar * b).map { -$0 }
        return LinearGaussianModel(W: W, b: b, s2: s2, A: Astar, c: cstar,
                                   Vdiag: P.diagonalValues.map { 1 / $0 }, sigma: sigma)
    }

    /// The same model with the linear encoder that maximises the *population* DVAE bound
    /// E_{x~p(x)} L_dvae(x) at this model's σ, when the data come from the model itself.
    ///
    /// Derivation: L_dvae(x) = log p(x) − E_{x̃} KL(q(z|x̃) ‖ p(z|x)) (Proposition 1), so we minimise the
    /// expected KL (formula at `expectedKLToPosterior`). Its V-part tr(PV) − log det V gives V_ii = 1/P_ii
    /// as for σ = 0. Write m_post = K (x − b) with K = S_post Wᵀ / s², u = x − b ~ N(0, C). The (A, c)-part is
    ///     E_u [((A − K) u + A b + c)ᵀ P (…)] + σ² tr(P A Aᵀ) = tr(P (A − K) C (A − K)ᵀ) + |A b + c|²_P + σ² tr(P A Aᵀ),
    /// minimised by c = −A b and, setting the derivative 2P[(A − K) C + σ² A] to zero,
    ///     A = K C (C + σ² I)⁻¹
    /// — ridge regression: the corruption shrinks the encoder towards zero. At σ = 0 this is
    /// `withOptimalEncoder()`.
    public func withDVAEOptimalEncoder() -> LinearGaussianModel {
        let opt = withOptimalEncoder()
        let C = marginalCovariance
        let ridge = try! Cholesky((C + (sigma * sigma) * DenseMatrix.identity(D)).symmetrized)
        // A = K C (C + σ²I)⁻¹  ⇔  Aᵀ = (C + σ²I)⁻¹ C Kᵀ  (both C and C + σ²I are symmetric).
        let At = ridge.solve(C * opt.A.transposed)
        var m = opt
        m.A = At.transposed
        m.c = (m.A * b).map { -$0 }
        return m
    }

    /// E_{x~p(x)} L_dvae(x) when the data come from the model itself, in closed form:
    /// E log p(x) − E KL, with E_x log p(x) = −½[D log 2π + log det C + D] and
    /// E_x E_x̃ KL = ½[tr(PV) + tr(P (A − K) C (A − K)ᵀ) + |A b + c|²_P + σ² tr(P A Aᵀ) − L − log det P − log det V]
    /// (see `withDVAEOptimalEncoder` for K and the derivation).
    public func populationDVAEBound() -> Double {
        let C = marginalCovariance
        let P = posteriorPrecision
        let K = withOptimalEncoder().A
        let AK = A - K
        let offset = zip(A * b, c).map { $0 + $1 }
        let expectedLogP = -0.5 * (Double(D) * log(2 * Double.pi) + (try! Cholesky(C)).logDeterminant + Double(D))
        let kl = 0.5 * ((P * encoderCovariance).trace + (P * (AK * C * AK.transposed)).trace
                        + ExactGaussian.dot(offset, P * offset) + (P * corruptionInducedCovariance).trace
                        - Double(L) - (try! Cholesky(P)).logDeterminant - logDetV)
        return expectedLogP - kl
    }

    /// The same model with corruption level `sigma`.
    public func withSigma(_ sigma: Double) -> LinearGaussianModel {
        var m = self; m.sigma = sigma; return m
    }

    // MARK: Generative side

    /// C = W Wᵀ + s² I_D, the covariance of p(x) = N(b, C).
    public var marginalCovariance: DenseMatrix { W * W.transposed + s2 * DenseMatrix.identity(D) }

    /// P = I_L + Wᵀ W / s², the posterior precision (the same for every x).
    public var posteriorPrecision: DenseMatrix { (DenseMatrix.identity(L) + (1 / s2) * (W.transposed * W)).symmetrized }

    /// The exact posterior p(z|x) = N(m_post, S_post), S_post = P⁻¹, m_post = S_post Wᵀ (x − b) / s².
    public func posterior(_ x: [Double]) -> (mean: [Double], covariance: DenseMatrix) {
        let chol = try! Cholesky(posteriorPrecision)
        let r = zip(x, b).map { ($0 - $1) / s2 }
        return (chol.solve(W.transposed * r), chol.inverse)
    }

    /// log p(x) = log N(x; b, W Wᵀ + s² I).
    public func logMarginal(_ x: [Double]) -> Double {
        ExactGaussian.logDensity(x, mean: b, covariance: try! Cholesky(marginalCovariance))
    }

    /// log p(x, z) = log N(z; 0, I) + log N(x; W z + b, s² I).
    public func logJoint(x: [Double], z: [Double]) -> Double {
        let logPrior = -0.5 * (Double(L) * log(2 * Double.pi) + ExactGaussian.dot(z, z))
        let mean = zip(W * z, b).map { $0 + $1 }
        var sq = 0.0
        for i in 0..<D { let d = x[i] - mean[i]; sq += d * d }
        return logPrior - 0.5 * (Double(D) * log(2 * Double.pi * s2) + sq / s2)
    }

    /// Q(m, S) = E_{z~N(m,S)} log p(x, z) (see the file header).
    public func expectedLogJoint(x: [Double], mean m: [Double], covariance S: DenseMatrix) -> Double {
        let Wm = W * m
        var resid = 0.0
        for i in 0..<D { let d = x[i] - b[i] - Wm[i]; resid += d * d }
        let prior = -0.5 * (Double(L) * log(2 * Double.pi) + ExactGaussian.dot(m, m) + S.trace)
        let lik = -0.5 * (Double(D) * log(2 * Double.pi * s2) + (resid + ((W.transposed * W) * S).trace) / s2)
        return prior + lik
    }

    // MARK: Encoder side

    /// The encoder mean A x̃ + c.
    public func encoderMean(_ xTilde: [Double]) -> [Double] { zip(A * xTilde, c).map { $0 + $1 } }

    /// V = diag(Vdiag).
    public var encoderCovariance: DenseMatrix { DenseMatrix.diagonal(Vdiag) }

    /// σ² A Aᵀ, the covariance of the encoder mean under the corruption.
    public var corruptionInducedCovariance: DenseMatrix { (sigma * sigma) * (A * A.transposed) }

    /// The marginal encoder q̃(z|x) = N(A x + c, V + σ² A Aᵀ).
    public func marginalEncoder(_ x: [Double]) -> (mean: [Double], covariance: DenseMatrix) {
        (encoderMean(x), (encoderCovariance + corruptionInducedCovariance).symmetrized)
    }

    private var logDetV: Double { Vdiag.reduce(0) { $0 + log($1) } }

    // MARK: Closed forms

    /// L_dvae = Q(μ, Σ̃) + ½ log det(2π e V)   (Eq. 4, z drawn jointly with its own x̃).
    public func dvaeBound(_ x: [Double]) -> Double {
        let (mu, cov) = marginalEncoder(x)
        return expectedLogJoint(x: x, mean: mu, covariance: cov) + 0.5 * (Double(L) * log(2 * Double.pi * M_E) + logDetV)
    }

    /// L_cvae = Q(μ, Σ̃) + ½ log det(2π e Σ̃)   (Eq. 5).
    public func cvaeBound(_ x: [Double]) -> Double {
        let (mu, cov) = marginalEncoder(x)
        let logDet = (try! Cholesky(cov)).logDeterminant
        return expectedLogJoint(x: x, mean: mu, covariance: cov) + 0.5 * (Double(L) * log(2 * Double.pi * M_E) + logDet)
    }

    /// L_ind = E_{x̃} E_{z~q̃}[log p(x,z) − log q(z|x̃)] with z and x̃ independent (Lemma 1's middle term)
    /// = Q(μ, Σ̃) + ½[L log 2π + log det V + L + 2σ² tr(V⁻¹ A Aᵀ)].
    public func independentMiddleTerm(_ x: [Double]) -> Double {
        let (mu, cov) = marginalEncoder(x)
        let aat = corruptionInducedCovariance
        var trVinvAAt = 0.0
        for i in 0..<L { trVinvAAt += aat[i, i] / Vdiag[i] }
        return expectedLogJoint(x: x, mean: mu, covariance: cov)
            + 0.5 * (Double(L) * log(2 * Double.pi) + logDetV + Double(L) + 2 * trVinvAAt)
    }

    /// The plain ELBO of the clean encoder q(z|x): E_{q(z|x)}[log p(x,z) − log q(z|x)] = Q(μ, V) + ½ log det(2πeV).
    public func elbo(_ x: [Double]) -> Double { withSigma(0).dvaeBound(x) }

    /// E_{x̃} KL(q(z|x̃) ‖ p(z|x)) = ½[tr(PV) + (μ−m_post)ᵀP(μ−m_post) + σ² tr(P A Aᵀ) − L − log det P − log det V].
    public func expectedKLToPosterior(_ x: [Double]) -> Double {
        let P = posteriorPrecision
        let (mPost, _) = posterior(x)
        let mu = encoderMean(x)
        let d = zip(mu, mPost).map { $0 - $1 }
        let quad = ExactGaussian.dot(d, P * d)
        let tr = (P * encoderCovariance).trace + (P * corruptionInducedCovariance).trace
        return 0.5 * (tr + quad - Double(L) - (try! Cholesky(P)).logDeterminant - logDetV)
    }

    /// E_{x̃} KL(q(z|x̃) ‖ q̃(z|x)) = ½[tr(Σ̃⁻¹V) + σ² tr(Σ̃⁻¹AAᵀ) − L + log det Σ̃ − log det V] = I(z; x̃ | x).
    public func expectedKLToMarginalEncoder(_ x: [Double]) -> Double {
        let (_, cov) = marginalEncoder(x)
        let chol = try! Cholesky(cov)
        let tr = chol.solve(encoderCovariance).trace + chol.solve(corruptionInducedCovariance).trace
        return 0.5 * (tr - Double(L) + chol.logDeterminant - logDetV)
    }

    /// All closed-form quantities at one data point.
    public func exact(_ x: [Double]) -> LinearGaussianQuantities {
        LinearGaussianQuantities(logMarginal: logMarginal(x), dvae: dvaeBound(x), cvae: cvaeBound(x),
                                 independentMiddle: independentMiddleTerm(x), elbo: elbo(x),
                                 klToPosterior: expectedKLToPosterior(x),
                                 klToMarginalEncoder: expectedKLToMarginalEncoder(x))
    }

    /// All closed-form quantities averaged over the rows of `data` (n × D).
    public func exact(data: DenseMatrix) -> LinearGaussianQuantities {
        precondition(data.cols == D && data.rows > 0)
        var acc = LinearGaussianQuantities.zero
        for i in 0..<data.rows { acc = acc + exact(data.row(i)) }
        return (1 / Double(data.rows)) * acc
    }

    /// All closed-form quantities averaged over the rows of a Float32 batch.
    public func exact(data: Tensor) -> LinearGaussianQuantities { exact(data: DenseMatrix(data)) }

    // MARK: Sampling

    /// `count` data points drawn from p(x) (z ~ N(0,I), x = W z + b + s η), as a count × D matrix.
    public func sampleData(count: Int, rng: inout RNG) -> DenseMatrix {
        var out = DenseMatrix(rows: count, cols: D)
        let s = s2.squareRoot()
        for n in 0..<count {
            let z = (0..<L).map { _ in ExactGaussian.standardNormal(&rng) }
            let wz = W * z
            for i in 0..<D { out[n, i] = wz[i] + b[i] + s * ExactGaussian.standardNormal(&rng) }
        }
        return out
    }
}

/// The closed-form (or Monte Carlo) quantities of the linear-Gaussian model, in nats per data point.
public struct LinearGaussianQuantities: Sendable, Equatable {
    /// log p(x).
    public var logMarginal: Double
    /// L_dvae (Eq. 4), z drawn jointly with its own x̃.
    public var dvae: Double
    /// L_cvae (Eq. 5).
    public var cvae: Double
    /// Lemma 1's middle term with z ~ q̃ drawn independently of x̃.
    public var independentMiddle: Double
    /// Plain ELBO of the clean encoder (σ = 0).
    public var elbo: Double
    /// E_{x̃} KL(q(z|x̃) ‖ p(z|x)).
    public var klToPosterior: Double
    /// E_{x̃} KL(q(z|x̃) ‖ q̃(z|x)) = I(z; x̃ | x).
    public var klToMarginalEncoder: Double

    /// All zeros (for accumulation).
    public static let zero = LinearGaussianQuantities(logMarginal: 0, dvae: 0, cvae: 0, independentMiddle: 0,
                                                      elbo: 0, klToPosterior: 0, klToMarginalEncoder: 0)

    /// Proposition 1's residual log p(x) − L_dvae − E KL(q(z|x̃) ‖ p(z|x)) (zero in exact arithmetic).
    public var proposition1Residual: Double { logMarginal - dvae - klToPosterior }

    /// The residual (L_cvae − L_dvae) − E KL(q(z|x̃) ‖ q̃(z|x)) (zero in exact arithmetic).
    public var mutualInformationResidual: Double { (cvae - dvae) - klToMarginalEncoder }

    /// Fieldwise sum.
    public static func + (a: Self, b: Self) -> Self {
        Self(logMarginal: a.logMarginal + b.logMarginal, dvae: a.dvae + b.dvae, cvae: a.cvae + b.cvae,
             independentMiddle: a.independentMiddle + b.independentMiddle, elbo: a.elbo + b.elbo,
             klToPosterior: a.klToPosterior + b.klToPosterior,
             klToMarginalEncoder: a.klToMarginalEncoder + b.klToMarginalEncoder)
    }

    /// Fieldwise scaling.
    public static func * (s: Double, a: Self) -> Self {
        Self(logMarginal: s * a.logMarginal, dvae: s * a.dvae, cvae: s * a.cvae,
             independentMiddle: s * a.independentMiddle, elbo: s * a.elbo,
             klToPosterior: s * a.klToPosterior, klToMarginalEncoder: s * a.klToMarginalEncoder)
    }
}

extension ExactGaussian {
    /// A standard normal deviate in full Double precision (Box–Muller on two Double uniforms).
    public static func standardNormal(_ rng: inout RNG) -> Double {
        var u1 = rng.uniformDouble()
        while u1 <= 1e-300 { u1 = rng.uniformDouble() }
        let u2 = rng.uniformDouble()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
