import Discovery

/// The page of `rasp compare --html`: the summary per method, variant and ablation, the per-program
/// table, then per program the golden circuit next to each method's circuit (the first seed, the first
/// ablation) on each variant, and the training methods' curves. One self-contained file.
public enum ComparePage {
    /// One program's pictures.
    public struct Program: Sendable {
        public var name: String
        public var picture: ProgramRow.Picture
        public var exhibits: [ReportFigures.Exhibit] = []
        /// Training curves (title, the run's curve) of the methods that train.
        public var curves: [(title: String, seed: Int, curve: [TrainingPoint])] = []

        public init(name: String, picture: ProgramRow.Picture) {
            self.name = name
            self.picture = picture
        }
    }

    /// The tables are lines of cells with the header first, as the text report prints them.
    public static func html(summary: [[String]], programs: [[String]], sections: [Program], total: String) -> String {
        var body: [Markup] = [Markup("h1", text: "rasp compare")]
        body.append(Markup("p", text: "Every method on the same graph, data, ablations and verifier; each method's own circuit, no repair. \(total)."))
        body.append(Markup("h2", text: "summary"))
        body.append(ReportFigures.table(summary, left: 3, rowClass: "summary", tableClass: "compare"))
        body.append(Markup("h2", text: "per program: exact runs / runs, mean edge AUROC"))
        body.append(ReportFigures.table(programs, left: 3, rowClass: "task", tableClass: "compare"))
        for p in sections {
            var s = Markup("section", [("class", "program"), ("id", "program-\(p.name)")])
            s.append(Markup("h2", text: p.name))
            s.append(ReportFigures.circuits(p.picture, p.exhibits))
            var curves = Markup("div", [("class", "figures")])
            for c in p.curves where !c.curve.isEmpty {
                curves.append(contentsOf: ReportFigures.curves(c.title, seeds: [c.seed], curves: [c.curve]))
            }
            if !curves.children.isEmpty {
                s.append(Markup("h3", text: "training curves"))
                s.append(curves)
            }
            body.append(s)
        }
        return HTMLPage(title: "rasp compare", body: body, style: "section.program { border-top: 2px solid #eceff1; margin-top: 2em; }").text
    }
}
