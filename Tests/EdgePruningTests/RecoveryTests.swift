import Foundation
import Testing
import RASPLanguage
import RASPModel
import RASPCompiler
import RASPCircuits
import EdgePruning
import RASPTestSupport

/// Edge Pruning recovers the golden circuits. The debug build runs the published cases and a sweep of
/// the smaller programs; `RASP_FULL_SWEEP=1` (best with `-c release`) runs every program and seeds 0-4,
/// which `rasp check` also does on every run of `.ci/run`.
@Suite struct RecoveryTests {
    static func prune(_ name: String, seed: UInt64, ablation: Ablation.Kind = .zero) throws -> (Circuit, Verdict, EdgePruner.Result) {
        let program = try Repository.load(name)
        let compiled = try Compiler.compile(program)
        let evaluation = try ProgramEvaluation.run(program)
        let golden = GoldenCircuit.derive(compiled, evaluation: evaluation)
        var configuration = PruningConfiguration()
        configuration.seed = seed
        configuration.ablation = ablation
        let pruner = EdgePruner(compiled: compiled, configuration: configuration)
        let result = pruner.run()
        let verifyInputs = evaluation.isSample ? InputSpace(program: program).inputs(limit: 2_000) : evaluation.inputs
        let data = EvaluationSet(compiled: compiled, inputs: verifyInputs, ablation: ablation)
        return (golden, Verifier.verify(circuit: result.circuit, golden: golden, data: data), result)
    }

    @Test(arguments: 0..<5)
    func reverseRecoversThePublishedCircuit(seed: Int) throws {
        let (golden, verdict, result) = try RecoveryTests.prune("reverse", seed: UInt64(seed))
        #expect(verdict.isExact, "\(verdict.summary)")
        let kept = result.circuit.edgeKeys
        #expect(Set(golden.edges(of: .required).map(\.key)).isSubset(of: kept))
        // Everything else kept is a constant read of `tok` (the `one` and BOS directions).
        for e in result.circuit.edges where !golden.edges(of: .required).map(\.key).contains(e.key) {
            #expect(e.from == "tok", "\(e.key)")
        }
        #expect(result.faithfulness.sequencesCorrect == 363)
    }

    @Test(arguments: 0..<5)
    func fracPrevsRecoversThePublishedCircuit(seed: Int) throws {
        let (_, verdict, result) = try RecoveryTests.prune("frac_prevs", seed: UInt64(seed))
        #expect(verdict.isExact, "\(verdict.summary)")
        let required: Set = ["tok -> m0", "pos -> a1.h0.q", "pos -> a1.h0.k", "m0 -> a1.h0.v", "a1.h0 -> out"]
        #expect(required.isSubset(of: result.circuit.edgeKeys))
        #expect(result.circuit.edges.allSatisfy { required.contains($0.key) || $0.from == "tok" })
    }

    /// Under resample ablation every pair shares its length, so the length computation is invisible:
    /// the circuits are the official resample circuits (auto-circuit's tracr ones).
    @Test func resampleAblationRecoversTheSmallerCircuits() throws {
        let (_, reverse, reverseResult) = try RecoveryTests.prune("reverse", seed: 0, ablation: .resample)
        #expect(reverse.isExact, "\(reverse.summary)")
        #expect(reverse.unidentifiable.contains("m0 -> m1"))
        #expect(reverseResult.circuit.edgeKeys == ["tok -> a3.h0.v", "a3.h0 -> out"])
        let (_, frac, fracResult) = try RecoveryTests.prune("frac_prevs", seed: 1, ablation: .resample)
        #expect(frac.isExact, "\(frac.summary)")
        #expect(fracResult.circuit.edgeKeys == ["tok -> m0", "m0 -> a1.h0.v", "a1.h0 -> out"])
    }

    @Test func meanAblationWorks() throws {
        let (_, verdict, _) = try RecoveryTests.prune("hist", seed: 2, ablation: .mean)
        #expect(verdict.isExact, "\(verdict.summary)")
    }

    @Test func theSameSeedGivesTheSameCircuit() throws {
        let a = try RecoveryTests.prune("sort", seed: 3).2.circuit
        let b = try RecoveryTests.prune("sort", seed: 3).2.circuit
        #expect(a == b)
        #expect(a.text == b.text)
    }

    static var sweepPrograms: [String] {
        let all = Repository.programFiles.map { String($0.split(separator: "/").last!.dropLast(5)) }
        if ProcessInfo.processInfo.environment["RASP_FULL_SWEEP"] == "1" { return all }
        // Debug builds: the programs with at most max_seq_len 5 and a few hundred edges.
        return all.filter { !$0.hasSuffix("_16") && !["shuffle_dyck2", "dyck1_counts", "shuffle_dyck1", "palindrome"].contains($0) }
    }

    @Test(arguments: sweepPrograms)
    func everyProgramIsRecoveredExactly(name: String) throws {
        let seeds: [UInt64] = ProcessInfo.processInfo.environment["RASP_FULL_SWEEP"] == "1" ? [0, 1, 2, 3, 4] : [0]
        for seed in seeds {
            let (_, verdict, _) = try RecoveryTests.prune(name, seed: seed)
            #expect(verdict.isExact, "\(name) seed \(seed): \(verdict.summary)")
        }
    }
}
