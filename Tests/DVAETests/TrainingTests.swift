import XCTest
import Foundation
import DVAE

/// A small structured binary dataset: noisy copies of 4 random prototypes on 16 pixels.
func prototypeDataset(count: Int, seed: UInt64, name: String = "prototypes") -> Dataset {
    var rng = RNG(seed: 1234)
    let prototypes = (0..<4).map { _ in (0..<16).map { _ in rng.uniform() < 0.5 ? Float(1) : 0 } }
    var r = RNG(seed: seed)
    let x = Tensor(rows: count, cols: 16)
    for i in 0..<count {
        let p = prototypes[r.int(below: 4)]
        for d in 0..<16 { x[i, d] = r.uniform() < 0.05 ? 1 - p[d] : p[d] }
    }
    return Dataset(name: name, x: x, height: 4, width: 4, kind: .binary)
}

func smallModelConfig() -> ModelConfig {
    ModelConfig(inputSize: 16, height: 4, width: 4, encoder: .mlp, encoderHidden: [16], latent: 3,
                decoder: .bernoulli, decoderHidden: [16])
}

final class TrainingTests: XCTestCase {
    let train = prototypeDataset(count: 300, seed: 1)
    let valid = prototypeDataset(count: 100, seed: 2)

    func config(epochs: Int, kind: ObjectiveKind = .dvae) -> TrainConfig {
        TrainConfig(objective: ObjectiveConfig(kind: kind, K: 2, M: 1, corruption: .saltPepper(0.1)),
                    epochs: epochs, batchSize: 32, adam: AdamConfig(lr: 3e-3), clipNorm: 100, seed: 7)
    }

    func testTrainingImprovesTheBound() {
        let model = VAEModel(config: smallModelConfig(), seed: 1)
        let before = estimateBound(model, on: valid, kind: .elbo, seed: 3)
        let trainer = Trainer(model: model, config: config(epochs: 15))
        let report = trainer.run(train: train, validation: valid)
        let after = estimateBound(model, on: valid, kind: .elbo, seed: 3)
        print("training: valid ELBO \(before.mean) -> \(after.mean); curve", report.curve.map { ($0.trainBound, $0.validBound ?? .nan) })
        XCTAssertEqual(report.epochsCompleted, 15)
        XCTAssertEqual(report.curve.count, 15)
        XCTAssertEqual(report.steps, 15 * 10)
        XCTAssertEqual(report.skippedSteps, 0)
        XCTAssertFalse(report.stoppedEarly)
        XCTAssertGreaterThan(after.mean, before.mean + 3)
        XCTAssertGreaterThan(report.curve.last!.trainBound, report.curve.first!.trainBound)
        XCTAssertNotNil(report.curve.last!.validBound)
    }

    func testSameSeedGivesIdenticalResults() {
        func runOnce() -> ([Float], [EpochRecord]) {
            let model = VAEModel(config: smallModelConfig(), seed: 4)
            let report = Trainer(model: model, config: config(epochs: 2, kind: .diwae)).run(train: train, validation: valid)
            return (model.parameters.flatMap { $0.value.array }, report.curve)
        }
        let (a, ca) = runOnce(), (b, cb) = runOnce()
        XCTAssertEqual(a, b)
        XCTAssertEqual(ca.map(\.trainBound), cb.map(\.trainBound))
        XCTAssertEqual(ca.map(\.validBound), cb.map(\.validBound))
    }

    func testResumeFromRestoredStateMatchesUninterruptedRun() {
        let straight = VAEModel(config: smallModelConfig(), seed: 5)
        Trainer(model: straight, config: config(epochs: 3)).run(train: train)

        let first = VAEModel(config: smallModelConfig(), seed: 5)
        let t1 = Trainer(model: first, config: config(epochs: 1))
        t1.run(train: train)
        // "Checkpoint": copy weights and Adam state into fresh objects, then resume.
        let resumed = VAEModel(config: smallModelConfig(), seed: 999)
        for (dst, src) in zip(resumed.parameters, first.parameters) { dst.value.copy(from: src.value) }
        let adam = Adam(parameters: resumed.parameters, config: t1.optimizer.config)
        adam.step = t1.optimizer.step
        for i in adam.m.indices { adam.m[i].copy(from: t1.optimizer.m[i]); adam.v[i].copy(from: t1.optimizer.v[i]) }
        let t2 = Trainer(model: resumed, config: config(epochs: 3), optimizer: adam, epochsCompleted: 1)
        let report = t2.run(train: train)
        XCTAssertEqual(report.curve.map(\.epoch), [2, 3])
        XCTAssertEqual(resumed.parameters.flatMap { $0.value.array }, straight.parameters.flatMap { $0.value.array })
    }

    func testStopFromCallbackKeepsModel() {
        let model = VAEModel(config: smallModelConfig(), seed: 6)
        let trainer = Trainer(model: model, config: config(epochs: 5))
        var stepsSeen = 0
        let report = trainer.run(train: train) { event in
            if case .step = event { stepsSeen += 1 }
            return stepsSeen == 3 ? .stop : .proceed
        }
        XCTAssertTrue(report.stoppedEarly)
        XCTAssertEqual(report.steps, 3)
        XCTAssertEqual(report.epochsCompleted, 0)
        XCTAssertEqual(trainer.optimizer.step, 3)
        XCTAssertTrue(model.parameters.allSatisfy { $0.value.allFinite })
        // Stopping at an epoch end.
        let r2 = Trainer(model: model, config: config(epochs: 5)).run(train: train) { event in
            if case .epochEnd = event { return .stop }
            return .proceed
        }
        XCTAssertEqual(r2.epochsCompleted, 1)
        XCTAssertTrue(r2.stoppedEarly)
    }

    func testNonFiniteStepsAreSkipped() {
        let model = VAEModel(config: smallModelConfig(), seed: 7)
        model.parameter(named: "decoder.out.bias")!.value.data[0] = .nan
        let before = model.parameter(named: "encoder.layer0.weight")!.value.array
        let report = Trainer(model: model, config: config(epochs: 1)).run(train: train)
        XCTAssertEqual(report.steps, 0)
        XCTAssertEqual(report.skippedSteps, 10)
        XCTAssertEqual(model.parameter(named: "encoder.layer0.weight")!.value.array, before)
    }

    func testGradientClipping() {
        let model = VAEModel(config: smallModelConfig(), seed: 8)
        var c = config(epochs: 1)
        c.clipNorm = 0.5
        let trainer = Trainer(model: model, config: c)
        var rng = RNG(seed: 1)
        XCTAssertNotNil(trainer.step(batch: train.x.rows(0..<32), rng: &rng))
        let norm = model.parameters.reduce(0.0) { $0 + $1.grad.sumOfSquares() }.squareRoot()
        XCTAssertEqual(norm, 0.5, accuracy: 1e-3)
    }

    func testAdamFirstStepAndConvergence() {
        // The first Adam step moves every coordinate by lr · sign(g) (bias-corrected).
        let p = Parameter(name: "w", value: Tensor(rows: 1, cols: 3, values: [1, -2, 3]))
        let adam = Adam(parameters: [p], config: AdamConfig(lr: 0.1))
        p.grad.copy(from: Tensor(rows: 1, cols: 3, values: [0.5, -4, 1e-3]))
        adam.update()
        XCTAssertEqual(p.value.array[0], 0.9, accuracy: 1e-4)
        XCTAssertEqual(p.value.array[1], -1.9, accuracy: 1e-4)
        XCTAssertEqual(p.value.array[2], 2.9, accuracy: 1e-3)
        // Minimises a quadratic ½‖w − t‖².
        for _ in 0..<2000 {
            for i in 0..<3 { p.grad.data[i] = p.value.data[i] - Float(i) }
            adam.update()
        }
        for i in 0..<3 { XCTAssertEqual(p.value.array[i], Float(i), accuracy: 1e-2) }
        XCTAssertEqual(adam.step, 2001)
    }

    func testConfigsAreCodable() throws {
        let c = config(epochs: 3)
        let data = try JSONEncoder().encode(c)
        XCTAssertEqual(try JSONDecoder().decode(TrainConfig.self, from: data), c)
        let m = smallModelConfig()
        XCTAssertEqual(try JSONDecoder().decode(ModelConfig.self, from: JSONEncoder().encode(m)), m)
    }
}
