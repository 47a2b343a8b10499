import XCTest
@testable import DVAE

final class CorruptionTests: XCTestCase {
    /// A binary test image with half zeros and half ones.
    private func halfOnes(rows: Int, cols: Int) -> Tensor {
        let t = Tensor(rows: rows, cols: cols)
        for i in 0..<t.count { t[i] = i % 2 == 0 ? 0 : 1 }
        return t
    }

    /// |observed − expected| within 5 standard errors of a binomial proportion.
    private func assertRate(_ observed: Double, _ p: Double, n: Int, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let se = (p * (1 - p) / Double(n)).squareRoot()
        XCTAssertEqual(observed, p, accuracy: max(5 * se, 1e-12), what, file: file, line: line)
    }

    func testBitFlipRateMatchesP() {
        var rng = RNG(seed: 11)
        let x = halfOnes(rows: 200, cols: 500)
        for p: Float in [0, 0.05, 0.3, 1] {
            let y = Corruption.bitFlip(p).apply(x, rng: &rng)
            var flips = 0
            for i in 0..<x.count {
                XCTAssertTrue(y[i] == 1 - x[i] || y[i] == x[i])
                if y[i] != x[i] { flips += 1 }
            }
            assertRate(Double(flips) / Double(x.count), Double(p), n: x.count, "bit-flip p=\(p)")
        }
    }

    func testSaltPepperReplacesWithProbabilityPAndHalfZeros() {
        var rng = RNG(seed: 12)
        let x = halfOnes(rows: 200, cols: 500)
        for p: Float in [0, 0.1, 0.5, 1] {
            let y = Corruption.saltPepper(p).apply(x, rng: &rng)
            var changed = 0, zeros = 0
            for i in 0..<x.count {
                XCTAssertTrue(y[i] == 0 || y[i] == 1)
                if y[i] != x[i] { changed += 1 }
                if y[i] == 0 { zeros += 1 }
            }
            // A binary pixel changes with probability p/2; the output stays half zeros on this input.
            assertRate(Double(changed) / Double(x.count), Double(p) / 2, n: x.count, "salt-and-pepper p=\(p)")
            assertRate(Double(zeros) / Double(x.count), 0.5, n: x.count, "zeros p=\(p)")
        }
        // On a constant grey image, every replaced pixel shows: the replacement rate is p, half to 0.
        let grey = Tensor(rows: 100, cols: 1000, repeating: 0.5)
        let y = Corruption.saltPepper(0.2).apply(grey, rng: &rng)
        var replaced = 0, zeros = 0
        for i in 0..<grey.count where y[i] != 0.5 { replaced += 1; if y[i] == 0 { zeros += 1 } }
        assertRate(Double(replaced) / Double(grey.count), 0.2, n: grey.count, "replacement rate")
        assertRate(Double(zeros) / Double(replaced), 0.5, n: replaced, "salt vs pepper")
    }

    func testGaussianAddsUnclippedNoiseWithSigma() {
        var rng = RNG(seed: 13)
        let x = Tensor(rows: 100, cols: 1000, repeating: 0.9)
        let y = Corruption.gaussian(0.25).apply(x, rng: &rng)
        var s = 0.0, s2 = 0.0, above = 0
        for i in 0..<x.count {
            let d = Double(y[i] - x[i]); s += d; s2 += d * d
            if y[i] > 1 { above += 1 }
        }
        let n = Double(x.count)
        XCTAssertEqual(s / n, 0, accuracy: 0.005)
        XCTAssertEqual((s2 / n).squareRoot(), 0.25, accuracy: 0.005)
        XCTAssertGreaterThan(above, 0, "Gaussian noise is not clipped to [0, 1]")
    }

    func testSeededReproducibilityAndInPlace() {
        let x = halfOnes(rows: 10, cols: 30)
        for c in [Corruption.saltPepper(0.3), .bitFlip(0.3), .gaussian(0.1), .none] {
            var a = RNG(seed: 5), b = RNG(seed: 5)
            let ya = c.apply(x, rng: &a)
            let inPlace = x.copy()
            c.apply(inPlace, into: inPlace, rng: &b)
            XCTAssertEqual(ya.array, inPlace.array, "\(c)")
            var other = RNG(seed: 6)
            if !c.isIdentity { XCTAssertNotEqual(ya.array, c.apply(x, rng: &other).array, "\(c)") }
        }
        var r = RNG(seed: 1)
        XCTAssertEqual(Corruption.none.apply(x, rng: &r).array, x.array)
    }

    func testValidateNamesLevelsAndCodable() throws {
        XCTAssertThrowsError(try Corruption.saltPepper(1.5).validate()) { e in
            XCTAssertTrue("\(e)".contains("[0, 1]"), "\(e)")
        }
        XCTAssertThrowsError(try Corruption.bitFlip(-0.1).validate())
        XCTAssertThrowsError(try Corruption.bitFlip(.nan).validate())
        XCTAssertThrowsError(try Corruption.gaussian(-1).validate())
        XCTAssertNoThrow(try Corruption.gaussian(0).validate())
        XCTAssertNoThrow(try Corruption.saltPepper(1).validate())
        XCTAssertThrowsError(try Corruption(name: "blur", level: 0.1)) { e in
            XCTAssertTrue("\(e)".contains("salt_pepper"), "\(e)")
        }
        for c in [Corruption.none, .saltPepper(0.05), .bitFlip(0.25), .gaussian(0.075)] {
            let parts = c.description.split(separator: " ")
            let back = try Corruption(name: String(parts[0]), level: parts.count > 1 ? Float(parts[1])! : 0)
            XCTAssertEqual(back, c)
            let json = try JSONEncoder().encode(c)
            XCTAssertEqual(try JSONDecoder().decode(Corruption.self, from: json), c)
        }
        XCTAssertEqual(Corruption.saltPepper(0.1).name, "salt_pepper")
        XCTAssertEqual(Corruption.gaussian(0.05).level, 0.05)
        XCTAssertEqual(Corruption.none.description, "none")
        let bad = Data(#"{"kind":"bitflip","level":2}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(Corruption.self, from: bad))
    }

    func testExactProbabilities() throws {
        let x: [Float] = [0, 1, 1, 0]
        let p = Double(Float(0.1))  // levels are Float
        XCTAssertEqual(try Corruption.bitFlip(0.1).probability(of: [1, 1, 1, 0], given: x), p * (1 - p) * (1 - p) * (1 - p), accuracy: 1e-12)
        let h = Double(Float(0.2)) / 2
        XCTAssertEqual(try Corruption.saltPepper(0.2).probability(of: [1, 0, 1, 0], given: x), h * h * (1 - h) * (1 - h), accuracy: 1e-12)
        XCTAssertEqual(try Corruption.bitFlip(0.1).logProbability(of: [1, 1, 1, 0], given: x), log(p) + 3 * log(1 - p), accuracy: 1e-12)
        XCTAssertEqual(try Corruption.none.probability(of: x, given: x), 1)
        XCTAssertEqual(try Corruption.none.probability(of: [1, 1, 1, 0], given: x), 0)
        XCTAssertEqual(try Corruption.bitFlip(1).probability(of: [1, 0, 0, 1], given: x), 1, accuracy: 1e-12)
        XCTAssertThrowsError(try Corruption.gaussian(0.1).probability(of: x, given: x))
        XCTAssertThrowsError(try Corruption.bitFlip(0.1).probability(of: [0.5, 1, 1, 0], given: x))
        XCTAssertThrowsError(try Corruption.bitFlip(0.1).probability(of: [0, 1], given: x))
        XCTAssertThrowsError(try Corruption.bitFlip(0.1).enumerateCorruptions(of: [Float](repeating: 0, count: 17)))
        let ld = try Corruption.gaussian(0.5).logDensity(of: [0.5], given: [0])
        XCTAssertEqual(ld, -0.5 - log(0.5) - 0.5 * log(2 * .pi), accuracy: 1e-9)
    }

    func testEnumerationSumsToOneAndMatchesEmpiricalFrequencies() throws {
        let x: [Float] = [1, 0, 0, 1, 1]
        for c in [Corruption.bitFlip(0.3), .saltPepper(0.4), .none] {
            let outcomes = try c.enumerateCorruptions(of: x)
            XCTAssertEqual(outcomes.count, 32)
            XCTAssertEqual(outcomes.map(\.probability).reduce(0, +), 1, accuracy: 1e-12)
            XCTAssertEqual(outcomes[0b10011].xTilde, x, "lexicographic order, pixel 0 most significant")
            for o in outcomes {
                XCTAssertEqual(o.probability, try c.probability(of: o.xTilde, given: x), accuracy: 1e-12)
            }
            // Empirical frequencies of each outcome over many draws.
            var rng = RNG(seed: 99)
            let n = 200_000
            var counts = [Int](repeating: 0, count: 32)
            let t = Tensor(rows: 1, cols: x.count, values: x), out = Tensor(rows: 1, cols: x.count)
            for _ in 0..<n {
                c.apply(t, into: out, rng: &rng)
                var k = 0
                for i in 0..<x.count { k = k << 1 | (out[i] == 1 ? 1 : 0) }
                counts[k] += 1
            }
            for k in 0..<32 {
                assertRate(Double(counts[k]) / Double(n), outcomes[k].probability, n: n, "\(c) outcome \(k)")
            }
        }
    }

    /// `SaltPepperLaw`: the authors' law turns the salt-and-pepper kind into the authors' kind and
    /// refuses the kinds it does not apply to; the textbook law changes nothing.
    func testSaltPepperLawAppliesToTheKind() {
        XCTAssertEqual(SaltPepperLaw.names, ["textbook", "authors"])
        XCTAssertEqual(SaltPepperLaw.authors.applied(to: .saltPepper), .saltPepperAuthors)
        XCTAssertEqual(SaltPepperLaw.authors.applied(to: .none), NoiseKind.none)
        XCTAssertNil(SaltPepperLaw.authors.applied(to: .bitFlip))
        XCTAssertNil(SaltPepperLaw.authors.applied(to: .gaussian))
        for kind in NoiseKind.allCases { XCTAssertEqual(SaltPepperLaw.textbook.applied(to: kind), kind) }
    }
}
