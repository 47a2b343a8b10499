import DVAE
import Foundation
import XCTest
@testable import DVAEScript

/// `save` writes everything `open` + `train` need to continue a run exactly (issue 10).
final class ResumeTests: XCTestCase {
    private var dir: String!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("dvae-resume-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private let setup = "let d = load synthetic subset 60\nlet m = model vae for d.train hidden [8] latent 3 seed 1\n"
    private let settings = "objective dvae noise salt_pepper 0.1 K 2 M 2 batch 16 lr 3e-3 seed 7 clip 50"

    /// Every tensor of the checkpoint at `path`, as bit patterns.
    private func bits(_ path: String) throws -> [String: [UInt32]] {
        try SafeTensors.read(from: path).tensors.mapValues { t in (0..<t.count).map { t.data[$0].bitPattern } }
    }

    func testTrainTwoSaveOpenTrainOneEqualsTrainThreeBitForBit() throws {
        let straight = dir + "/straight.safetensors", half = dir + "/half.safetensors", resumed = dir + "/resumed.safetensors"
        try Interpreter(sink: CaptureSink()).run(setup + "train m on d.train \(settings) epochs 3\nsave m \"\(straight)\"", file: "a.dvae")
        try Interpreter(sink: CaptureSink()).run(setup + "train m on d.train \(settings) epochs 2\nsave m \"\(half)\"", file: "b.dvae")
        // A fresh session: nothing but the checkpoint carries the run's settings.
        try Interpreter(sink: CaptureSink()).run(
            "let d = load synthetic subset 60\nlet m = open \"\(half)\"\ntrain m on d.train epochs 1\nsave m \"\(resumed)\"", file: "c.dvae")

        let a = try bits(straight), c = try bits(resumed)
        XCTAssertEqual(Set(a.keys), Set(c.keys))
        XCTAssertTrue(a.keys.contains { $0.hasPrefix("adam.m.") }, "the optimiser state is saved")
        for name in a.keys.sorted() { XCTAssertEqual(a[name], c[name], "tensor \(name) differs after resuming") }
        let ma = try SafeTensors.read(from: straight).metadata, mc = try SafeTensors.read(from: resumed).metadata
        for key in ["epoch", "adam.step", "objective", "corruption", "seed", "adam.config", "batch", "clip"] {
            XCTAssertNotNil(ma[key], "metadata \(key) is written")
            XCTAssertEqual(ma[key], mc[key], "metadata \(key)")
        }
        XCTAssertEqual(ma["epoch"], "3")
        XCTAssertEqual(ma["corruption"], "salt_pepper 0.1")
        // Without the saved settings the continuation differs: the test can fail.
        let other = dir + "/other.safetensors"
        try Interpreter(sink: CaptureSink()).run(
            "let d = load synthetic subset 60\nlet m = open \"\(half)\"\ntrain m on d.train epochs 1 objective vae seed 7\nsave m \"\(other)\"", file: "d.dvae")
        XCTAssertNotEqual(try bits(other)["decoder.out.weight"], a["decoder.out.weight"])
    }

    func testExplicitSettingsOverrideTheSavedOnes() throws {
        let path = dir + "/m.safetensors"
        let (interp, sink) = makeInterpreter()
        try interp.run(setup + "train m on d.train \(settings) epochs 1\nsave m \"\(path)\"\nlet m2 = open \"\(path)\"\n"
                       + "let r = train m2 on d.train epochs 1 batch 30\nprint r", file: "e.dvae")
        XCTAssertTrue(sink.output.contains("dvae salt_pepper 0.1"), sink.output)
    }

    func testCorruptTrainingMetadataIsALocatedError() throws {
        let path = dir + "/m.safetensors"
        try Interpreter(sink: CaptureSink()).run(setup + "train m on d.train \(settings) epochs 1\nsave m \"\(path)\"", file: "f.dvae")
        let file = try SafeTensors.read(from: path)
        for (key, value, expected) in [("objective", "{\"kind\":\"dvae\"}", "metadata 'objective'"),
                                       ("batch", "-3", "metadata 'batch' is '-3'"),
                                       ("seed", "x", "metadata 'seed' is 'x'"),
                                       ("adam.config", "{\"lr\":-1,\"beta1\":0.9,\"beta2\":0.999,\"eps\":1e-8}", "metadata 'adam.config'")] {
            var metadata = file.metadata
            metadata[key] = value
            let bad = dir + "/bad.safetensors"
            try SafeTensors(tensors: file.tensors, metadata: metadata).write(to: bad)
            assertError("let m = open \"\(bad)\"", at: 1, 14, expected)
        }
    }
}

/// The exact linear-Gaussian computations take σ in Double, as written in the script.
final class ExactSigmaTests: XCTestCase {
    func testNoiseGaussianOnePointThreeStaysOnePointThree() throws {
        let (interp, sink) = makeInterpreter()
        try interp.run("""
            let g = model linear_gaussian 3 2 seed 4
            let xs = sample g 6 seed 1
            let viaNoise = bound g on xs cvae noise gaussian 1.3
            let g13 = model linear_gaussian 3 2 seed 4 noise_sigma 1.3
            let viaModel = bound g13 on xs cvae
            print g13.sigma == 1.3, viaNoise.value == viaModel.value
            """, file: "s.dvae")
        XCTAssertEqual(sink.output, "true true")
    }
}
