import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery

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
    public var faithfulness: Faithfulness
    /// The edge AUROC of the circuit's scores (RASP.md 3.8), when it has scores.
    public var auroc: Double?
    /// When a golden file was given: how it differs from the circuit the compiler derives.
    public var goldenDrift: CircuitDiff?
    /// The circuit was judged with `tok` and `pos` as one `input` node (its file's granularity).
    public var mergedInput = false
    /// How the golden circuit itself (every required and optional edge) does on this model: on a
    /// noisy model it may fail an input the full model gets right, and then no circuit can be exact.
    public var goldenFaithfulness: Faithfulness? = nil

    /// Whether some circuit could be exact here: the golden circuit reproduces every input.
    public var exactIsPossible: Bool { goldenFaithfulness?.isFaithful ?? true }

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
        if !faithfulness.isFaithful { reasons.append("unfaithful on \(faithfulness.sequences - faithfulness.sequencesCorrect) of \(counted(faithfulness.sequences, "input"))") }
        if let g = goldenFaithfulness, !g.isFaithful {
            reasons.append("the golden circuit itself fails \(g.sequences - g.sequencesCorrect) of \(counted(g.sequences, "input")) on this model, so no circuit can be exact")
        }
        return "not exact: " + reasons.joined(separator: "; ")
    }
}

public enum Verifier {
    /// Masks keeping exactly the edges of `circuit` that are edges of the task's graph.
    static func masks(_ edges: [Circuit.Edge], _ graph: ComputeGraph) -> [Double] {
        var masks = [Double](repeating: 0, count: graph.edges.count)
        for e in edges { if let i = graph.edge(from: e.from, to: e.to) { masks[i] = 1 } }
        return masks
    }

    /// The required edges of `golden` whose removal from it changes no output on any input of `task`
    /// under its ablation: they count as optional there (RASP.md 3.4).
    public static func unidentifiableEdges(golden: Circuit, task: CircuitTask) -> [String] {
        let graph = task.graph
        let goldenMasks = masks(golden.edges, graph)
        var unidentifiable: [String] = []
        for e in golden.edges(of: .required) {
            guard let i = graph.edge(from: e.from, to: e.to) else { continue }
            var m = goldenMasks
            m[i] = 0
            if task.isFaithful(masks: m) { unidentifiable.append(e.key) }
        }
        return unidentifiable.sorted()
    }

    /// How the golden circuit, with every required and optional edge, reproduces the model of `task`.
    public static func goldenFaithfulness(golden: Circuit, task: CircuitTask) -> Faithfulness {
        task.evaluate(masks: masks(golden.edges, task.graph))
    }

    /// Judges `circuit` against `golden` on the inputs of `task` (whose model and ablation are the
    /// ones judged). `unidentifiable` and `goldenFaithfulness` may be passed when already computed for
    /// this golden circuit and task.
    public static func verify(circuit: Circuit, golden: Circuit, task: CircuitTask, unidentifiable known: [String]? = nil,
                              goldenFaithfulness knownGolden: Faithfulness? = nil, derivedGolden: Circuit? = nil) -> Verdict {
        let golden = circuit.mergedInput ? golden.mergingInput(graph: task.graph) : golden
        let required = golden.edges(of: .required)
        let unidentifiable = known ?? unidentifiableEdges(golden: golden, task: task)
        let kept = circuit.edgeKeys
        let goldenKeys = golden.edgeKeys
        let unidentifiableSet = Set(unidentifiable)
        let missing = required.map(\.key).filter { !kept.contains($0) && !unidentifiableSet.contains($0) }
        let extra = circuit.kept.map(\.key).filter { !goldenKeys.contains($0) }
        let optionalKeys = Set(golden.edges(of: .optional).map(\.key)).union(unidentifiableSet)
        let optionalKept = circuit.kept.map(\.key).filter { optionalKeys.contains($0) }
        let faithfulness = task.evaluate(masks: masks(circuit.kept, task.graph))
        var drift: CircuitDiff? = nil
        if let derivedGolden { drift = CircuitDiff(old: derivedGolden, new: golden) }
        let auroc = circuit.hasScores ? EdgeAUROC.of(circuit, golden: golden, unidentifiable: unidentifiableSet, graph: task.graph) : nil
        var verdict = Verdict(program: golden.program, ablation: task.ablation, missing: missing.sorted(), extra: extra.sorted(),
                              optionalKept: optionalKept.sorted(), unidentifiable: unidentifiable.sorted(), requiredCount: required.count,
                              circuitEdges: circuit.kept.count, faithfulness: faithfulness, auroc: auroc, goldenDrift: drift)
        verdict.mergedInput = circuit.mergedInput
        verdict.goldenFaithfulness = knownGolden ?? goldenFaithfulness(golden: golden, task: task)
        return verdict
    }
}
