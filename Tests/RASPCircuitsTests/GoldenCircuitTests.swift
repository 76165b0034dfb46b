import Foundation
import Testing
import RASPLanguage
import RASPModel
import RASPCompiler
import RASPCircuits
import RASPTestSupport

/// Every program's golden circuit, re-derived from the compiler and compared with `golden/` as edge sets.
/// `RECORD_GOLDEN=1 swift test` rewrites the files (and fails, so a recording is never mistaken for a pass).
@Suite struct GoldenCircuitTests {
    static func derive(_ name: String) throws -> Circuit {
        let program = try Repository.load(name)
        let compiled = try Compiler.compile(program)
        return GoldenCircuit.derive(compiled, evaluation: try ProgramEvaluation.run(program))
    }

    static var programNames: [String] { Repository.programFiles.map { String($0.split(separator: "/").last!.dropLast(5)) } }

    @Test(arguments: programNames)
    func goldenFileIsUnchanged(name: String) throws {
        let derived = try GoldenCircuitTests.derive(name)
        let path = "\(Repository.golden)/\(name).json"
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try FileSystem.write(derived.text, to: path)
            Issue.record("recorded \(path); run again without RECORD_GOLDEN")
            return
        }
        let text = try #require(FileSystem.readText(path), "golden/\(name).json is missing; record it with RECORD_GOLDEN=1")
        let stored = try Circuit.parse(text)
        let diff = CircuitDiff(old: stored, new: derived)
        #expect(diff.isEmpty, "golden/\(name).json differs from the derived circuit:\n\(diff.description)")
        #expect(text == derived.text, "golden/\(name).json is not in canonical form")
    }

    @Test func reverseHasExactlyThePublishedRequiredEdges() throws {
        let golden = try GoldenCircuitTests.derive("reverse")
        let required = Set(golden.edges(of: .required).map(\.key))
        #expect(required == ["tok -> a0.h0.v", "a0.h0 -> m0", "m0 -> m1", "pos -> m1", "m1 -> m2", "m2 -> a3.h0.q",
                             "pos -> a3.h0.k", "tok -> a3.h0.v", "a3.h0 -> out"])
        // The other edges of the circuit are constant reads of `tok` (the one and BOS directions).
        for e in golden.edges(of: .optional) {
            #expect(e.from == "tok" && Set(e.carries ?? []).isSubset(of: ["one", "bos"]), "\(e.key)")
        }
    }

    @Test func fracPrevsHasExactlyThePublishedRequiredEdges() throws {
        let golden = try GoldenCircuitTests.derive("frac_prevs")
        #expect(Set(golden.edges(of: .required).map(\.key)) == ["tok -> m0", "pos -> a1.h0.q", "pos -> a1.h0.k", "m0 -> a1.h0.v", "a1.h0 -> out"])
        for e in golden.edges(of: .optional) { #expect(e.from == "tok", "\(e.key)") }
    }

    @Test func reverseGraphHas94Edges() throws {
        let golden = try GoldenCircuitTests.derive("reverse")
        #expect(golden.graphEdges == 94)
        #expect(ComputeGraph(layers: 4, headSlots: 1).edges.count == 94)
        // xproportion in Edge Pruning's code: 2 layers, 1 head, 32 edges.
        #expect(ComputeGraph(layers: 2, headSlots: 1).edges.count == 32)
    }

    @Test func selectorWidthValueReadsBOSAsItsSignal() throws {
        let golden = try GoldenCircuitTests.derive("hist")
        let edge = try #require(golden.edges.first { $0.key == "tok -> a0.h0.v" })
        #expect(edge.kind == .required && edge.carries == ["bos"])
    }

    @Test func constantSelectorQueryAndKeyAreOptional() throws {
        // has_neg's selector is select(indices, indices, true): its head's query and key are constant.
        let golden = try GoldenCircuitTests.derive("shuffle_dyck1")
        let compiled = try Compiler.compile(try Repository.load("shuffle_dyck1"))
        let places = compiled.heads.enumerated().compactMap { l, roles in roles.firstIndex { $0?.label == "has_neg" }.map { (l, $0) } }
        let (l, h) = try #require(places.first)
        for e in golden.edges where e.to == "a\(l).h\(h).q" || e.to == "a\(l).h\(h).k" {
            #expect(e.kind == .optional, "\(e.key)")
        }
    }
}
