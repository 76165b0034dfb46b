import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPTestSupport

/// A program of `programs/` compiled, evaluated, with its golden circuit and a task on one variant.
struct ProgramFixture {
    var program: Program
    var compiled: CompiledProgram
    var evaluation: ProgramEvaluation
    var golden: Circuit
    var model: VariantModel
    var task: CircuitTask

    init(_ name: String, ablation: Ablation.Kind = .zero, variant: ModelVariant = .compiled, seed: UInt64 = 0) throws {
        program = try Repository.load(name)
        compiled = try Compiler.compile(program)
        evaluation = try ProgramEvaluation.run(program)
        golden = GoldenCircuit.derive(compiled, evaluation: evaluation)
        model = try compiled.variant(variant, seed: seed, evaluation: evaluation)
        task = ProgramTask.make(compiled, model: model.model, inputs: ProgramTask.inputs(program, evaluation: evaluation), ablation: ablation)
    }

    /// The circuit keeping exactly `keys` (`from -> to`).
    func circuit(keeping keys: [String]) -> Circuit {
        Circuit(program: golden.program, graph: task.graph, edges: keys.map { key in
            let parts = key.components(separatedBy: " -> ")
            return Circuit.Edge(from: parts[0], to: parts[1])
        })
    }

    /// The masks keeping exactly the golden circuit's edges.
    var goldenMasks: [Double] {
        var masks = [Double](repeating: 0, count: task.edgeCount)
        for e in golden.edges { masks[task.graph.edge(from: e.from, to: e.to)!] = 1 }
        return masks
    }
}
