import RASPLanguage
import RASPModel
import RASPCompiler

/// Derives the golden circuit (RASP.md 3.3) from the weights the compiler wrote: for every edge, which
/// residual dimensions the reader reads, with nonzero weight, among those the writer writes.
public enum GoldenCircuit {
    public static func derive(_ compiled: CompiledProgram, evaluation: ProgramEvaluation) -> Circuit {
        let model = compiled.model
        let graph = ComputeGraph(model: model)
        let layout = compiled.layout
        let varies = nodeVaries(compiled, evaluation)

        let written = graph.writers.map { Set(model.dimensions(written: $0)) }
        let read = graph.readers.map { model.dimensions(read: $0) }

        // Readers on a path to `out`: out itself, and the inputs of every component whose output a live
        // reader reads. Components come in layer order, so one backward sweep over the readers suffices.
        var liveWriter = [Bool](repeating: false, count: graph.writers.count)
        var liveReader = [Bool](repeating: false, count: graph.readers.count)
        for r in stride(from: graph.readers.count - 1, through: 0, by: -1) {
            liveReader[r] = graph.owner(ofReader: r).map { liveWriter[$0] } ?? true
            guard liveReader[r] else { continue }
            for w in 0..<graph.writerCount(before: graph.readers[r]) where read[r].contains(where: { written[w].contains($0) }) {
                liveWriter[w] = true
            }
        }

        var edges: [Circuit.Edge] = []
        for edge in graph.edges {
            let r = edge.reader, w = edge.writer
            guard liveReader[r] else { continue }
            let shared = read[r].filter { written[w].contains($0) }
            guard !shared.isEmpty else { continue }
            let carries = Array(Set(shared.map { layout.carriers[$0] })).sorted()
            let informative = shared.contains { d in
                guard let node = layout.nodeOfDimension[d] else { return false }
                return varies[node]
            }
            let reader = graph.readers[r]
            var kind: Circuit.Kind = informative ? .required : .optional
            switch reader {
            case .query(let l, let h), .key(let l, let h):
                if compiled.heads[l][h]?.hasConstantSelector == true { kind = .optional }
            case .value(let l, let h):
                // A selector width reads the BOS direction as its signal.
                if compiled.heads[l][h]?.isSelectorWidth == true, shared.contains(layout.bos) { kind = .required }
            default:
                break
            }
            edges.append(Circuit.Edge(from: graph.writerName(w), to: graph.readerName(r), kind: kind, carries: carries))
        }
        return Circuit(program: compiled.program.name, graph: graph, edges: edges)
    }

    /// Whether each compile node takes more than one value over the evaluated inputs; a tuple s-op of a
    /// combined selector varies when any of its components does.
    static func nodeVaries(_ compiled: CompiledProgram, _ evaluation: ProgramEvaluation) -> [Bool] {
        var varies = [Bool](repeating: false, count: compiled.nodes.count)
        for (id, node) in compiled.nodes.enumerated() {
            if let p = node.programNode {
                varies[id] = evaluation.varies[p]
            } else if case .sequenceMap(_, let a, let b) = node.operation {
                varies[id] = varies[a] || varies[b]
            }
        }
        return varies
    }
}
