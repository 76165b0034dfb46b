import RASPLanguage
import RASPModel
import RASPCompiler

/// `rasp explain --html FILE`: the trace as one self-contained page. Per stage: the heads of an
/// attention sub-layer as heatmaps, the s-ops written so far beside the interpreter's values, and
/// the residual stream as a labelled grid.
public struct TracePage: Sendable {
    public var trace: ModelTrace
    public var path: String

    public init(_ trace: ModelTrace, path: String) {
        self.trace = trace
        self.path = path
    }

    static let style = """
    td.fail { background: #fdecea; } tr.new td.name { font-weight: 600; }
    td, th { font-family: monospace; }
    details { margin: 0.5em 0 1.5em; } summary { cursor: pointer; color: #555; }
    section { border-top: 1px solid #ccc; margin-top: 1.5em; }
    """

    /// BOS, then the input's tokens as the text shows them.
    var tokens: [String] { ["BOS"] + trace.input.map(TraceReport.show) }

    public var text: String {
        var body: [Markup] = [Markup("h1", text: "rasp explain \(path)"), Markup("p", text: TraceReport.summary(trace))]
        if let note = TraceReport.basisNote(trace) { body.append(Markup("p", text: note)) }
        body.append(Markup("p", text: "input: \(trace.input.map(TraceReport.show).joined(separator: " "))"))
        body.append(Markup("p", text: "After each stage, every s-op written so far, decoded from the residual stream at each "
                           + "position. Bold (+) rows are s-ops the stage wrote; a shaded cell 'x \u{2260} y' is a "
                           + "disagreement (model x, interpreter y)."))
        for snapshot in trace.snapshots { body.append(section(snapshot)) }
        let classes = ["", trace.outputAgrees ? "pass" : "fail", trace.disagreements == 0 ? "pass" : "fail"]
        body += zip(TraceReport.footer(trace), classes).map { Markup("p", $1.isEmpty ? [] : [("class", $1)], text: $0) }
        return HTMLPage(title: "rasp explain \(trace.programName)", body: body, style: TracePage.style).text
    }

    func section(_ snapshot: ModelTrace.Snapshot) -> Markup {
        var s = Markup("section", [("class", "stage")], [Markup("h2", text: "after the \(snapshot.stage)")])
        if case .attention(let l) = snapshot.stage, !trace.heads(ofLayer: l).isEmpty {
            s.append(Markup("div", [("class", "figures")], trace.heads(ofLayer: l).map(figure)))
        }
        s.append(table(snapshot))
        let grid = ResidualGrid(residual: snapshot.residual, labels: trace.residualLabels, tokens: tokens,
                                title: "the residual stream after the \(snapshot.stage)")
        s.append(Markup("details", [("open", "open")], [Markup("summary", text: "the residual stream after the \(snapshot.stage) "
                                                + "(\(trace.residualLabels.count) dimensions x \(tokens.count) positions)"), grid.svg]))
        return s
    }

    func figure(_ head: ModelTrace.HeadPattern) -> Markup {
        let caption = "head \(head.layer).\(head.slot): \(head.label)\(head.isSelectorWidth ? " (selector width)" : "")"
        guard let weights = head.weights else {
            return Markup("figure", [], [Markup("figcaption", text: caption + ": writes nothing (its value or output map is zero)")])
        }
        return Markup("figure", [], [AttentionHeatmap(weights: weights, tokens: tokens, title: caption).svg, Markup("figcaption", text: caption)])
    }

    /// The s-ops: a row each, a column per input position; a disagreement shows both values.
    func table(_ snapshot: ModelTrace.Snapshot) -> Markup {
        var header = Markup("tr", [], [Markup("th", [("class", "name")], text: "s-op")])
        for (p, t) in tokens.dropFirst().enumerated() { header.append(Markup("th", text: "\(p):\(t)")) }
        var table = Markup("table", [("class", "sops")], [header])
        for sop in snapshot.sops {
            var row = Markup("tr", sop.isNew ? [("class", "new")] : [], [Markup("td", [("class", "name")], text: (sop.isNew ? "+ " : "") + sop.label)])
            for p in sop.model.indices {
                let model = TraceReport.show(sop.model[p])
                row.append(sop.agrees[p] ? Markup("td", text: model)
                                         : Markup("td", [("class", "fail")], text: "\(model) \u{2260} \(TraceReport.show(sop.interpreter[p]))"))
            }
            table.append(row)
        }
        return table
    }
}
