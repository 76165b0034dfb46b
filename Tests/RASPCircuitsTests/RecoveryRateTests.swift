import Testing
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPTestSupport

/// Edge Pruning's own circuit with the default settings on every program of `programs/`, seeds 0-4:
/// exact in at least 95% of the runs under zero ablation on the compiled and on the noisy model (with
/// an edge AUROC of 1.0 in 95%), and in 90% under resample ablation on the compiled model. Release only
/// (`RASP_FULL_SWEEP=1`, as `.ci/run` runs it).
@Suite(.enabled(if: Repository.fullSweep)) struct RecoveryRateTests {
    struct Tally {
        var runs = 0, exact = 0, perfectAUROC = 0
        var failures: [String] = []
    }

    static func tally(_ ablation: Ablation.Kind, variant: ModelVariant = .compiled) throws -> Tally {
        var t = Tally()
        for name in Repository.sweepPrograms {
            let f = try ProgramFixture(name, ablation: ablation, variant: variant)
            let unidentifiable = Verifier.unidentifiableEdges(golden: f.golden, task: f.task)
            let golden = Verifier.goldenFaithfulness(golden: f.golden, task: f.task)
            for seed in UInt64(0)...4 {
                let r = EdgePruning().discover(f.task, seed: seed, progress: nil)
                let circuit = Circuit.recovered(program: name, graph: f.task.graph, scores: r.scores, kept: r.circuit, method: "edge-pruning",
                                                ablation: ablation.rawValue, seed: Int(seed), variant: variant.rawValue, variantSeed: 0, repaired: false)
                let verdict = Verifier.verify(circuit: circuit, golden: f.golden, task: f.task, unidentifiable: unidentifiable,
                                              goldenFaithfulness: golden)
                t.runs += 1
                if verdict.isExact { t.exact += 1 } else { t.failures.append("\(name) seed \(seed): \(verdict.summary)") }
                if verdict.auroc == 1 { t.perfectAUROC += 1 }
            }
        }
        return t
    }

    @Test func zeroAblationExactInAtLeast95PercentOfTheRuns() throws {
        let t = try RecoveryRateTests.tally(.zero)
        #expect(t.runs == 5 * Repository.sweepPrograms.count)
        #expect(t.exact * 100 >= 95 * t.runs, "exact in \(t.exact) of \(t.runs): \(t.failures)")
        #expect(t.perfectAUROC * 100 >= 95 * t.runs, "AUROC 1.0 in \(t.perfectAUROC) of \(t.runs)")
    }

    @Test func noisyModelZeroAblationExactInAtLeast95PercentOfTheRuns() throws {
        let t = try RecoveryRateTests.tally(.zero, variant: .noisy)
        #expect(t.runs == 5 * Repository.sweepPrograms.count)
        #expect(t.exact * 100 >= 95 * t.runs, "exact in \(t.exact) of \(t.runs): \(t.failures)")
        #expect(t.perfectAUROC * 100 >= 95 * t.runs, "AUROC 1.0 in \(t.perfectAUROC) of \(t.runs)")
    }

    @Test func resampleAblationExactInAtLeast90PercentOfTheRuns() throws {
        let t = try RecoveryRateTests.tally(.resample)
        #expect(t.exact * 100 >= 90 * t.runs, "exact in \(t.exact) of \(t.runs): \(t.failures)")
    }
}
