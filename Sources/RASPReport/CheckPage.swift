import Foundation
import Discovery
import RASPCircuits

/// The page of `rasp check --html`: the table, then per program its golden circuit next to the
/// circuit the method recovered on each variant (the first seed's, with its verdict), and the training
/// curves (loss and sparsity by step, one line per seed). One self-contained file.
public enum CheckPage {
    /// `summary`: the lines the text report ends with (recovery per variant, the record, the count).
    public static func html(_ rows: [ProgramRow], summary: [String], method: String) -> String {
        var body: [Markup] = [Markup("h1", text: "rasp check")]
        body.append(Markup("p", text: "The whole pipeline on \(rows.count) program\(rows.count == 1 ? "" : "s"): examples, the compiled model "
            + "against the interpreter, the golden circuit, then \(method) on each variant and seed, judged by the verifier. "
            + "'own' counts the seeds whose own circuit was exact; 'repaired' the same after the optional --repair step."))
        var list = Markup("ul", [("class", "summary")])
        for line in summary { list.append(Markup("li", text: line)) }
        body.append(list)
        body.append(table(rows))
        for row in rows { body.append(section(row, method: method)) }
        return HTMLPage(title: "rasp check", body: body, style: "section.program { border-top: 2px solid #eceff1; margin-top: 2em; }").text
    }

    /// The text report's table, the program's name a link to its section.
    static func table(_ rows: [ProgramRow]) -> Markup {
        var table = Markup("table", [("class", "check")])
        let left: Set<Int> = [0, 5]
        table.append(Markup("tr", [], ProgramRow.header.enumerated().map { i, h in Markup("th", left.contains(i) ? [("class", "name")] : [], text: h) }))
        for r in rows {
            for (i, line) in r.tableLines.enumerated() {
                var tr = Markup("tr", [("class", "variant" + (i == 0 ? " first" : ""))])
                tr.append(Markup("td", [("class", "name")], i == 0 ? [Markup("a", [("href", "#program-\(r.program)")], text: r.program)] : []))
                for (c, cell) in line.enumerated().dropFirst() {
                    let status = c == line.count - 1 ? [("class", cell == "ok" ? "pass" : "fail")] : left.contains(c) ? [("class", "name")] : []
                    tr.append(Markup("td", status, text: cell))
                }
                table.append(tr)
            }
        }
        return table
    }

    static func section(_ row: ProgramRow, method: String) -> Markup {
        var s = Markup("section", [("class", "program"), ("id", "program-\(row.program)")])
        s.append(Markup("h2", text: row.program))
        if !row.failures.isEmpty {
            var list = Markup("ul", [("class", "failures")])
            for f in row.failures { list.append(Markup("li", [("class", "fail")], text: f)) }
            s.append(list)
        }
        guard let picture = row.picture else { return s }
        let exhibits = row.variants.compactMap { v in
            v.exhibit.map { ReportFigures.Exhibit(title: "\(method)\($0.circuit.seed.map { " seed \($0)" } ?? "") on \(v.variant)", circuit: $0.circuit, verdict: $0.verdict) }
        }
        s.append(ReportFigures.circuits(picture, exhibits))
        var curves = Markup("div", [("class", "figures")])
        for v in row.variants where v.curves.contains(where: { !$0.isEmpty }) {
            curves.append(contentsOf: ReportFigures.curves(v.variant, seeds: v.runs.map(\.seed), curves: v.curves))
        }
        if !curves.children.isEmpty {
            s.append(Markup("h3", text: "training curves"))
            s.append(curves)
        }
        return s
    }
}
