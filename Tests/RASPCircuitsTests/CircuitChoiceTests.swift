import Testing
import RASPModel
import Discovery
import RASPCircuits
import RASPTestSupport

/// Edge Pruning returns the sparsest faithful circuit among those its steps gave (`--choose`).
@Suite struct CircuitChoiceTests {
    /// count_a, compiled, seed 4: in the hardened steps one edge of the selector width fell below the
    /// threshold, every output went wrong, no gradient crosses the discretising MLP to bring it back,
    /// and the sparsity pressure closed the rest: the last step's circuit is empty. Step 646's circuit
    /// is the golden one.
    @Test func anEarlierFaithfulCircuitIsChosenOverTheLastStepsUnfaithfulOne() throws {
        let f = try ProgramFixture("count_a")
        var last = PruningConfiguration()
        last.choice = .last
        let ours = EdgePruning().discover(f.task, seed: 4, progress: nil)
        let final = EdgePruning(configuration: last).discover(f.task, seed: 4, progress: nil)
        #expect(final.chosenStep == last.steps)
        #expect(!f.task.isFaithful(masks: final.circuit.map { $0 ? 1 : 0 }))
        #expect((ours.chosenStep ?? last.steps) < last.steps)
        #expect(ours.curve == final.curve, "the choice changes nothing in training")
        let verdict = Verifier.verify(circuit: circuit(ours, f), golden: f.golden, task: f.task)
        #expect(verdict.isExact, "\(verdict.summary)")
        #expect(!Verifier.verify(circuit: circuit(final, f), golden: f.golden, task: f.task).isExact)
        // The scores are the chosen step's: its circuit is their threshold.
        #expect(ours.circuit == CircuitSelection.removingDangling(ours.scores.map { $0 > 0 }, graph: f.task.graph))
    }

    func circuit(_ r: DiscoveryResult, _ f: ProgramFixture) -> Circuit {
        Circuit.recovered(program: "count_a", graph: f.task.graph, scores: r.scores, kept: r.circuit, method: "edge-pruning",
                          ablation: "zero", seed: 4, variant: "compiled", variantSeed: 0, repaired: false)
    }
}
