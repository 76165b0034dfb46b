/// The picture's title, its legend (each style drawn, with how many edges have it) and its CSS.
extension CircuitPicture {
    /// Stroke colour, width and dash of each style: golden edges in greys, recovered in green,
    /// missing in red (dashed), extra in orange, so that the three errors stand out.
    static let strokes: [Style: (color: String, width: String, dash: String?)] = [
        .optional: ("#9e9e9e", "1.2", "4 3"),
        .required: ("#37474f", "1.8", nil),
        .recoveredOptional: ("#81c784", "1.4", "4 3"),
        .recovered: ("#2e7d32", "2.2", nil),
        .missing: ("#d32f2f", "2.4", "7 4"),
        .extra: ("#ef6c00", "2.4", nil),
    ]

    static var css: String {
        var rules = [
            "svg.circuit .node rect { fill: #fafafa; stroke: #607d8b; stroke-width: 1.2; }",
            "svg.circuit .node.head rect { fill: #e3f2fd; } svg.circuit .node.mlp rect { fill: #fff8e1; }",
            "svg.circuit .node.empty rect { fill: #ffffff; stroke-dasharray: 3 3; }",
            "svg.circuit text { text-anchor: middle; fill: #263238; }",
            "svg.circuit .name { font-size: 11px; font-weight: bold; } svg.circuit .label { font-size: 11px; }",
            "svg.circuit .port { font-size: 8px; fill: #78909c; } svg.circuit .title { font-size: 15px; font-weight: bold; text-anchor: start; }",
            "svg.circuit .subtitle, svg.circuit .legend text { font-size: 11px; text-anchor: start; }",
            "svg.circuit .edge { fill: none; } svg.circuit .row { font-size: 10px; fill: #90a4ae; text-anchor: start; }",
        ]
        for style in Style.allCases {
            let s = strokes[style]!
            rules.append("svg.circuit .\(style.rawValue) { stroke: \(s.color); stroke-width: \(s.width);"
                + (s.dash.map { " stroke-dasharray: \($0);" } ?? "") + " }")
        }
        return rules.joined(separator: "\n")
    }

    /// The legend's entries, each style drawn with its count, placed in rows no wider than `width`.
    func legendEntries(width: Double) -> [(style: Style, text: String, x: Double, row: Int)] {
        let counts = self.counts
        var out: [(Style, String, Double, Int)] = []
        var x = CircuitPicture.margin, row = 0
        for style in Style.allCases.reversed() {
            guard let count = counts[style] else { continue }
            let text = "\(style.legend): \(count)"
            let entry = 28 + 6.2 * Double(text.count) + 18
            if x > CircuitPicture.margin, x + entry > width - CircuitPicture.margin {
                x = CircuitPicture.margin
                row += 1
            }
            out.append((style, text, x, row))
            x += entry
        }
        return out
    }

    /// The height above the top row: title, subtitle and the legend's rows.
    func headerHeight(width: Double) -> Double {
        44 + 18 * Double((legendEntries(width: width).map(\.row).max() ?? 0) + 1)
    }

    /// The title and subtitle on the left; the legend below them.
    func header(width: Double) -> Markup {
        let n = Markup.number, m = CircuitPicture.margin
        var g = Markup("g", [("class", "header")])
        g.append(Markup("text", [("class", "title"), ("x", n(m)), ("y", n(m + 4))], text: title))
        if !subtitle.isEmpty { g.append(Markup("text", [("class", "subtitle"), ("x", n(m)), ("y", n(m + 20))], text: subtitle)) }
        var legend = Markup("g", [("class", "legend")])
        for e in legendEntries(width: width) {
            let y = m + 38 + 18 * Double(e.row)
            legend.append(Markup("line", [("class", e.style.rawValue), ("x1", n(e.x)), ("y1", n(y)), ("x2", n(e.x + 22)), ("y2", n(y))]))
            legend.append(Markup("text", [("x", n(e.x + 28)), ("y", n(y + 4))], text: e.text))
        }
        g.append(legend)
        return g
    }
}
