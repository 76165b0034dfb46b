import Foundation
import RASPModel

/// One head's attention as an SVG grid: a row per input query, a column per key (BOS first), each
/// cell shaded by its weight and labelled with it when it is at least 0.01; rows and columns are
/// labelled with their tokens.
public struct AttentionHeatmap: Sendable {
    /// Queries x keys, BOS first (the BOS query row is not drawn).
    public var weights: Matrix
    /// The tokens of the positions, BOS first.
    public var tokens: [String]
    public var title: String

    public init(weights: Matrix, tokens: [String], title: String) {
        self.weights = weights
        self.tokens = tokens
        self.title = title
    }

    static let cell = 30.0
    static let labelWidth = 64.0
    static let labelHeight = 40.0

    public var svg: Markup {
        let keys = weights.columns, queries = weights.rows - 1
        let width = AttentionHeatmap.labelWidth + Double(keys) * AttentionHeatmap.cell + 4
        let height = AttentionHeatmap.labelHeight + Double(queries) * AttentionHeatmap.cell + 4
        var svg = Markup("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("class", "heatmap"),
                                 ("width", Markup.number(width)), ("height", Markup.number(height)),
                                 ("viewBox", "0 0 \(Markup.number(width)) \(Markup.number(height))"),
                                 ("font-family", "monospace"), ("font-size", "10")])
        svg.append(Markup("title", text: title))
        svg.append(Markup("text", [("x", "2"), ("y", "12"), ("fill", "#555")], text: "query \u{2193} key \u{2192}"))
        for k in 0..<keys {
            let x = AttentionHeatmap.labelWidth + (Double(k) + 0.5) * AttentionHeatmap.cell
            svg.append(Markup("text", [("x", Markup.number(x)), ("y", Markup.number(AttentionHeatmap.labelHeight - 6)),
                                       ("text-anchor", "middle"), ("class", "key-label")], text: AttentionHeatmap.name(k, tokens)))
        }
        for q in 1..<weights.rows { svg.append(row(q)) }
        return svg
    }

    /// A query's label and its cells.
    func row(_ q: Int) -> Markup {
        let y = AttentionHeatmap.labelHeight + Double(q - 1) * AttentionHeatmap.cell
        var g = Markup("g", [("class", "query-row")])
        g.append(Markup("text", [("x", Markup.number(AttentionHeatmap.labelWidth - 6)), ("y", Markup.number(y + AttentionHeatmap.cell / 2 + 4)),
                                 ("text-anchor", "end")], text: AttentionHeatmap.name(q, tokens)))
        for k in 0..<weights.columns {
            let w = weights[q, k], x = AttentionHeatmap.labelWidth + Double(k) * AttentionHeatmap.cell
            var rect = Markup("rect", [("class", "cell"), ("x", Markup.number(x)), ("y", Markup.number(y)),
                                       ("width", Markup.number(AttentionHeatmap.cell)), ("height", Markup.number(AttentionHeatmap.cell)),
                                       ("fill", AttentionHeatmap.shade(w)), ("stroke", "#ddd")])
            rect.append(Markup("title", text: "\(AttentionHeatmap.name(q, tokens)) -> \(AttentionHeatmap.name(k, tokens)): \(String(format: "%.4f", w))"))
            g.append(rect)
            if w >= TraceReport.shownWeight {
                g.append(Markup("text", [("x", Markup.number(x + AttentionHeatmap.cell / 2)), ("y", Markup.number(y + AttentionHeatmap.cell / 2 + 3)),
                                         ("text-anchor", "middle"), ("font-size", "8"), ("fill", w > 0.55 ? "#fff" : "#222")],
                                  text: String(format: "%.2f", w)))
            }
        }
        return g
    }

    /// `BOS`, then `0:a`, `1:b`, ... (input position and token).
    static func name(_ position: Int, _ tokens: [String]) -> String {
        position == 0 ? "BOS" : "\(position - 1):\(tokens[position])"
    }

    /// White for 0 to dark blue for 1.
    static func shade(_ w: Double) -> String {
        let t = min(1, max(0, w))
        func channel(_ full: Double) -> Int { Int((255 - (255 - full) * t).rounded()) }
        return String(format: "#%02x%02x%02x", channel(31), channel(78), channel(156))
    }
}
