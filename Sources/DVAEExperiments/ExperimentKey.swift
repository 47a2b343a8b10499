import DVAE
import Foundation

/// The cache key of an `ExperimentConfig`: the FNV-1a 64-bit hash of its canonical JSON, written
/// as 16 lowercase hex digits (the file name stem of its cached result).
///
/// The canonical JSON is `ExperimentJSON.canonicalEncoder`'s output: sorted keys, no whitespace,
/// nil optionals omitted (so adding a new optional field later keeps the keys of old cells).
/// Any change to a field's name or encoding — here, in `ModelConfig` or in `Corruption` — changes
/// every key; the test suite pins a literal key so such a change is noticed. The full
/// configuration is stored in each result file too, so a collision or a format change is
/// detected on lookup (and recomputed) rather than silently reused.
public enum ExperimentKey {
    /// The canonical JSON text of `config` (sorted keys, compact).
    public static func canonicalJSON(_ config: ExperimentConfig) -> String {
        // Encoding plain Codable values with non-finite floats converted cannot fail.
        let data = try! ExperimentJSON.canonicalEncoder().encode(config)
        return String(decoding: data, as: UTF8.self)
    }

    /// The 64-bit FNV-1a hash of `bytes` (`FNV1a64`, the engine's one copy).
    public static func fnv1a64<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        FNV1a64.hash(bytes)
    }

    /// The key of `config`: `fnv1a64(canonicalJSON(config).utf8)` as 16 lowercase hex digits.
    public static func key(for config: ExperimentConfig) -> String {
        hexDigits(fnv1a64(canonicalJSON(config).utf8))
    }
}

/// The JSON settings shared by cache keys and result files.
enum ExperimentJSON {
    /// Non-finite bounds (a diverged run) are written as these strings instead of failing.
    static let positiveInfinity = "inf", negativeInfinity = "-inf", nan = "nan"

    /// Sorted keys, compact: the form hashed by `ExperimentKey`.
    static func canonicalEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: positiveInfinity, negativeInfinity: negativeInfinity, nan: nan)
        e.dateEncodingStrategy = .iso8601
        return e
    }

    /// Sorted keys, pretty-printed: the form of result files (readable and diff-friendly).
    static func fileEncoder() -> JSONEncoder {
        let e = canonicalEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return e
    }

    /// The decoder matching both encoders.
    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: positiveInfinity, negativeInfinity: negativeInfinity, nan: nan)
        d.dateDecodingStrategy = .iso8601
        return d
    }
}
