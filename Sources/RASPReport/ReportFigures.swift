import Discovery
import RASPCircuits

/// The pieces the HTML reports share: a row of circuit pictures (the golden circuit, then recovered
/// ones against it), training curves, and tables of text cells.
public enum ReportFigures {
    /// A recovered circuit to draw against the golden one, with its verdict.
    public struct Exhibit: Sendable {
        public var title: String
        public var circuit: Circuit
        public var verdict: Verdict

        public init(title: String, circuit: Circuit, verdict: Verdict) {
            self.title = title
            self.circuit = circuit
            self.verdict = verdict
        }
    }

    /// The golden circuit, then each exhibit against it, side by side (wrapping).
    public static func circuits(_ picture: ProgramRow.Picture, _ exhibits: [Exhibit]) -> Markup {
        var row = Markup("div", [("class", "figures")])
        let g = picture.golden
        let golden = CircuitPicture(golden: g, graph: picture.graph, labels: picture.labels, title: "golden circuit",
                                    subtitle: "\(g.edges(of: .required).count) required, \(g.edges(of: .optional).count) optional of \(picture.graph.edges.count) edges")
        row.append(figure(golden.svg, caption: "The golden circuit the compiler derives."))
        for e in exhibits {
            let drawn = CircuitPicture(golden: g, recovered: e.circuit, unidentifiable: Set(e.verdict.unidentifiable), graph: picture.graph,
                                       labels: picture.labels, title: e.title, subtitle: e.verdict.summary)
            row.append(figure(drawn.svg, caption: "\(e.title): \(e.verdict.summary)."))
        }
        return row
    }

    /// Loss and sparsity by step, one line per seed.
    public static func curves(_ title: String, seeds: [Int], curves: [[TrainingPoint]]) -> [Markup] {
        func series(_ value: (TrainingPoint) -> Double) -> [LinePlot.Series] {
            zip(seeds, curves).map { seed, curve in LinePlot.Series(name: "seed \(seed)", points: curve.map { (Double($0.step), value($0)) }) }
        }
        let loss = LinePlot(title: "loss, \(title)", xLabel: "step", series: series(\.loss))
        let sparsity = LinePlot(title: "sparsity, \(title)", xLabel: "step", series: series(\.sparsity), yRange: 0...1)
        return [figure(loss.svg, caption: nil), figure(sparsity.svg, caption: nil)]
    }

    public static func figure(_ svg: Markup, caption: String?) -> Markup {
        var f = Markup("figure", [], [svg])
        if let caption { f.append(Markup("figcaption", text: caption)) }
        return f
    }

    /// A table of text cells, the first line as the header; the first `left` columns left-aligned.
    /// Each body row has the class `rowClass`.
    public static func table(_ lines: [[String]], left: Int, rowClass: String, tableClass: String) -> Markup {
        var table = Markup("table", [("class", tableClass)])
        for (i, line) in lines.enumerated() {
            var tr = Markup("tr", i == 0 ? [] : [("class", rowClass)])
            for (c, cell) in line.enumerated() {
                tr.append(Markup(i == 0 ? "th" : "td", c < left ? [("class", "name")] : [], text: cell))
            }
            table.append(tr)
        }
        return table
    }
}
