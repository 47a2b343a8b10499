/// A line chart: several named series sharing one pair of axes.
public struct LinePlot: Sendable, Equatable {
    /// One named curve of (x, y) points, drawn in order.
    public struct Series: Sendable, Equatable {
        /// Legend entry.
        public var name: String
        /// X coordinates.
        public var x: [Double]
        /// Y coordinates (same count as `x`; extra points are ignored).
        public var y: [Double]

        /// Creates a series.
        public init(name: String, x: [Double], y: [Double]) {
            self.name = name
            self.x = x
            self.y = y
        }

        /// The finite (x, y) pairs of this series.
        public var finitePoints: [(x: Double, y: Double)] {
            zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }.map { (x: $0.0, y: $0.1) }
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

    /// Creates a plot.
    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }
}
