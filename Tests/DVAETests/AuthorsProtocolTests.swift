import XCTest
import Foundation
import DVAE

/// The options of the authors' training protocol (DESIGN.md "Paper protocol"), each against the
/// rule of the authors' code it reproduces.
final class AuthorsProtocolTests: XCTestCase {
    // MARK: learning-rate schedules

    /// main_mnist.py: at epochs 0, 2, 8, 26, 80, 242, 728, 2186 the rate becomes
    /// 1e-4 · 10^(1 − (i − 1)/c), c = log(5000/2)/log 3, and stays until the next step.
    func testAuthorsScheduleAtTheNamedEpochs() {
        let c = log(2500.0) / log(3.0)
        let steps = [0, 2, 8, 26, 80, 242, 728, 2186]
        for (k, epoch) in steps.enumerated() {
            let expected = pow(10, 1 - Double(k) / c)
            let s = LearningRateSchedule.authors
            XCTAssertEqual(s.factor(epoch: epoch, totalEpochs: 5000), expected, accuracy: 1e-12, "epoch \(epoch)")
            // Constant until the next step.
            let next = k + 1 < steps.count ? steps[k + 1] : 5000
            XCTAssertEqual(s.factor(epoch: next - 1, totalEpochs: 5000), expected, accuracy: 1e-12, "epoch \(next - 1)")
        }
        XCTAssertEqual(LearningRateSchedule.authors.factor(epoch: 0, totalEpochs: 5000), 10, accuracy: 1e-12)   // 1e-3
        XCTAssertEqual(LearningRateSchedule.authors.factor(epoch: 4999, totalEpochs: 5000), 1.0402, accuracy: 1e-4) // ≈ 1e-4
        // Compressed: 50 epochs, c = log 25 / log 3 — four steps from 10× to just under 1×.
        let c50 = log(25.0) / log(3.0)
        XCTAssertEqual(LearningRateSchedule.authors.factor(epoch: 26, totalEpochs: 50), pow(10, 1 - 3 / c50), accuracy: 1e-12)
        XCTAssertEqual(LearningRateSchedule.authors.factor(epoch: 7, totalEpochs: 50), pow(10, 1 - 1 / c50), accuracy: 1e-12)
        // Too short for a step: stays 10×.
        XCTAssertEqual(LearningRateSchedule.authors.factor(epoch: 2, totalEpochs: 3), 10)
    }

    /// main_freyface.py: lr / (1 + epoch / 3000).
    func testInverseDecay() {
        let s = LearningRateSchedule.inverse(3000)
        XCTAssertEqual(s.factor(epoch: 0, totalEpochs: 3000), 1)
        XCTAssertEqual(s.factor(epoch: 3000, totalEpochs: 3000), 0.5, accuracy: 1e-15)
        XCTAssertEqual(s.factor(epoch: 1500, totalEpochs: 3000), 1 / 1.5, accuracy: 1e-15)
        XCTAssertThrowsError(try LearningRateSchedule.inverse(0).validate())
        // Codable round trip of every kind.
        for s in [LearningRateSchedule.constant, .authors, .inverse(3000)] {
            let data = try! JSONEncoder().encode(s)
            XCTAssertEqual(try JSONDecoder().decode(LearningRateSchedule.self, from: data), s)
        }
    }

    /// The trainer sets the rate of each epoch from the schedule (1-based epochs → the authors' 0-based).
    func testTrainerFollowsTheSchedule() {
        let data = Dataset(name: "t", x: binaryBatch(rows: 20, cols: 6, seed: 1), height: 2, width: 3, kind: .binary)
        let model = tinyModel()
        let config = TrainConfig(objective: ObjectiveConfig(kind: .vae), epochs: 10, batchSize: 10,
                                 adam: AdamConfig(lr: 1e-4), schedule: .authors)
        let trainer = Trainer(model: model, config: config)
        var seen: [Int: Float] = [:]
        trainer.run(train: data) { event in
            if case .epochEnd(let r) = event { seen[r.epoch] = trainer.optimizer.config.lr }
            return .proceed
        }
        let c = log(5.0) / log(3.0)
        for epoch in 1...10 {
            let i = epoch >= 9 ? 3 : (epoch >= 3 ? 2 : 1)   // 0-based epochs 0, 2, 8 start steps 1, 2, 3
            XCTAssertEqual(Double(seen[epoch]!), 1e-4 * pow(10, 1 - Double(i - 1) / c), accuracy: 1e-10, "epoch \(epoch)")
        }
    }

    // MARK: the authors' Adam

    /// optimize.py ADAM: b1_t = 1 − 0.9 · 1e-8^(t−1); m ← b1_t g + (1 − b1_t) m; v ← 0.001 g² + 0.999 v;
    /// θ ← θ − lr · m/(1 − 0.9^t) / (√(v/(1 − 0.999^t)) + 1e-8). A scalar followed by hand.
    func testAuthorsAdamMatchesTheirUpdateRule() {
        let p = Parameter(name: "w", value: Tensor(rows: 1, cols: 1, values: [0.5]))
        let adam = Adam(parameters: [p], config: AdamConfig(lr: 0.01, variant: .authors))
        var theta = 0.5, m = 0.0, v = 0.0
        let grads: [Double] = [0.3, -0.2, 0.7, 0.1, -0.4]
        for (k, g) in grads.enumerated() {
            let t = Double(k + 1)
            let b1t = 1 - 0.9 * pow(1e-8, t - 1)
            m = b1t * g + (1 - b1t) * m
            v = 0.001 * g * g + 0.999 * v
            let mHat = m / (1 - pow(0.9, t)), vHat = v / (1 - pow(0.999, t))
            theta -= 0.01 * mHat / (vHat.squareRoot() + 1e-8)
            p.grad.data[0] = Float(g)
            adam.update()
            XCTAssertEqual(Double(p.value.data[0]), theta, accuracy: 1e-6, "step \(k + 1)")
        }
        // From step 2 on the first moment is the current gradient alone (β1 ≈ 0).
        XCTAssertEqual(Double(adam.m[0].data[0]), grads.last!, accuracy: 1e-6)
        // The standard variant keeps a running mean instead.
        let q = Parameter(name: "w", value: Tensor(rows: 1, cols: 1, values: [0.5]))
        let standard = Adam(parameters: [q], config: AdamConfig(lr: 0.01))
        for g in grads { q.grad.data[0] = Float(g); standard.update() }
        XCTAssertNotEqual(Double(standard.m[0].data[0]), grads.last!, accuracy: 1e-3)
    }

    /// Checkpoints written before `variant` existed still decode (as standard Adam).
    func testAdamConfigDecodesWithoutVariant() throws {
        let old = #"{"lr":0.001,"beta1":0.9,"beta2":0.999,"eps":1e-08}"#
        let c = try JSONDecoder().decode(AdamConfig.self, from: Data(old.utf8))
        XCTAssertEqual(c.variant, .standard)
        let new = try JSONDecoder().decode(AdamConfig.self, from: JSONEncoder().encode(AdamConfig(variant: .authors)))
        XCTAssertEqual(new.variant, .authors)
    }

    // MARK: the non-finite rule

    /// optimize.py clip_gradient: a non-finite gradient becomes 0.1 × the parameter and the update
    /// is applied; `skip` leaves the model untouched.
    func testNonFiniteRule() {
        let x = binaryBatch(rows: 4, cols: 6, seed: 2)
        x.data[3] = .nan                                   // poisons the objective and every gradient
        for rule in NonFiniteRule.allCases {
            let model = tinyModel()
            let before = model.parameters.map { $0.value.array }
            let config = TrainConfig(objective: ObjectiveConfig(kind: .vae), epochs: 1, batchSize: 4,
                                     adam: AdamConfig(lr: 0.01), nonFinite: rule)
            let trainer = Trainer(model: model, config: config)
            var rng = RNG(seed: 1)
            XCTAssertNil(trainer.step(batch: x, rng: &rng))
            for (p, old) in zip(model.parameters, before) {
                for (j, w) in old.enumerated() {
                    // First Adam step with g = 0.1 w: θ − lr · g/(|g| + ε) = θ − 0.01 · sign(θ).
                    let g = 0.1 * Double(w)
                    let expected = rule == .skip ? Double(w) : Double(w) - 0.01 * g / (abs(g) + 1e-8)
                    XCTAssertEqual(Double(p.value.data[j]), expected, accuracy: 1e-6, "\(rule) \(p.name)[\(j)]")
                }
            }
            XCTAssertEqual(trainer.optimizer.step, rule == .skip ? 0 : 1)
        }
    }

    // MARK: the authors' salt-and-pepper law

    /// utils.py get_corrupted_input(salt_pepper): a ~ Bernoulli(1 − p), b ~ Bernoulli(p), x̃ = a x + (1 − a) b.
    /// On ones: replaced-by-0 frequency p(1 − p); on zeros: replaced-by-1 frequency p².
    func testAuthorsSaltPepperFrequencies() {
        let n = 200_000
        for p: Float in [0.05, 0.3] {
            let law = Corruption.saltPepperAuthors(p)
            var rng = RNG(seed: 7)
            let ones = law.apply(Tensor(rows: 1, cols: n, repeating: 1), rng: &rng)
            let zeros = law.apply(Tensor(rows: 1, cols: n, repeating: 0), rng: &rng)
            let oneToZero = Double(ones.array.filter { $0 == 0 }.count) / Double(n)
            let zeroToOne = Double(zeros.array.filter { $0 == 1 }.count) / Double(n)
            let q = Double(p)
            func tolerance(_ f: Double) -> Double { 5 * (f * (1 - f) / Double(n)).squareRoot() }
            XCTAssertEqual(oneToZero, q * (1 - q), accuracy: tolerance(q * (1 - q)), "p = \(p): 1 → 0")
            XCTAssertEqual(zeroToOne, q * q, accuracy: tolerance(q * q), "p = \(p): 0 → 1")
            // The textbook law flips both ways with probability p/2.
            var r2 = RNG(seed: 8)
            let text = Corruption.saltPepper(p).apply(Tensor(rows: 1, cols: n, repeating: 0), rng: &r2)
            let flipped = Double(text.array.filter { $0 == 1 }.count) / Double(n)
            XCTAssertEqual(flipped, q / 2, accuracy: tolerance(q / 2))
        }
    }

    /// The exact p(x̃|x) of the authors' law sums to 1 over all outcomes and matches sampled frequencies.
    func testAuthorsSaltPepperExactProbabilities() throws {
        let law = Corruption.saltPepperAuthors(0.4)
        let x: [Float] = [1, 0, 1]
        let outcomes = try law.enumerateCorruptions(of: x)
        XCTAssertEqual(outcomes.map(\.probability).reduce(0, +), 1, accuracy: 1e-12)
        for o in outcomes {
            XCTAssertEqual(try law.probability(of: o.xTilde, given: x), o.probability, accuracy: 1e-12)
            XCTAssertEqual(try law.logProbability(of: o.xTilde, given: x), log(o.probability), accuracy: 1e-12)
        }
        // x̃ = x has probability (1 − p(1−p))² (1 − p²) = 0.76² · 0.84.
        XCTAssertEqual(try law.probability(of: x, given: x), 0.76 * 0.76 * 0.84, accuracy: 1e-7)   // p is a Float
        var rng = RNG(seed: 3)
        var counts = [Int](repeating: 0, count: 8)
        let trials = 100_000
        for _ in 0..<trials {
            let t = law.apply(x, rng: &rng)
            counts[Int(t[0]) * 4 + Int(t[1]) * 2 + Int(t[2])] += 1
        }
        for (k, o) in outcomes.enumerated() {
            let f = Double(counts[k]) / Double(trials)
            XCTAssertEqual(f, o.probability, accuracy: 5 * (o.probability * (1 - o.probability) / Double(trials)).squareRoot() + 1e-4)
        }
        XCTAssertEqual(try Corruption(name: "salt_pepper_authors", level: 0.05), .saltPepperAuthors(0.05))
        XCTAssertEqual(Corruption.saltPepperAuthors(0.05).description, "salt_pepper_authors 0.05")
    }

    // MARK: the test cost with the analytic KL

    /// log p(x|z) − KL(q‖p) in closed form has the expectation of the Monte Carlo ELBO: one example
    /// repeated 20 000 times, both estimates agree within their standard errors.
    func testAnalyticKLAgreesWithMonteCarloInExpectation() {
        let model = tinyModel(encoderHidden: [5], decoderHidden: [5], seed: 4)
        let one = binaryBatch(rows: 1, cols: 6, seed: 9)
        let n = 20_000
        let x = Tensor(rows: n, cols: 6)
        for r in 0..<n { (x.data + r * 6).update(from: one.data, count: 6) }
        let mc = estimateBound(model, on: x, kind: .elbo, seed: 1)
        let an = estimateBound(model, on: x, kind: .elboAnalytic, seed: 2)
        let se = (mc.standardError * mc.standardError + an.standardError * an.standardError).squareRoot()
        print("ELBO Monte Carlo \(mc.mean) ± \(mc.standardError), analytic KL \(an.mean) ± \(an.standardError)")
        XCTAssertEqual(mc.mean, an.mean, accuracy: 4 * se)
        // Same expectation, less variance.
        XCTAssertLessThan(an.standardError, mc.standardError)
        // Exactly: with z fixed, analytic − Monte Carlo = log q(z|x) − log p(z) − KL, whose mean over z is 0.
        XCTAssertEqual(BoundKind.elboAnalytic.samples, 1)
        XCTAssertEqual(BoundKind.elboAnalytic.description, "elbo-analytic")
    }

    // MARK: model heads and initialisation

    /// σ = exp(output): the encoder's logVar is twice the head's output, and gradients flow through it.
    func testLogSigmaEncoderGradients() {
        let config = ModelConfig(inputSize: 6, height: 2, width: 3, encoderHidden: [4], latent: 2,
                                 decoder: .bernoulli, decoderHidden: [4], encoderSigma: .exp)
        let model = VAEModel(config: config, seed: 11)
        let plain = VAEModel(config: ModelConfig(inputSize: 6, height: 2, width: 3, encoderHidden: [4], latent: 2,
                                                 decoder: .bernoulli, decoderHidden: [4]), seed: 11)
        let x = binaryBatch(rows: 3, cols: 6, seed: 5)
        let (_, lv) = model.encode(x)
        let (_, lvPlain) = plain.encode(x)
        for i in 0..<lv.count { XCTAssertEqual(lv.data[i], 2 * lvPlain.data[i], accuracy: 1e-6) }
        let err = objectiveGradientError(model, x, ObjectiveConfig(kind: .dvae, K: 2, M: 2, corruption: .saltPepperAuthors(0.3)))
        print("log-σ encoder gradient: max relative error \(err)")
        XCTAssertLessThan(err, gradientTolerance)
    }

    /// The authors' Frey Face decoder: μ = sigmoid(·), σ = softplus(·) + 1e-4 from the network.
    func testSigmoidGaussianDecoder() {
        var rng = RNG(seed: 3)
        let x = randomTensor(3, 6, &rng, scale: 0.5)
        for i in 0..<x.count { x.data[i] = 0.5 + 0.4 * x.data[i] }       // pixels in (0, 1)
        let model = tinyModel(decoder: .gaussianSigmoid)
        XCTAssertTrue(model.parameters.contains { $0.name == "decoder.sigma.weight" })
        XCTAssertFalse(model.parameters.contains { $0.name == "decoder.logvar" })
        // Values: log p(x|z) against a direct float64 evaluation.
        let z = randomTensor(3, 2, &rng)
        let decoder = model.decoder as! SigmoidGaussianDecoder
        let mu = decoder.forward(z).copy()
        let sigma = decoder.standardDeviation()
        let logLik = decoder.logLikelihood(x: x)
        for r in 0..<3 {
            var s = 0.0
            for j in 0..<6 {
                let m = Double(mu.data[r * 6 + j]), sd = Double(sigma.data[r * 6 + j]), v = Double(x.data[r * 6 + j])
                XCTAssertTrue(m > 0 && m < 1 && sd > 1e-4)
                s += -0.5 * log(2 * Double.pi) - log(sd) - 0.5 * (v - m) * (v - m) / (sd * sd)
            }
            XCTAssertEqual(logLik[r], s, accuracy: 1e-4)
        }
        let err = objectiveGradientError(model, x, ObjectiveConfig(kind: .diwae, K: 3, M: 2, corruption: .gaussian(0.1)))
        let errDeep = objectiveGradientError(tinyModel(decoder: .gaussianSigmoid, encoderHidden: [4, 3], decoderHidden: []), x,
                                             ObjectiveConfig(kind: .vae, K: 2))
        print("sigmoid-Gaussian decoder gradient: max relative error \(err), no hidden layer \(errDeep)")
        XCTAssertLessThan(max(err, errDeep), gradientTolerance)
    }

    /// `glorot`: the variance head is plain Glorot-uniform (not shrunk ×0.1); biases zero.
    func testGlorotInitialisation() {
        func head(_ i: WeightInit?) -> [Float] {
            let c = ModelConfig(inputSize: 784, height: 28, width: 28, encoderHidden: [200], latent: 50,
                                decoder: .bernoulli, decoderHidden: [200], initialisation: i)
            return VAEModel(config: c, seed: 1).parameter(named: "encoder.logvar.weight")!.value.array
        }
        let limit = (6.0 / 250.0).squareRoot()
        let glorot = head(.glorot), standard = head(nil)
        XCTAssertLessThanOrEqual(Double(glorot.map(abs).max()!), limit)
        XCTAssertGreaterThan(Double(glorot.map(abs).max()!), 0.95 * limit)
        // Uniform on ±limit has standard deviation limit/√3.
        let sd = (glorot.map { Double($0 * $0) }.reduce(0, +) / Double(glorot.count)).squareRoot()
        XCTAssertEqual(sd, limit / 3.0.squareRoot(), accuracy: 0.02 * limit)
        for (a, b) in zip(glorot, standard) { XCTAssertEqual(b, 0.1 * a, accuracy: 1e-7) }
        let c = ModelConfig(initialisation: .glorot)
        let m = VAEModel(config: c, seed: 2)
        for p in m.parameters where p.name.hasSuffix(".bias") { XCTAssertEqual(p.value.array.map(abs).max(), 0) }
    }

    /// A new optional field stays out of the JSON when nil, so existing checkpoints are unchanged.
    func testDefaultModelConfigEncodingIsUnchanged() throws {
        let json = String(decoding: try JSONEncoder().encode(ModelConfig()), as: UTF8.self)
        XCTAssertFalse(json.contains("initialisation") || json.contains("encoderSigma"))
    }

    // MARK: the authors' Frey Face split

    /// main_freyface.py: permute, then train = first 1572, valid = first 295, test = first 200 of
    /// the same order — the test faces are training faces.
    func testFreyAuthorsSplitOverlaps() {
        let n = 1965
        let all = Tensor(rows: n, cols: 2)
        for i in 0..<n { all.data[2 * i] = Float(i); all.data[2 * i + 1] = 0 }   // row i is tagged i
        func part(_ r: Range<Int>) -> Dataset {
            Dataset(name: "p", x: all.rows(r), height: 1, width: 2, kind: .continuous)
        }
        let standard = DataSplits(name: "frey", train: part(0..<1565), valid: part(1565..<1765), test: part(1765..<1965))
        let authors = DataLoader.freyAuthorsSplits(standard)
        XCTAssertEqual(authors.name, DataLoader.freyAuthorsSplitName)
        XCTAssertEqual([authors.train.count, authors.valid.count, authors.test.count], [1572, 295, 200])
        let tags = { (d: Dataset) in (0..<d.count).map { Int(d.x.data[2 * $0]) } }
        let train = tags(authors.train), test = tags(authors.test)
        XCTAssertEqual(Array(train[0..<200]), test)                    // the test set is the head of the training set
        XCTAssertEqual(Set(train).count, 1572)                         // a permutation: no repeats
        XCTAssertNotEqual(Array(train[0..<10]), Array(0..<10))         // and not the file order
        // The standard split shares no face between train and test.
        XCTAssertTrue(Set(tags(standard.train)).isDisjoint(with: tags(standard.test)))
    }

    // MARK: helpers

    /// Max relative error of every parameter's gradient of −objective against central differences
    /// (noise frozen by re-seeding), as in `ObjectiveTests`.
    func objectiveGradientError(_ model: VAEModel, _ x: Tensor, _ config: ObjectiveConfig) -> Double {
        let seed: UInt64 = 99
        model.zeroGradients()
        var rng = RNG(seed: seed)
        _ = evaluateObjective(model, batch: x, config: config, rng: &rng, accumulateGradients: true)
        let analytic = model.parameters.map { $0.grad.array }
        let loss: () -> Double = {
            var r = RNG(seed: seed)
            return -evaluateObjective(model, batch: x, config: config, rng: &r, accumulateGradients: false)
        }
        var worst = 0.0
        for (p, g) in zip(model.parameters, analytic) {
            worst = max(worst, maxRelativeError(of: p.value, analytic: g, loss: loss))
        }
        return worst
    }
}
