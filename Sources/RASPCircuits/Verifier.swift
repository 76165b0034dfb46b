import RASPLanguage
import RASPModel
import RASPCompiler

/// The verdict of RASP.md 3.4 on a recovered circuit, against the golden circuit, under one ablation.
public struct Verdict: Sendable {
    public var program: String
    public var ablation: Ablation.Kind
    /// Identifiable required edges the circuit lacks.
    public var missing: [String]
    /// Circuit edges that are not in the golden circuit (neither required nor optional).
    public var extra: [String]
    /// Optional edges the circuit keeps (including required edges that are unidentifiable here).
    public var optionalKept: [String]
    /// Required edges whose removal from the golden circuit changes no output under this ablation.
    public var unidentifiable: [String]
    public var requiredCount: Int
    public var circuitEdges: Int
    public var faithfulness: EvaluationSet.Faithfulness
    /// When a golden file was given: how it differs from the circuit the compiler derives.
    public var goldenDrift: CircuitDiff?

    /// Circuit edges inside the golden circuit, over circuit edges.
    public var precision: Double { circuitEdges == 0 ? 1 : Double(circuitEdges - extra.count) / Double(circuitEdges) }
    /// Identifiable required edges kept, over identifiable required edges.
    public var recall: Double {
        let identifiable = requiredCount - unidentifiable.count
        return identifiable == 0 ? 1 : Double(identifiable - missing.count) / Double(identifiable)
    }

    public var isExact: Bool { missing.isEmpty && extra.isEmpty && faithfulness.isFaithful && (goldenDrift?.isEmpty ?? true) }

    /// One line: `exact`, or what stands in the way.
    public var summary: String {
        if isExact { return "exact" }
        var reasons: [String] = []
        if let drift = goldenDrift, !drift.isEmpty { reasons.append("the golden file differs from the compiler's") }
        if !missing.isEmpty { reasons.append("\(missing.count) required edge\(missing.count == 1 ? "" : "s") missing") }
        if !extra.isEmpty { reasons.append("\(extra.count) edge\(extra.count == 1 ? "" : "s") outside the golden circuit") }
        if !faithfulness.isFaithful { reasons.append("unfaithful on \(faithfulness.sequences - faithfulness.sequencesCorrect) of \(faithfulness.sequences) inputs") }
        return "not exact: " + reasons.joined(separator: "; ")
    }
}

public enum Verifier {
    /// The required edges of `golden` whose removal from it changes no output on any input of `data`
    /// under its ablation: they count as optional there (RASP.md 3.4).
    public static func unidentifiableEdges(golden: Circuit, data: EvaluationSet) -> [String] {
        let graph = data.plan.graph
        var goldenMasks = [Double](repeating: 0, count: graph.edges.count)
        for e in golden.edges { if let i = graph.edge(from: e.from, to: e.to) { goldenMasks[i] = 1 } }
        var unidentifiable: [String] = []
        for e in golden.edges(of: .required) {
            guard let i = graph.edge(from: e.from, to: e.to) else { continue }
            var masks = goldenMasks
            masks[i] = 0
            if data.isFaithful(masks: masks) { unidentifiable.append(e.key) }
        }
        return unidentifiable.sorted()
    }

    /// Judges `circuit` against `golden` on the inputs of `data` (whose ablation is the one judged).
    /// `unidentifiable` may be passed when already computed for this golden circuit and data.
    public static func verify(circuit: Circuit, golden: Circuit, data: EvaluationSet, unidentifiable known: [String]? = nil,
                              derivedGolden: Circuit? = nil) -> Verdict {
        let graph = data.plan.graph
        func index(_ e: Circuit.Edge) -> Int? { graph.edge(from: e.from, to: e.to) }
        let required = golden.edges(of: .required)
        let unidentifiable = known ?? unidentifiableEdges(golden: golden, data: data)
        let kept = circuit.edgeKeys
        let goldenKeys = golden.edgeKeys
        let unidentifiableSet = Set(unidentifiable)
        let missing = required.map(\.key).filter { !kept.contains($0) && !unidentifiableSet.contains($0) }
        let extra = circuit.edges.map(\.key).filter { !goldenKeys.contains($0) }
        let optionalKeys = Set(golden.edges(of: .optional).map(\.key)).union(unidentifiableSet)
        let optionalKept = circuit.edges.map(\.key).filter { optionalKeys.contains($0) }
        var masks = [Double](repeating: 0, count: graph.edges.count)
        for e in circuit.edges { if let i = index(e) { masks[i] = 1 } }
        let faithfulness = data.evaluate(masks: masks)
        var drift: CircuitDiff? = nil
        if let derivedGolden { drift = CircuitDiff(old: derivedGolden, new: golden) }
        return Verdict(program: golden.program, ablation: data.ablationKind, missing: missing.sorted(), extra: extra.sorted(),
                       optionalKept: optionalKept.sorted(), unidentifiable: unidentifiable.sorted(), requiredCount: required.count,
                       circuitEdges: circuit.edges.count, faithfulness: faithfulness, goldenDrift: drift)
    }
}
