import Testing
import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPTestSupport

/// A benchmark that cannot fail measures nothing: a method that does nothing is not exact anywhere.
@Suite struct HonestyTests {
    /// One step of Edge Pruning leaves nearly every gate open: the circuit keeps edges outside the
    /// golden circuit, on the compiled model (where those edges carry nothing) and on the noisy one.
    @Test(arguments: Repository.sweepPrograms)
    func oneStepOfPruningIsNeverExact(name: String) throws {
        for variant in [ModelVariant.compiled, .noisy] {
            let f = try ProgramFixture(name, variant: variant)
            var c = PruningConfiguration()
            c.steps = 1
            let result = EdgePruning(configuration: c).discover(f.task, seed: 0, progress: nil)
            let circuit = Circuit.recovered(program: name, graph: f.task.graph, scores: result.scores, kept: result.circuit,
                                            method: "edge-pruning", ablation: "zero", seed: 0, variant: variant.rawValue,
                                            variantSeed: 0, repaired: false)
            let verdict = Verifier.verify(circuit: circuit, golden: f.golden, task: f.task)
            #expect(!verdict.isExact, "\(name) \(variant)")
            #expect(!verdict.extra.isEmpty, "\(name) \(variant): \(verdict.summary)")
        }
    }
}
