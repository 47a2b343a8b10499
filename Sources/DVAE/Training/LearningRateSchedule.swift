import Foundation

/// How the learning rate changes from epoch to epoch: the base rate (`AdamConfig.lr`) times a
/// factor that depends on the epoch.
///
/// Epochs are counted from 0 here, as in the authors' training loop (`for epoch in
/// xrange(num_epoch + 1)`); `Trainer` passes `epoch − 1` for its 1-based epoch.
///
/// - `constant`: factor 1 (the default; every run before this option existed).
/// - `authors`: the stepped schedule of the authors' MNIST script (`main_mnist.py`, with
///   `get_epsilon_decay` of `utils.py`): at epochs 0, 2, 8, 26, 80, 242, 728, 2186 — the epochs
///   e with e + 1 = 3^(i − 1), i = 1, 2, … — the factor becomes 10^(1 − (i − 1)/c) with
///   c = log(⌊E/2⌋)/log 3 for a run of E epochs, and stays there until the next step. With the
///   base rate 1e-4 it starts at 1e-3 and ends near 1e-4; a shorter run compresses the same
///   descent into fewer steps (E = 50: 1e-3, 4.6e-4, 2.1e-4, 9.5e-5 at epochs 0, 2, 8, 26).
///   For E < 4 (c ≤ 0) the factor stays 10.
/// - `inverse(T)`: factor 1/(1 + epoch/T) (the authors' Frey Face script, `get_epsilon` with
///   T = 3000, the number of epochs).
public enum LearningRateSchedule: Hashable, Sendable {
    /// The base rate in every epoch.
    case constant
    /// The authors' stepped schedule, 10× the base rate down to about the base rate.
    case authors
    /// The base rate divided by 1 + epoch / T.
    case inverse(Double)

    /// The canonical names, as the language writes them: "constant", "authors", "decay".
    public static let names = ["constant", "authors", "decay"]

    /// The factor multiplying the base rate in the 0-based `epoch` of a run of `totalEpochs`.
    public func factor(epoch: Int, totalEpochs: Int) -> Double {
        switch self {
        case .constant:
            return 1
        case .inverse(let t):
            return 1 / (1 + Double(epoch) / t)
        case .authors:
            // i = the number of steps taken by this epoch: 3^(i−1) ≤ epoch + 1 < 3^i.
            var i = 0
            var threshold = 1
            while threshold <= epoch + 1 {
                i += 1
                threshold *= 3
            }
            let half = totalEpochs / 2          // Python 2 integer division, as in the script
            guard half >= 2 else { return 10 }  // c ≤ 0: the first step only
            let c = log(Double(half)) / log(3.0)
            return pow(10, 1 - Double(i - 1) / c)
        }
    }

    /// Checks the parameter: T must be finite and positive.
    public func validate() throws {
        if case .inverse(let t) = self, !(t.isFinite && t > 0) {
            throw ScheduleError.invalidDecay(t)
        }
    }
}

/// Why a learning-rate schedule was refused.
public enum ScheduleError: Error, Equatable, CustomStringConvertible {
    /// The T of `decay T` is not a finite positive number.
    case invalidDecay(Double)

    /// A sentence saying what is accepted.
    public var description: String {
        switch self {
        case .invalidDecay(let t): return "learning-rate decay T = \(t): T must be a finite positive number of epochs"
        }
    }
}

extension LearningRateSchedule {
    /// The words a schedule is written with, for messages: "constant, authors or decay T".
    public static let usage = "constant, authors or decay T"

    /// The schedule written `text` as `description` writes it — `constant`, `authors` or
    /// `decay T` with T a finite positive number — or nil. The one reader of these words (the
    /// language's `schedule "…"` and the checkpoint's `schedule` entry).
    public init?(name text: String) {
        let parts = text.split(separator: " ")
        switch (parts.first, parts.count) {
        case ("constant", 1): self = .constant
        case ("authors", 1): self = .authors
        case ("decay", 2):
            guard let t = Double(parts[1]), t.isFinite, t > 0 else { return nil }
            self = .inverse(t)
        default: return nil
        }
    }
}

extension LearningRateSchedule: CustomStringConvertible {
    /// `constant`, `authors` or `decay T` (the words the language accepts).
    public var description: String {
        switch self {
        case .constant: return "constant"
        case .authors: return "authors"
        case .inverse(let t): return "decay \(t == t.rounded() ? String(Int(t)) : String(t))"
        }
    }
}

extension LearningRateSchedule: Codable {
    private enum CodingKeys: String, CodingKey { case kind, epochs }

    /// `{"kind": "constant"}`, `{"kind": "authors"}` or `{"kind": "decay", "epochs": T}`.
    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .constant: try c.encode("constant", forKey: .kind)
        case .authors: try c.encode("authors", forKey: .kind)
        case .inverse(let t):
            try c.encode("decay", forKey: .kind)
            try c.encode(t, forKey: .epochs)
        }
    }

    /// Decodes the form written by `encode(to:)`.
    public init(from decoder: Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "constant": self = .constant
        case "authors": self = .authors
        case "decay": self = .inverse(try c.decode(Double.self, forKey: .epochs))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                                                   debugDescription: "unknown schedule '\(other)'; known: \(Self.names.joined(separator: ", "))")
        }
    }
}
