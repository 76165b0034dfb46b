import Foundation

/// A line plot as SVG: training curves (loss and sparsity by step, one line per seed). Axes with
/// rounded ticks, a legend, and at most `maxPoints` points per line (every k-th, the last kept) so
/// that a page with many plots stays small.
public struct LinePlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]

        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var series: [Series]
    /// The y axis's range; by default from the data (including 0).
    public var yRange: ClosedRange<Double>?
    public var width = 380.0, height = 230.0
    public static let maxPoints = 120
    static let palette = ["#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037", "#ad1457"]
    static let inset = (left: 48.0, right: 12.0, top: 26.0, bottom: 36.0)

    public init(title: String, xLabel: String, series: [Series], yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.series = series
        self.yRange = yRange
    }

    /// Ticks at 1, 2 or 5 times a power of ten, about `count` of them, covering `range`.
    static func ticks(_ range: ClosedRange<Double>, count: Int = 4) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let raw = span / Double(count), magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var out: [Double] = []
        var t = ceil(range.lowerBound / step) * step
        while t <= range.upperBound + step * 1e-9 {
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return out
    }

    var xRange: ClosedRange<Double> {
        let xs = series.flatMap { $0.points.map(\.x) }
        guard let lo = xs.min(), let hi = xs.max(), hi > lo else { return 0...1 }
        return lo...hi
    }

    var resolvedYRange: ClosedRange<Double> {
        if let yRange { return yRange }
        let ys = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        let lo = min(0, ys.min() ?? 0), hi = max(ys.max() ?? 1, lo + 1e-9)
        return lo...(hi + (hi - lo) * 0.05)
    }

    public var svg: Markup {
        let n = Markup.number, inset = LinePlot.inset
        let xr = xRange, yr = resolvedYRange
        let plotW = width - inset.left - inset.right, plotH = height - inset.top - inset.bottom
        func px(_ x: Double) -> Double { inset.left + (x - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * plotW }
        func py(_ y: Double) -> Double { inset.top + plotH - (min(max(y, yr.lowerBound), yr.upperBound) - yr.lowerBound) / (yr.upperBound - yr.lowerBound) * plotH }
        var svg = Markup("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("width", n(width)), ("height", n(height)),
                                 ("viewBox", "0 0 \(n(width)) \(n(height))"), ("class", "plot"), ("font-family", "sans-serif"), ("font-size", "10")])
        svg.append(Markup("text", [("x", n(inset.left)), ("y", "14"), ("font-size", "12"), ("font-weight", "bold")], text: title))
        var axes = Markup("g", [("class", "axes"), ("stroke", "#b0bec5"), ("fill", "none")])
        axes.append(Markup("rect", [("x", n(inset.left)), ("y", n(inset.top)), ("width", n(plotW)), ("height", n(plotH))]))
        svg.append(axes)
        var labels = Markup("g", [("class", "ticks"), ("fill", "#546e7a")])
        for t in LinePlot.ticks(yr) {
            labels.append(Markup("text", [("x", n(inset.left - 4)), ("y", n(py(t) + 3)), ("text-anchor", "end")], text: LinePlot.tickText(t)))
        }
        for t in LinePlot.ticks(xr) {
            labels.append(Markup("text", [("x", n(px(t))), ("y", n(inset.top + plotH + 13)), ("text-anchor", "middle")], text: LinePlot.tickText(t)))
        }
        labels.append(Markup("text", [("x", n(inset.left + plotW / 2)), ("y", n(height - 6)), ("text-anchor", "middle")], text: xLabel))
        svg.append(labels)
        for (i, s) in series.enumerated() {
            let color = LinePlot.palette[i % LinePlot.palette.count]
            let d = LinePlot.thinned(s.points).enumerated().map { j, p in (j == 0 ? "M" : "L") + " \(n(px(p.x))) \(n(py(p.y)))" }.joined(separator: " ")
            if !d.isEmpty { svg.append(Markup("path", [("class", "series"), ("d", d), ("stroke", color), ("fill", "none"), ("stroke-width", "1.4")],
                                              [Markup("title", text: s.name)])) }
            let lx = inset.left + 6 + Double(i) * 52
            svg.append(Markup("text", [("class", "key"), ("x", n(lx)), ("y", n(inset.top + 12)), ("fill", color)], text: s.name))
        }
        return svg
    }

    static func tickText(_ t: Double) -> String {
        if abs(t) >= 1000 { return String(format: "%.0f", t) }
        return Markup.number(t)
    }

    /// Every k-th point so that at most `maxPoints` remain, and the last one.
    static func thinned(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard finite.count > maxPoints else { return finite }
        let k = (finite.count + maxPoints - 1) / maxPoints
        var out = stride(from: 0, to: finite.count, by: k).map { finite[$0] }
        if let last = finite.last, out.last.map({ $0.x != last.x }) ?? true { out.append(last) }
        return out
    }
}
