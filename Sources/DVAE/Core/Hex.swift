/// `value` as lowercase hex digits padded with zeros to its full width: two for a byte, sixteen
/// for a 64-bit hash (the form of cache keys and data digests). The one hex formatter.
public func hexDigits<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, T.bitWidth / 4 - digits.count)) + digits
}
