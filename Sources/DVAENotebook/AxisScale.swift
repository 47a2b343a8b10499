import Foundation

/// An axis covering a data range with "nice" round ticks: linear (ticks 1, 2 or 5 × 10ⁿ apart)
/// or logarithmic (ticks at powers of ten, and at 2 and 5 × 10ⁿ over short ranges).
public struct AxisScale: Sendable, Equatable {
    /// Lower end of the axis (a tick value).
    public var lower: Double
    /// Upper end of the axis (a tick value).
    public var upper: Double
    /// Distance between ticks.
    public var step: Double
    /// The tick values from `lower` to `upper`.
    public var ticks: [Double]
    /// Whether positions are proportional to log₁₀ of the value (then `step` is 0).
    public var isLogarithmic = false

    /// Builds an axis covering `minimum...maximum` with about `targetTicks` ticks.
    /// A degenerate or non-finite range is widened so the axis is always usable.
    public init(minimum: Double, maximum: Double, targetTicks: Int = 5) {
        var lo = minimum.isFinite ? minimum : 0
        var hi = maximum.isFinite ? maximum : 1
        if lo > hi { swap(&lo, &hi) }
        if hi - lo < 1e-12 * max(1, abs(lo)) {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        let step = Self.niceStep((hi - lo) / Double(max(1, targetTicks - 1)))
        let first = (lo / step).rounded(.down) * step
        let last = (hi / step).rounded(.up) * step
        let count = Int(((last - first) / step).rounded()) + 1
        self.step = step
        self.lower = first
        self.upper = last
        self.ticks = (0..<count).map { first + Double($0) * step }
    }

    /// A logarithmic axis covering `minimum...maximum` (values ≤ 0 or non-finite are ignored;
    /// an empty range becomes 1…10). The ends are powers of ten.
    public init(logarithmicMinimum minimum: Double, maximum: Double) {
        var lo = minimum.isFinite && minimum > 0 ? minimum : (maximum.isFinite && maximum > 0 ? maximum / 10 : 1)
        var hi = maximum.isFinite && maximum > 0 ? maximum : lo * 10
        if lo > hi { swap(&lo, &hi) }
        var first = Int((log10(lo) + 1e-9).rounded(.down))
        var last = Int((log10(hi) - 1e-9).rounded(.up))
        if last <= first { first -= lo == hi ? 1 : 0; last = first + 1 }
        let decades = last - first
        var ticks: [Double] = []
        let stride = max(1, (decades + 7) / 8)            // at most about 8 labelled powers
        for e in Swift.stride(from: first, through: last, by: stride) {
            let power = pow(10, Double(e))
            ticks.append(power)
            if decades <= 2 && e < last { ticks += [2 * power, 5 * power] }
        }
        if decades <= 2 {
            // Over a short range the ends are the 1-2-5 ticks just around the data, not whole decades.
            let tolerance = 1 + 1e-9
            let low = ticks.last(where: { $0 <= lo * tolerance }) ?? ticks[0]
            let high = ticks.first(where: { $0 * tolerance >= hi }) ?? ticks[ticks.count - 1]
            if low < high { ticks = ticks.filter { $0 >= low && $0 <= high } }
        }
        self.lower = ticks[0]
        self.upper = ticks[ticks.count - 1]
        self.step = 0
        self.ticks = ticks
        self.isLogarithmic = true
    }

    /// The smallest of 1, 2, 5 × 10ⁿ that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let exponent = (log10(raw)).rounded(.down)
        let base = pow(10, exponent)
        for m in [1.0, 2.0, 5.0, 10.0] where m * base >= raw * (1 - 1e-9) {
            return m * base
        }
        return 10 * base
    }

    /// Where `value` falls on the axis, 0 at `lower` and 1 at `upper`.
    public func fraction(_ value: Double) -> Double {
        if isLogarithmic {
            let v = value > 0 ? log10(value) : log10(lower) - 1
            return (v - log10(lower)) / (log10(upper) - log10(lower))
        }
        return (value - lower) / (upper - lower)
    }

    /// A tick label with just enough decimals for this step (e.g. "0.05", "-110", "1e+04").
    public func label(_ value: Double) -> String {
        if isLogarithmic {
            if value >= 1e-3 && value < 1e5 {
                let decimals = max(0, Int(-(log10(value) + 1e-9).rounded(.down)))
                return String(format: "%.\(decimals)f", value)
            }
            return String(format: "%.0e", value)
        }
        let magnitude = max(abs(lower), abs(upper))
        if magnitude >= 1e6 || (magnitude > 0 && magnitude < 1e-4) {
            return String(format: "%.2g", value)
        }
        let decimals = max(0, Int(-(log10(step)).rounded(.down)))
        let text = String(format: "%.\(decimals)f", abs(value) < step * 1e-9 ? 0 : value)
        return text
    }
}
