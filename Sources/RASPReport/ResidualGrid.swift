import Foundation
import RASPModel

/// The residual stream after one stage as an SVG grid: a row per residual dimension, labelled with its
/// `s-op:value` name, a column per position (BOS first) labelled with its token; a cell is shaded blue
/// for a positive value and red for a negative one, by its size against the grid's largest (at least 1).
public struct ResidualGrid: Sendable {
    /// Positions x residual width.
    public var residual: Matrix
    public var labels: [String]
    /// The tokens of the positions, BOS first.
    public var tokens: [String]
    public var title: String

    public init(residual: Matrix, labels: [String], tokens: [String], title: String) {
        precondition(residual.columns == labels.count && residual.rows == tokens.count, "one label per dimension, one token per position")
        self.residual = residual
        self.labels = labels
        self.tokens = tokens
        self.title = title
    }

    static let cellWidth = 34.0
    static let rowHeight = 14.0
    static let headerHeight = 18.0
    /// Values smaller than this are drawn as empty cells.
    static let visible = 1e-6

    var labelWidth: Double { Double(min(48, labels.map(\.count).max() ?? 0)) * 6.2 + 8 }

    public var svg: Markup {
        let width = labelWidth + Double(residual.rows) * ResidualGrid.cellWidth + 4
        let height = ResidualGrid.headerHeight + Double(labels.count) * ResidualGrid.rowHeight + 4
        var svg = Markup("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("class", "residual-grid"),
                                 ("width", Markup.number(width)), ("height", Markup.number(height)),
                                 ("viewBox", "0 0 \(Markup.number(width)) \(Markup.number(height))"),
                                 ("font-family", "monospace"), ("font-size", "10")])
        svg.append(Markup("title", text: title))
        for p in 0..<residual.rows {
            let x = labelWidth + (Double(p) + 0.5) * ResidualGrid.cellWidth
            svg.append(Markup("text", [("x", Markup.number(x)), ("y", "12"), ("text-anchor", "middle"), ("class", "position-label")],
                              text: AttentionHeatmap.name(p, tokens)))
        }
        let scale = max(1, residual.values.map(abs).max() ?? 0)
        for d in labels.indices { svg.append(row(d, scale: scale)) }
        return svg
    }

    /// Dimension `d`'s label, a light band, and a cell per position whose value is not about zero.
    func row(_ d: Int, scale: Double) -> Markup {
        let y = ResidualGrid.headerHeight + Double(d) * ResidualGrid.rowHeight
        var g = Markup("g", [("class", "residual-row")])
        let label = labels[d].count > 48 ? String(labels[d].prefix(47)) + "\u{2026}" : labels[d]
        g.append(Markup("text", [("x", "2"), ("y", Markup.number(y + ResidualGrid.rowHeight - 3))], text: label))
        g.append(Markup("rect", [("x", Markup.number(labelWidth)), ("y", Markup.number(y)),
                                 ("width", Markup.number(Double(residual.rows) * ResidualGrid.cellWidth)),
                                 ("height", Markup.number(ResidualGrid.rowHeight)), ("fill", d % 2 == 0 ? "#fafafa" : "#f0f0f0")]))
        for p in 0..<residual.rows {
            let v = residual[p, d]
            guard abs(v) >= ResidualGrid.visible else { continue }
            var rect = Markup("rect", [("class", "cell"), ("x", Markup.number(labelWidth + Double(p) * ResidualGrid.cellWidth)),
                                       ("y", Markup.number(y)), ("width", Markup.number(ResidualGrid.cellWidth)),
                                       ("height", Markup.number(ResidualGrid.rowHeight)), ("fill", ResidualGrid.shade(v / scale))])
            rect.append(Markup("title", text: "\(labels[d]) at \(AttentionHeatmap.name(p, tokens)): \(String(format: "%.6g", v))"))
            g.append(rect)
        }
        return g
    }

    /// Blue for positive, red for negative, white for 0; `t` in [-1, 1].
    static func shade(_ t: Double) -> String {
        let a = min(1, abs(t))
        let full: (Double, Double, Double) = t >= 0 ? (31, 78, 156) : (198, 40, 40)
        func channel(_ c: Double) -> Int { Int((255 - (255 - c) * a).rounded()) }
        return String(format: "#%02x%02x%02x", channel(full.0), channel(full.1), channel(full.2))
    }
}
