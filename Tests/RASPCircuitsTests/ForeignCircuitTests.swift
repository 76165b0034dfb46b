import Testing
import RASPLanguage
import RASPModel
import Discovery
import RASPCircuits
import RASPTestSupport

/// Circuit files of other tools (RASP.md 3.9) judged by our verifier.
@Suite struct ForeignCircuitTests {
    static let fixtures = Repository.root + "/Tests/Fixtures/circuits/"

    static func verdict(_ f: ProgramFixture, _ text: String, _ format: CircuitFormat? = nil) throws -> Verdict {
        let circuit = try Circuit.read(text, format: format, program: f.golden.program, graph: f.task.graph)
        return Verifier.verify(circuit: circuit, golden: f.golden, task: f.task)
    }

    /// Every program's golden circuit written as EAP-IG JSON (one `input` node) is exact; with one
    /// required edge's `in_graph` false it is not, and that edge is missing.
    @Test(arguments: Repository.sweepPrograms)
    func goldenCircuitAsEAPIGIsExact(name: String) throws {
        let f = try ProgramFixture(name)
        let text = f.golden.exported(as: .eapIG, graph: f.task.graph)
        #expect(CircuitFormat.detect(text) == .eapIG)
        let v = try ForeignCircuitTests.verdict(f, text)
        #expect(v.isExact, "\(name): \(v.summary)")
        #expect(v.mergedInput)
        let edge = try #require(f.golden.edges(of: .required).first { !$0.from.hasPrefix("tok") && !$0.from.hasPrefix("pos") }
                                ?? f.golden.edges(of: .required).first)
        let name = "\(edge.from == "tok" || edge.from == "pos" ? "input" : edge.from)->\(eapReader(edge.to))"
        var json = try JSON.parse(text)
        guard case .object(var o) = json, case .object(var edges)? = o["edges"] else { Issue.record("no edges"); return }
        edges[name] = .object(["score": .double(1), "in_graph": .bool(false)])
        o["edges"] = .object(edges)
        json = .object(o)
        let dropped = try ForeignCircuitTests.verdict(f, json.pretty())
        #expect(!dropped.isExact, "\(name) dropped from \(f.golden.program)")
    }

    func eapReader(_ ours: String) -> String {
        if ours == "out" { return "logits" }
        for x in ["q", "k", "v"] where ours.hasSuffix(".\(x)") { return String(ours.dropLast(2)) + "<\(x)>" }
        return ours
    }

    @Test(arguments: [("reverse", "acdc_reverse.txt"), ("frac_prevs", "acdc_proportion.txt"), ("reverse", "edge_pruning_reverse.json")])
    func publishedCircuitsAreExact(program: String, file: String) throws {
        let f = try ProgramFixture(program)
        let text = try #require(FileSystem.readText(ForeignCircuitTests.fixtures + file))
        let v = try ForeignCircuitTests.verdict(f, text)
        #expect(v.isExact, "\(file): \(v.summary)")
        #expect(!v.mergedInput)
    }

    @Test func goldenCircuitsRoundTripThroughEveryFormat() throws {
        let f = try ProgramFixture("reverse")
        for format in CircuitFormat.allCases {
            let text = f.golden.exported(as: format, graph: f.task.graph)
            #expect(CircuitFormat.detect(text) == format)
            let circuit = try Circuit.read(text, format: format, program: "reverse", graph: f.task.graph)
            #expect(circuit.edgeKeys == f.golden.edgeKeys || format == .eapIG, "\(format)")
        }
    }

    @Test func inGraphFalseIsHonouredAndNamesAreChecked() throws {
        let f = try ProgramFixture("reverse")
        let graph = f.task.graph
        let off = "{\"nodes\": {}, \"edges\": {\"a3.h0->logits\": {\"score\": 2.5, \"in_graph\": false}, \"input->a3.h0<k>\": {\"score\": 1, \"in_graph\": true}}}"
        let c = try Circuit.read(off, format: nil, program: "reverse", graph: graph)
        #expect(c.edgeKeys == ["tok -> a3.h0.k", "pos -> a3.h0.k"])
        #expect(c.hasScores)
        #expect(throws: Circuit.FormatError.self) { try Circuit.read("{\"edges\": {\"a9.h0->logits\": {}}}", format: nil, program: "reverse", graph: graph) }
        #expect(throws: Circuit.FormatError.self) { try Circuit.read("[[\"x\", \"out\"]]", format: nil, program: "reverse", graph: graph) }
        #expect(throws: Circuit.FormatError.self) { try Circuit.read("((\"blocks.0.hook_nope\", (None,), \"hook_embed\", (None,)), True)", format: .acdc, program: "reverse", graph: graph) }
        let nodeOff = "{\"nodes\": {\"a3.h0\": {\"in_graph\": false}}, \"edges\": {\"a3.h0->logits\": {\"in_graph\": true}}}"
        #expect(try Circuit.read(nodeOff, format: nil, program: "reverse", graph: graph).edgeKeys.isEmpty)
    }
}
