import XCTest
@testable import DVAE

final class TensorTests: XCTestCase {
    func testGemmMatchesNaiveProductForAllTransposes() {
        var rng = RNG(seed: 1)
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let m = 5, k = 7, n = 3
            let a = Tensor(rows: ta ? k : m, cols: ta ? m : k); rng.fillNormal(a)
            let b = Tensor(rows: tb ? n : k, cols: tb ? k : n); rng.fillNormal(b)
            let c = matmul(a, transA: ta, b, transB: tb)
            for i in 0..<m { for j in 0..<n {
                var s: Float = 0
                for p in 0..<k { s += (ta ? a[p, i] : a[i, p]) * (tb ? b[j, p] : b[p, j]) }
                XCTAssertEqual(c[i, j], s, accuracy: 1e-4)
            } }
        }
    }

    func testRNGIsReproducibleAndNormalHasUnitMoments() {
        var a = RNG(seed: 42), b = RNG(seed: 42)
        for _ in 0..<10 { XCTAssertEqual(a.next(), b.next()) }
        var r = RNG(seed: 3)
        let n = 200_000
        var s = 0.0, s2 = 0.0
        for _ in 0..<n { let v = Double(r.normal()); s += v; s2 += v * v }
        XCTAssertEqual(s / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(s2 / Double(n), 1, accuracy: 0.02)
    }
}
