import DVAENotebook
import Foundation
import XCTest
@testable import DVAEScript

/// Small scripts on the built-in synthetic dataset, end to end through the engine.
final class EndToEndTests: XCTestCase {
    func testLoadCorruptShow() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run("""
        let d = load "synthetic" subset 100
        print d.train.count, d.test.dimension, d.train.height, d.train.kind
        let noisy = corrupt d.test salt_pepper 0.5 seed 3
        print noisy.count, noisy.mean > d.test.mean
        show noisy[0:16]
        d
        """, file: "e2e")
        XCTAssertEqual(sink.texts[0], "100 144 12 binary")
        XCTAssertEqual(sink.texts[1], "100 true")
        XCTAssertEqual(sink.images.count, 1)
        XCTAssertEqual(sink.images[0].images.count, 16)
        XCTAssertEqual(sink.images[0].height, 12)
        XCTAssertTrue(sink.texts[2].hasPrefix("synthetic: train 100, valid 100, test 100"), sink.texts[2])
    }

    func testTrainBoundSampleReconstruct() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run("""
        seed 7
        let d = load "synthetic" subset 200
        let m = model vae for d.train hidden [32] latent 4
        let before = bound m on d.test elbo seed 1
        let r = train m on d.train objective dvae noise salt_pepper 0.1 K 2 M 1 epochs 3 batch 50 lr 3e-3 validate d.valid
        let after = bound m on d.test elbo seed 1
        print r.epochs, len(r.curve.train), len(r.curve.valid), m.epochs
        print verdict(after > before)
        let iw = bound m on d.test iwae 20 seed 2
        print iw.count, iw.se > 0
        show r
        show sample m 16
        reconstruct m d.test[0:4] noise salt_pepper 0.2
        """, file: "e2e")
        let text = sink.output
        XCTAssertTrue(text.contains("epoch 1/3  dvae salt_pepper 0.1  train"), text)
        XCTAssertTrue(text.contains("3 3 3 3"), text)
        XCTAssertTrue(text.contains("holds"), text)
        XCTAssertTrue(text.contains("200 true"), text)
        XCTAssertFalse(sink.progressLines.isEmpty)
        XCTAssertTrue(sink.progressLines[0].hasPrefix("epoch 1/3  step "), sink.progressLines[0])
        XCTAssertTrue(sink.progressLines[0].contains("ex/s  bound "), sink.progressLines[0])
        XCTAssertTrue(sink.progressLines[0].contains("ETA "), sink.progressLines[0])
        XCTAssertEqual(sink.plots.count, 1)
        XCTAssertEqual(sink.plots[0].series.map(\.name), ["train", "valid"])
        XCTAssertEqual(sink.images.count, 2)
        XCTAssertEqual(sink.images[0].images.count, 16)
        XCTAssertEqual(sink.images[1].images.count, 12) // inputs, corrupted, reconstructions × 4
        XCTAssertEqual(sink.images[1].columns, 4)
    }

    func testBoundPrintingAndComparison() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run("""
        let d = load "synthetic" subset 20
        let m = model vae for d.train hidden [8] latent 2 seed 1
        let b = bound m on d.test iwae 5 seed 1
        print b
        assert b > -1000 and b.value < 0
        assert b.se >= 0
        """, file: "e2e")
        let line = sink.texts[0]
        XCTAssertTrue(line.hasSuffix("nats (IWAE-5, 20 examples)"), line)
        XCTAssertTrue(line.contains(" ± "), line)
    }

    func testInterruptStopsTrainingCleanly() throws {
        let sink = InterruptingSink()
        let interp = Interpreter(sink: sink)
        sink.interpreter = interp
        try interp.run("""
        let d = load "synthetic" subset 300
        let m = model vae for d.train hidden [8] latent 2
        let r = train m on d.train epochs 50 batch 10
        print r.interrupted, r.epochs
        """, file: "e2e")
        let texts = sink.items.compactMap { if case .text(let s) = $0 { return s } else { return nil } }
        XCTAssertTrue(texts.contains { $0.hasPrefix("training interrupted at epoch 1 step ") && $0.hasSuffix("model keeps what it learned") },
                      "\(texts)")
        XCTAssertEqual(texts.last, "true 0")
        XCTAssertFalse(interp.interrupt.isSet)
    }

    func testTrainingContinuesAcrossCommands() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run("""
        let d = load "synthetic" subset 50
        let m = model vae for d.train hidden [8] latent 2
        train m on d.train epochs 1 batch 25
        train m on d.train epochs 2 batch 25
        print m.epochs
        """, file: "e2e")
        XCTAssertEqual(sink.texts.last, "3")
        XCTAssertTrue(sink.texts.contains { $0.hasPrefix("trained 2 epochs (4 steps)") }, sink.output)
    }

    func testSaveAndOpen() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dvae-script-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (interp, sink) = makeInterpreter()
        try interp.run("""
        let d = load "synthetic" subset 50
        let m = model vae for d.train hidden [8] latent 3
        train m on d.train epochs 1 batch 25
        save m "\(path)"
        let m2 = open "\(path)"
        let a = bound m on d.test elbo seed 4
        let b = bound m2 on d.test elbo seed 4
        print m2.latent, m2.epochs, abs(a.value - b.value) < 1e-4
        """, file: "e2e")
        XCTAssertTrue(sink.texts.contains { $0.hasPrefix("saved ") }, sink.output)
        XCTAssertEqual(sink.texts.last, "3 1 true")
    }

    func testNotebookStyleLoopWithTable() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run("""
        let d = load "synthetic" subset 60
        let t = table "noise" "bound" "better than clean"
        let clean = 0
        for p in [0 0.1] {
          let m = model vae for d.train hidden [8] latent 2 seed 3
          train m on d.train noise salt_pepper p epochs 1 batch 30 seed 3
          let b = bound m on d.test elbo seed 5
          if p == 0 { set clean = b }
          t.add(p, b, verdict(b > clean))
        }
        print t
        """, file: "e2e")
        let table = sink.texts.last!
        XCTAssertTrue(table.hasPrefix("noise           bound  better than clean"), table)
        XCTAssertEqual(table.split(separator: "\n").count, 4, table)
    }

    func testLinearGaussianClaims() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run("""
        let g = model linear_gaussian 4 2 noise_sigma 0.5 seed 1
        let xs = sample g 50 seed 2
        let lp = bound g on xs logpx
        let dv = bound g on xs dvae
        let cv = bound g on xs cvae
        let klp = bound g on xs kl_post
        let klm = bound g on xs kl_marginal
        print verdict(lp >= dv), verdict(cv >= dv)
        assert abs(lp.value - dv.value - klp.value) < 1e-6, "Proposition 1"
        assert abs(cv.value - dv.value - klm.value) < 1e-6
        let mc = bound g on xs dvae samples 200 seed 3
        assert abs(mc.value - dv.value) < 5 * mc.se + 1e-3
        let q = marginal g at xs[0] noise gaussian 0.5 samples 2000 seed 4
        print len(q.mean), q.normal_p > 0.001
        let q2 = marginal example2 at [0.3] noise gaussian 1 samples 4000 seed 5
        print q2.normal_p < 0.001
        """, file: "e2e")
        XCTAssertEqual(sink.texts[0], "holds holds")
        XCTAssertEqual(sink.texts[1], "2 true")
        XCTAssertEqual(sink.texts[2], "true")
    }

    func testExampleOneEnumeration() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run("""
        let m = model vae input 4 hidden [8] latent 2 seed 2
        let q = marginal m at [1 0 1 1] noise bitflip 0.1 enumerate samples 500
        print q.components
        """, file: "e2e")
        XCTAssertEqual(sink.texts.last, "16")
    }

    /// Two pictures or charts side by side must not carry the same caption: sample and
    /// reconstruction captions name what the model was trained with, and an overlay of runs
    /// names the data and the two kinds of series.
    func testCaptionsTellModelsAndRunsApart() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run("""
        let d = load "synthetic" subset 50
        let a = model vae for d.train hidden [8] latent 2 seed 1
        let b = model vae for d.train hidden [8] latent 2 seed 1
        show sample a 4
        let ra = train a on d.train epochs 1
        let rb = train b on d.train objective dvae noise salt_pepper 0.1 epochs 2 validate d.valid
        show sample a 4
        show sample b 4
        show reconstruct a d.test[0:4] noise salt_pepper 0.1
        show reconstruct b d.test[0:4] noise salt_pepper 0.1
        show [ra rb]
        """, file: "e2e")
        XCTAssertEqual(sink.images.map(\.title), [
            "4 samples from p(z) (model: untrained)",
            "4 samples from p(z) (model: vae, 1 epoch)",
            "4 samples from p(z) (model: dvae salt_pepper 0.1, 2 epochs)",
            "inputs / corrupted (salt_pepper 0.1) / reconstructions (model: vae, 1 epoch)",
            "inputs / corrupted (salt_pepper 0.1) / reconstructions (model: dvae salt_pepper 0.1, 2 epochs)",
        ])
        XCTAssertEqual(sink.plots.map(\.title),
                       ["2 runs on synthetic.train: training bound (train) and validation ELBO (valid)"])
    }

    func testDatasetValuesListsEachExample() throws {
        XCTAssertEqual(output(of: """
        let g = model linear_gaussian 3 1 seed 2
        let xs = sample g 2 seed 1
        let v = xs.values
        print len(v), len(v[0])
        print abs(v[1][2] - xs[1].values[0][2]) < 1e-12
        """), "2 3\ntrue")
        assertError("let d = load \"synthetic\"\nprint d.train.values", at: 2, 7, "`.values` would list",
                    suggestion: "slice the dataset first")
    }
}
