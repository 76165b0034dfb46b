import Testing
import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPTestSupport

/// Edge Pruning's own circuit, with the default settings, on the two tracr models of the paper: the
/// published zero-ablation circuits (the required edges, plus constant reads of `tok`). The debug build
/// runs seeds 0-4; `RASP_FULL_SWEEP=1` seeds 0-9.
@Suite struct RecoveryTests {
    static var seeds: [UInt64] { Repository.fullSweep ? Array(0...9) : Array(0...4) }

    @Test(arguments: ["reverse", "frac_prevs"])
    func theMethodsOwnCircuitIsThePublishedOne(name: String) throws {
        let f = try ProgramFixture(name)
        let required = Set(f.golden.edges(of: .required).map(\.key))
        for seed in RecoveryTests.seeds {
            let result = EdgePruning().discover(f.task, seed: seed, progress: nil)
            let circuit = Circuit.recovered(program: name, graph: f.task.graph, scores: result.scores, kept: result.circuit,
                                            method: "edge-pruning", ablation: "zero", seed: Int(seed), variant: "compiled",
                                            variantSeed: 0, repaired: false)
            let verdict = Verifier.verify(circuit: circuit, golden: f.golden, task: f.task)
            #expect(verdict.isExact, "\(name) seed \(seed): \(verdict.summary)")
            #expect(required.isSubset(of: circuit.edgeKeys), "\(name) seed \(seed)")
            #expect(circuit.kept.allSatisfy { required.contains($0.key) || $0.from == "tok" }, "\(name) seed \(seed)")
            #expect(verdict.auroc == 1)
        }
    }

    /// ACDC at its default threshold, and the floor: random scores have a mean AUROC near 1/2.
    @Test(arguments: ["reverse", "frac_prevs"])
    func acdcRecoversThePublishedCircuitAndRandomDoesNot(name: String) throws {
        let f = try ProgramFixture(name)
        func verdict(_ id: String, seed: UInt64) -> Verdict {
            let r = Methods.make(id)!.discover(f.task, seed: seed, progress: nil)
            let c = Circuit.recovered(program: name, graph: f.task.graph, scores: r.scores, kept: r.circuit, method: id, ablation: "zero",
                                      seed: Int(seed), variant: "compiled", variantSeed: 0, repaired: false)
            return Verifier.verify(circuit: c, golden: f.golden, task: f.task)
        }
        let acdc = verdict("acdc", seed: 0)
        #expect(acdc.isExact, "\(acdc.summary)")
        let random = (0..<20).map { verdict("random", seed: UInt64($0)) }
        let mean = random.compactMap(\.auroc).reduce(0, +) / Double(random.count)
        #expect(mean > 0.4 && mean < 0.7, "\(mean)")
        #expect(random.allSatisfy { $0.faithfulness.isFaithful })
    }

    /// Gradients and evaluations are summed per part in part order: the number of worker threads
    /// changes nothing, down to the bytes of the circuit file.
    @Test(arguments: [ModelVariant.compiled, .noisy], [Ablation.Kind.zero, .resample])
    func circuitFilesAreTheSameWithOneTwoOrFourWorkers(variant: ModelVariant, ablation: Ablation.Kind) throws {
        let f = try ProgramFixture("sort", ablation: ablation, variant: variant)
        var c = PruningConfiguration()
        c.steps = 120
        let files = [1, 2, 4].map { workers -> String in
            let task = ProgramTask.make(f.compiled, model: f.model.model, inputs: ProgramTask.inputs(f.program, evaluation: f.evaluation),
                                        ablation: ablation, workers: workers)
            let r = EdgePruning(configuration: c).discover(task, seed: 7, progress: nil)
            return Circuit.recovered(program: "sort", graph: task.graph, scores: r.scores, kept: r.circuit, method: "edge-pruning",
                                     ablation: ablation.rawValue, seed: 7, variant: variant.rawValue, variantSeed: 0, repaired: false).text
        }
        #expect(files[0] == files[1] && files[1] == files[2])
    }

    @Test func theSameSeedGivesTheSameCircuitFile() throws {
        let f = try ProgramFixture("sort", variant: .noisy)
        func file(_ seed: UInt64) -> String {
            let r = EdgePruning().discover(f.task, seed: seed, progress: nil)
            return Circuit.recovered(program: "sort", graph: f.task.graph, scores: r.scores, kept: r.circuit, method: "edge-pruning",
                                     ablation: "zero", seed: Int(seed), variant: "noisy", variantSeed: 0, repaired: false).text
        }
        #expect(file(3) == file(3))
        #expect(file(3) != file(4))
    }
}
