import Testing
import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPTestSupport
@testable import RASPReport

/// A program compiled with its golden circuit and a zero-ablation task on the compiled model.
struct PictureFixture {
    var compiled: CompiledProgram
    var golden: Circuit
    var task: CircuitTask
    var graph: ComputeGraph { task.graph }

    init(_ name: String) throws {
        let program = try Repository.load(name)
        compiled = try Compiler.compile(program)
        let evaluation = try ProgramEvaluation.run(program)
        golden = GoldenCircuit.derive(compiled, evaluation: evaluation)
        let model = try compiled.variant(.compiled, seed: 0, evaluation: evaluation)
        task = ProgramTask.make(compiled, model: model.model, inputs: ProgramTask.inputs(program, evaluation: evaluation), ablation: .zero)
    }

    func picture(_ recovered: Circuit? = nil, unidentifiable: Set<String> = []) -> CircuitPicture {
        CircuitPicture(golden: golden, recovered: recovered, unidentifiable: unidentifiable, graph: graph,
                       labels: CircuitPicture.labels(of: compiled), title: golden.program)
    }

    func circuit(keeping keys: [String]) -> Circuit {
        Circuit(program: golden.program, graph: graph, edges: keys.map { key in
            let parts = key.components(separatedBy: " -> ")
            return Circuit.Edge(from: parts[0], to: parts[1])
        })
    }
}

@Suite struct CircuitPictureTests {
    @Test(arguments: ["reverse", "frac_prevs", "hist", "shuffle_dyck2"])
    func theGoldenCircuitIsDrawnEdgeForEdge(_ name: String) throws {
        let f = try PictureFixture(name)
        let svg = f.picture().svgDocument
        let check = XMLCheck(svg)
        #expect(check.isWellFormed, "\(check.error ?? "")")
        #expect(check.count("path") == f.golden.edges.count)
        #expect(check.count(class: "edge") == f.golden.edges.count)
        #expect(check.count(class: "required") - 1 == f.golden.edges(of: .required).count)  // one legend sample each
        #expect(check.count(class: "optional") - 1 == f.golden.edges(of: .optional).count)
        for (l, slots) in f.compiled.heads.enumerated() {
            for (h, role) in slots.enumerated() where role != nil {
                #expect(svg.contains("data-name=\"a\(l).h\(h)\""))
            }
        }
        #expect(svg == f.picture().svgDocument, "the same circuit gives the same bytes")
    }

    @Test func aRecoveredCircuitIsDrawnAsItsDiffWithTheGoldenOne() throws {
        let f = try PictureFixture("reverse")
        let required = f.golden.edges(of: .required).map(\.key)
        let optional = f.golden.edges(of: .optional).map(\.key)
        let goldenKeys = Set(f.golden.edges.map(\.key))
        let extra = Array(f.graph.edges.indices.map { "\(f.graph.edgeName($0).from) -> \(f.graph.edgeName($0).to)" }
            .filter { !goldenKeys.contains($0) }.prefix(2))
        let keys = Array(required.dropFirst(2)) + [optional[0]] + extra
        let circuit = f.circuit(keeping: keys)
        let verdict = Verifier.verify(circuit: circuit, golden: f.golden, task: f.task)
        let picture = f.picture(circuit, unidentifiable: Set(verdict.unidentifiable))
        let check = XMLCheck(picture.svgDocument)
        #expect(check.isWellFormed, "\(check.error ?? "")")
        #expect(check.count(class: "missing") - 1 == verdict.missing.count)
        #expect(check.count(class: "extra") - 1 == verdict.extra.count)
        #expect(verdict.extra.sorted() == extra.sorted() && verdict.missing.count == 2)
        #expect(check.count(class: "recovered") - 1 == required.count - 2)
        #expect(check.count(class: "recovered-optional") - 1 == 1)
        #expect(check.count(class: "optional") - 1 == optional.count - 1)
        #expect(check.count(class: "edge") == f.golden.edges.count + extra.count)
        #expect(picture.counts[.missing] == 2 && picture.counts[.extra] == 2)
    }

    @Test func unidentifiableEdgesAreNotDrawnAsMissing() throws {
        let f = try PictureFixture("reverse")
        let dropped = f.golden.edges(of: .required)[0].key
        let circuit = f.circuit(keeping: f.golden.edges.map(\.key).filter { $0 != dropped })
        #expect(f.picture(circuit).counts[.missing] == 1)
        let picture = f.picture(circuit, unidentifiable: [dropped])
        #expect(picture.counts[.missing] == nil && picture.counts[.optional] == 1)
    }

    @Test func componentsAreLabelledWithTheirSOps() throws {
        let f = try PictureFixture("reverse")
        let labels = CircuitPicture.labels(of: f.compiled)
        #expect(labels["a3.h0"] == "reverse")
        #expect(labels["m2"] == "opp_index")
        #expect(labels["a1.h0"] == nil, "an empty slot has no label")
    }
}
