import Foundation

/// The difference a − b between two settings measured on the same seeds (seed s of a beside
/// seed s of b), judged by its spread over seeds.
///
/// Why paired: every cell of a table is scored on the same test digits, so the test set's
/// per-digit standard error is shared by both columns and cancels in their difference; what does
/// not cancel is run-to-run variation (initial weights, noise draws), which only repeated seeds
/// measure. Pairing by seed removes what the two runs of a seed share.
///
/// The verdict: `higher` or `lower` only with at least `minimumSeeds` complete pairs and a mean
/// difference more than `standardErrors` of its standard errors (sd/√n) from zero; otherwise
/// `notDecided`. Pairs where either value is not finite (a pending cell, NaN) are left out.
public struct PairedDifference: Equatable, Sendable {
    /// What the seeds say about a − b.
    public enum Verdict: String, Equatable, Sendable {
        /// a is higher than b beyond the seeds' spread.
        case higher
        /// a is lower than b beyond the seeds' spread.
        case lower
        /// Too few seeds, or a difference within two standard errors of zero.
        case notDecided = "not decided"
    }

    /// Fewest complete pairs that may decide.
    public static let minimumSeeds = 3
    /// How many standard errors from zero decide.
    public static let standardErrors = 2.0

    /// a_s − b_s for each complete pair, in the given order.
    public let differences: [Double]

    /// The paired differences of `a` and `b` (same length, same seed order).
    public init(_ a: [Double], _ b: [Double]) {
        precondition(a.count == b.count, "paired values need the same number of seeds (\(a.count) and \(b.count))")
        differences = zip(a, b).compactMap { $0.isFinite && $1.isFinite ? $0 - $1 : nil }
    }

    /// Complete pairs.
    public var count: Int { differences.count }
    /// Mean difference (NaN without pairs).
    public var mean: Double { count == 0 ? .nan : differences.reduce(0, +) / Double(count) }
    /// Sample standard deviation of the differences (NaN below 2 pairs).
    public var standardDeviation: Double {
        guard count >= 2 else { return .nan }
        let m = mean
        return (differences.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(count - 1)).squareRoot()
    }
    /// Standard error of the mean difference, sd/√n (NaN below 2 pairs).
    public var standardError: Double { standardDeviation / Double(count).squareRoot() }

    /// See the type's summary.
    public var verdict: Verdict {
        guard count >= Self.minimumSeeds, standardError.isFinite else { return .notDecided }
        if mean > Self.standardErrors * standardError { return .higher }
        if mean < -Self.standardErrors * standardError { return .lower }
        return .notDecided
    }
}

extension PairedDifference: CustomStringConvertible {
    /// E.g. `+0.41 ± 0.12 (paired, 3 seeds): higher` or `-0.30 (paired, 1 seed): not decided`.
    public var description: String {
        func signed(_ x: Double) -> String { (x >= 0 ? "+" : "") + String(format: "%.2f", x) }
        guard count > 0 else { return "no complete pairs: not decided" }
        let spread = standardError.isFinite ? " ± " + String(format: "%.2f", standardError) : ""
        return "\(signed(mean))\(spread) (paired, \(count) seed\(count == 1 ? "" : "s")): \(verdict.rawValue)"
    }
}
