import Testing
import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPTestSupport

/// The verifier catches what it must (RASP.md 3.4) and passes the golden circuit itself.
@Suite struct VerifierTests {
    static func fixture(_ name: String, ablation: Ablation.Kind = .zero, variant: ModelVariant = .compiled) throws -> ProgramFixture {
        try ProgramFixture(name, ablation: ablation, variant: variant)
    }

    static func circuit(_ golden: Circuit, keeping keys: [String]) -> Circuit {
        let graph = ComputeGraph(layers: golden.layers, headSlots: golden.heads.first ?? 0)
        return Circuit(program: golden.program, graph: graph, edges: keys.map { key in
            let parts = key.components(separatedBy: " -> ")
            return Circuit.Edge(from: parts[0], to: parts[1])
        })
    }

    @Test func theGoldenCircuitItselfIsExact() throws {
        for name in ["reverse", "frac_prevs", "sort_weiss", "shift_by_1"] {
            let f = try VerifierTests.fixture(name)
            let verdict = Verifier.verify(circuit: f.golden, golden: f.golden, task: f.task)
            #expect(verdict.isExact, "\(name): \(verdict.summary)")
            #expect(verdict.precision == 1 && verdict.recall == 1)
        }
    }

    /// On dyck1_counts's noisy model the golden circuit fails one of the 62 inputs (the full model
    /// needs some of the noise its other edges carry): the verdict says no circuit can be exact there.
    @Test func aGoldenCircuitTheModelDoesNotHonourIsReported() throws {
        let f = try VerifierTests.fixture("dyck1_counts", variant: .noisy)
        let verdict = Verifier.verify(circuit: f.golden, golden: f.golden, task: f.task)
        #expect(!verdict.isExact && !verdict.exactIsPossible)
        #expect(verdict.goldenFaithfulness?.sequencesCorrect == 61 && verdict.goldenFaithfulness?.sequences == 62)
        #expect(verdict.summary.hasSuffix("the golden circuit itself fails 1 of 62 inputs on this model, so no circuit can be exact"))
        let compiled = try VerifierTests.fixture("dyck1_counts")
        #expect(Verifier.verify(circuit: compiled.golden, golden: compiled.golden, task: compiled.task).exactIsPossible)
    }

    @Test func aDroppedRequiredEdgeIsMissing() throws {
        let f = try VerifierTests.fixture("reverse")
        let keys = f.golden.edges.map(\.key).filter { $0 != "m0 -> m1" }
        let verdict = Verifier.verify(circuit: VerifierTests.circuit(f.golden, keeping: keys), golden: f.golden, task: f.task)
        #expect(!verdict.isExact)
        #expect(verdict.missing == ["m0 -> m1"])
        #expect(!verdict.faithfulness.isFaithful)
        #expect(verdict.recall < 1)
    }

    @Test func anEdgeOutsideTheGoldenCircuitIsExtra() throws {
        let f = try VerifierTests.fixture("reverse")
        let keys = f.golden.edges.map(\.key) + ["m1 -> out"]
        let verdict = Verifier.verify(circuit: VerifierTests.circuit(f.golden, keeping: keys), golden: f.golden, task: f.task)
        #expect(!verdict.isExact)
        #expect(verdict.extra == ["m1 -> out"])
        #expect(verdict.faithfulness.isFaithful)
        #expect(verdict.summary == "not exact: 1 edge outside the golden circuit")
    }

    /// Every required edge and no extra one, but without the `one` bias of the sequence map: the circuit
    /// is right on paper and wrong in fact under zero ablation.
    @Test func aStructurallyRightButUnfaithfulCircuitIsNotExact() throws {
        let f = try VerifierTests.fixture("reverse")
        let keys = f.golden.edges(of: .required).map(\.key)
        let verdict = Verifier.verify(circuit: VerifierTests.circuit(f.golden, keeping: keys), golden: f.golden, task: f.task)
        #expect(verdict.missing.isEmpty && verdict.extra.isEmpty)
        #expect(!verdict.faithfulness.isFaithful)
        #expect(!verdict.isExact)
        #expect(verdict.summary.contains("unfaithful on"))
    }

    @Test func aHandEditedGoldenFileIsCaught() throws {
        let f = try VerifierTests.fixture("frac_prevs")
        var edited = f.golden
        edited.edges.removeAll { $0.key == "m0 -> a1.h0.v" }
        let verdict = Verifier.verify(circuit: f.golden, golden: edited, task: f.task, derivedGolden: f.golden)
        #expect(!verdict.isExact)
        #expect(verdict.goldenDrift?.removed.map(\.key) == ["m0 -> a1.h0.v"])
    }

    @Test func unidentifiableEdgesDependOnTheAblation() throws {
        let zero = try VerifierTests.fixture("reverse")
        #expect(Verifier.unidentifiableEdges(golden: zero.golden, task: zero.task).isEmpty)
        let resample = try VerifierTests.fixture("reverse", ablation: .resample)
        let hidden = Verifier.unidentifiableEdges(golden: resample.golden, task: resample.task)
        #expect(hidden.contains("m0 -> m1") && hidden.contains("a0.h0 -> m0"))
        #expect(!hidden.contains("tok -> a3.h0.v") && !hidden.contains("a3.h0 -> out"))
    }

    @Test func malformedCircuitFilesAreRefusedClearly() throws {
        let graph = ComputeGraph(layers: 4, headSlots: 1)
        let valid = try #require(FileSystem.readText(Repository.golden + "/reverse.json"))
        func message(_ text: String) -> String? {
            do { _ = try Circuit.parse(text, graph: graph); return nil } catch { return error.message }
        }
        #expect(message(valid) == nil)
        #expect(message("{not json")?.hasPrefix("not valid JSON") == true)
        #expect(message(valid.replacingOccurrences(of: "rasp-circuit/1", with: "rasp-circuit/9")) == "unknown format \"rasp-circuit/9\": expected \"rasp-circuit/1\"")
        #expect(message(valid.replacingOccurrences(of: "\"a3.h0\"", with: "\"a7.h0\"")) == "edge a7.h0 -> out: 'a7.h0' is not a writer of the graph (4 layers, 1 head per layer)")
        #expect(message(valid.replacingOccurrences(of: "\"to\": \"m2\"", with: "\"to\": \"m9\"")) == "edge m1 -> m9: 'm9' is not a reader of the graph (4 layers, 1 head per layer)")
        #expect(message(valid.replacingOccurrences(of: "\"from\": \"m1\"", with: "\"from\": \"m3\"")) == "edge m3 -> m2 is not in the graph: 'm2' does not read 'm3'")
        #expect(message("[]") == "a circuit file is a JSON object")
        #expect(message("{\"format\": \"rasp-circuit/1\"}") == "missing \"program\"")
        #expect(message(String(repeating: "[", count: 100_000))?.hasPrefix("not valid JSON") == true)
    }
}
