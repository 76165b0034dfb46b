import Testing
import RASPLanguage
import RASPModel
import Discovery
import RASPCircuits
import RASPTestSupport
@testable import RASPReport

@Suite struct CheckPageTests {
    /// A row as `rasp check` fills it: reverse with an exact compiled run and a noisy run missing an edge.
    static func row() throws -> (ProgramRow, PictureFixture, Verdict) {
        let f = try PictureFixture("reverse")
        var row = ProgramRow(program: "reverse")
        row.picture = .init(golden: f.golden, graph: f.graph, labels: CircuitPicture.labels(of: f.compiled))
        let exact = f.circuit(keeping: f.golden.edges.map(\.key))
        let dropped = f.golden.edges(of: .required)[0].key
        let short = f.circuit(keeping: f.golden.edges.map(\.key).filter { $0 != dropped })
        let shortVerdict = Verifier.verify(circuit: short, golden: f.golden, task: f.task)
        for (name, circuit) in [("compiled", exact), ("noisy", short)] {
            var v = VariantRow(variant: name)
            v.runs = [RecoveryRecord.Run(program: "reverse", variant: name, ablation: "zero", seed: 0, exact: name == "compiled", repairedExact: true)]
            v.kept = [circuit.kept.count]
            v.curves = [(0..<300).map { TrainingPoint(step: $0, loss: 1 / Double($0 + 1), sparsity: Double($0) / 300) }]
            v.exhibit = .init(circuit: circuit, verdict: Verifier.verify(circuit: circuit, golden: f.golden, task: f.task))
            row.variants.append(v)
        }
        return (row, f, shortVerdict)
    }

    @Test func thePageHoldsTheTableTheCircuitsAndTheCurves() throws {
        let (row, f, verdict) = try Self.row()
        var failing = ProgramRow(program: "broken")
        failing.failures = ["does not compile"]
        let page = CheckPage.html([row, failing], summary: ["edge-pruning on compiled: ..."], method: "edge-pruning")
        let check = XMLCheck(page)
        #expect(check.isWellFormed, "\(check.error ?? "")")
        #expect(check.count("script") == 0)
        #expect(check.count(class: "variant") == 3, "one table row per variant, one for the failed program")
        #expect(check.count(class: "circuit") == 3, "the golden circuit and one per variant")
        #expect(check.count(class: "plot") == 4, "loss and sparsity per variant")
        #expect(check.count(class: "series") == 4)
        #expect(check.count(class: "edge") == 3 * f.golden.edges.count)
        #expect(check.count(class: "missing") - 1 == verdict.missing.count)
        #expect(check.count(class: "fail") >= 2, "the failed program's status and its failure")
        #expect(check.text.contains("does not compile"))
        #expect(page == CheckPage.html([row, failing], summary: ["edge-pruning on compiled: ..."], method: "edge-pruning"))
    }

    @Test func longCurvesAreThinned() {
        let points = (0..<1000).map { (x: Double($0), y: Double($0)) }
        let thin = LinePlot.thinned(points)
        #expect(thin.count <= LinePlot.maxPoints + 1 && thin.first?.x == 0 && thin.last?.x == 999)
        #expect(LinePlot.ticks(0...1).map(Markup.number) == ["0", "0.5", "1"])
        #expect(LinePlot.ticks(0.05...1.3).map(Markup.number) == ["0.5", "1"])
        #expect(LinePlot.ticks(0...800) == [0, 200, 400, 600, 800])
    }
}
