/// Why a corruption could not be built, validated or evaluated.
public enum CorruptionError: Error, Equatable, CustomStringConvertible {
    /// The level is outside the allowed range for that kind of corruption.
    case invalidLevel(name: String, level: Float, requirement: String)
    /// The name is not one of the known corruption names.
    case unknownName(String)
    /// Exact probabilities were asked of a continuous (Gaussian) corruption.
    case notDiscrete(String)
    /// A density was asked of a discrete corruption (use the exact probability instead).
    case notContinuous(String)
    /// A vector that must be binary holds another value.
    case notBinary(index: Int, value: Float)
    /// `x` and `x̃` have different lengths.
    case lengthMismatch(x: Int, xTilde: Int)
    /// Enumeration of all 2^D outcomes was asked for a too large D.
    case dimensionTooLarge(dimension: Int, maximum: Int)

    /// A one-line message saying what was wrong and what is accepted.
    public var description: String {
        switch self {
        case let .invalidLevel(name, level, requirement):
            return "invalid \(name) level \(level): it must be \(requirement)"
        case let .unknownName(name):
            return "unknown corruption '\(name)'; known: \(Corruption.names.joined(separator: ", "))"
        case let .notDiscrete(name):
            return "\(name) corruption is continuous: it has a density, not a probability per outcome; use logDensity or a discrete corruption (salt_pepper, bitflip)"
        case let .notContinuous(name):
            return "\(name) corruption is discrete: use logProbability/probability, which give exact probabilities"
        case let .notBinary(index, value):
            return "expected a binary vector (0 or 1), found \(value) at index \(index)"
        case let .lengthMismatch(x, xTilde):
            return "x has \(x) values but x̃ has \(xTilde)"
        case let .dimensionTooLarge(dimension, maximum):
            return "cannot enumerate all 2^\(dimension) corruptions: dimension must be at most \(maximum)"
        }
    }
}
