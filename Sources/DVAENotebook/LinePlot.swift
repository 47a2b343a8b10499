/// A line chart: several named series sharing one pair of axes.
///
/// Series are told apart by more than colour: series `i` gets marker ``Marker/allCases``[i % 8]
/// and dash pattern ``Dash/allCases``[i % 4] in every renderer, so a chart stays readable in
/// grey print and for colour-blind readers.
public struct LinePlot: Sendable, Equatable {
    /// One named curve of (x, y) points, drawn in order, optionally with error bars.
    public struct Series: Sendable, Equatable {
        /// Legend entry.
        public var name: String
        /// X coordinates.
        public var x: [Double]
        /// Y coordinates (same count as `x`; extra points are ignored).
        public var y: [Double]
        /// Half-widths of vertical error bars (`y ± error`, e.g. standard errors), one per point,
        /// or nil for none. A non-finite or missing entry draws no bar at that point.
        public var errors: [Double]?
        /// True for a scatter: every point marked, no line between them.
        public var pointsOnly: Bool

        /// Creates a series.
        public init(name: String, x: [Double], y: [Double], errors: [Double]? = nil, pointsOnly: Bool = false) {
            self.name = name
            self.x = x
            self.y = y
            self.errors = errors
            self.pointsOnly = pointsOnly
        }

        /// The finite (x, y) pairs of this series, with the error bar half-width (0 when none).
        public var finitePoints: [(x: Double, y: Double)] {
            points.map { (x: $0.x, y: $0.y) }
        }

        /// The finite points with their error half-width (0 when none or not finite).
        public var points: [(x: Double, y: Double, error: Double)] {
            var out: [(x: Double, y: Double, error: Double)] = []
            for i in 0..<min(x.count, y.count) where x[i].isFinite && y[i].isFinite {
                var e = 0.0
                if let errors, i < errors.count, errors[i].isFinite { e = abs(errors[i]) }
                out.append((x[i], y[i], e))
            }
            return out
        }

        /// The points that can be drawn on axes of the given kinds (a log axis needs values > 0;
        /// an error bar reaching below 0 on a log y axis is cut at the axis).
        public func drawablePoints(logX: Bool, logY: Bool) -> [(x: Double, y: Double, error: Double)] {
            points.filter { (!logX || $0.x > 0) && (!logY || $0.y > 0) }
        }

        /// The drawable points in runs: a point that cannot be drawn (nan or inf, or ≤ 0 on a log
        /// axis) ends a run, so a line is drawn along each run and broken at the gap rather than
        /// joined across it (a line through a missing value would show a value nobody measured).
        public func drawableRuns(logX: Bool, logY: Bool) -> [[(x: Double, y: Double, error: Double)]] {
            var runs: [[(x: Double, y: Double, error: Double)]] = []
            var current: [(x: Double, y: Double, error: Double)] = []
            for i in 0..<min(x.count, y.count) {
                let (px, py) = (x[i], y[i])
                guard px.isFinite, py.isFinite, !logX || px > 0, !logY || py > 0 else {
                    if !current.isEmpty { runs.append(current) }
                    current = []
                    continue
                }
                var e = 0.0
                if let errors, i < errors.count, errors[i].isFinite { e = abs(errors[i]) }
                current.append((px, py, e))
            }
            if !current.isEmpty { runs.append(current) }
            return runs
        }

        /// How many of the points cannot be drawn: coordinates that are not finite (nan or inf),
        /// and finite ones ≤ 0 on a log axis.
        public func leftOut(logX: Bool, logY: Bool) -> (notFinite: Int, notPositive: Int) {
            var notFinite = 0, notPositive = 0
            for i in 0..<min(x.count, y.count) {
                if !x[i].isFinite || !y[i].isFinite {
                    notFinite += 1
                } else if (logX && x[i] <= 0) || (logY && y[i] <= 0) {
                    notPositive += 1
                }
            }
            return (notFinite, notPositive)
        }
    }

    /// The shape drawn at each data point of a series.
    public enum Marker: String, Sendable, CaseIterable {
        case circle, square, triangle, diamond, cross, plus, triangleDown, star

        /// The terminal glyph (one cell wide in common terminal fonts).
        public var glyph: Character {
            switch self {
            case .circle: return "●"
            case .square: return "■"
            case .triangle: return "▲"
            case .diamond: return "◆"
            case .cross: return "✕"
            case .plus: return "✚"
            case .triangleDown: return "▼"
            case .star: return "★"
            }
        }

        /// The ASCII glyph for terminals without colour.
        public var ascii: Character {
            switch self {
            case .circle: return "*"
            case .square: return "#"
            case .triangle: return "^"
            case .diamond: return "o"
            case .cross: return "x"
            case .plus: return "+"
            case .triangleDown: return "v"
            case .star: return "@"
            }
        }
    }

    /// The line pattern of a series.
    public enum Dash: String, Sendable, CaseIterable {
        case solid, dashed, dotted, dashDot

        /// An SVG `stroke-dasharray` value, or nil for a solid line.
        public var svgDashArray: String? {
            switch self {
            case .solid: return nil
            case .dashed: return "8 4"
            case .dotted: return "2 3"
            case .dashDot: return "8 3 2 3"
            }
        }

        /// Whether step `n` along a braille line is inked (the same patterns, in dots).
        public func inks(_ n: Int) -> Bool {
            switch self {
            case .solid: return true
            case .dashed: return n % 6 < 4
            case .dotted: return n % 2 == 0
            case .dashDot: return [0, 1, 2, 3, 5].contains(n % 8)
            }
        }
    }

    /// Chart title.
    public var title: String
    /// Label under the x axis.
    public var xLabel: String
    /// Label beside the y axis.
    public var yLabel: String
    /// The curves.
    public var series: [Series]
    /// A logarithmic x axis (points with x ≤ 0 are left out).
    public var logX: Bool
    /// A logarithmic y axis (points with y ≤ 0 are left out).
    public var logY: Bool

    /// Creates a plot.
    public init(title: String, xLabel: String, yLabel: String, series: [Series],
                logX: Bool = false, logY: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logX = logX
        self.logY = logY
    }

    /// The marker of series `i`.
    public static func marker(_ i: Int) -> Marker { Marker.allCases[i % Marker.allCases.count] }

    /// The dash pattern of series `i`.
    public static func dash(_ i: Int) -> Dash { Dash.allCases[i % Dash.allCases.count] }

    /// Every drawable point of every series.
    public var drawablePoints: [(x: Double, y: Double, error: Double)] {
        series.flatMap { $0.drawablePoints(logX: logX, logY: logY) }
    }

    /// The axes covering every drawable point, error bars included.
    public func axes(xTicks: Int = 5, yTicks: Int = 5) -> (x: AxisScale, y: AxisScale) {
        let points = drawablePoints
        let xs = points.map(\.x)
        var ys: [Double] = []
        for p in points {
            ys.append(p.y + p.error)
            let low = p.y - p.error
            ys.append(logY && low <= 0 ? p.y : low)
        }
        func axis(_ values: [Double], log: Bool, ticks: Int) -> AxisScale {
            let lo = values.min() ?? (log ? 1 : 0), hi = values.max() ?? (log ? 10 : 1)
            return log ? AxisScale(logarithmicMinimum: lo, maximum: hi) : AxisScale(minimum: lo, maximum: hi, targetTicks: ticks)
        }
        return (axis(xs, log: logX, ticks: xTicks), axis(ys, log: logY, ticks: yTicks))
    }
}
