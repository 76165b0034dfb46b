import Testing
import RASPCore
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPTestSupport

/// The gradient a discovery method gets from a program's task, against central differences of the
/// task's own loss, on the compiled and the noisy model, under every ablation.
@Suite struct ProgramGradientTests {
    @Test(arguments: ["reverse", "frac_prevs", "sort_weiss", "pair_balance"], [ModelVariant.compiled, .noisy])
    func backwardMatchesFiniteDifferences(name: String, variant: ModelVariant) throws {
        for ablation in Ablation.Kind.allCases {
            let f = try ProgramFixture(name, ablation: ablation, variant: variant)
            let task = f.task
            var random = SplitMix64(seed: 11)
            // Masks away from 0 and 1; one slice of the longest inputs.
            let masks = (0..<task.edgeCount).map { _ in 0.55 + 0.4 * random.nextUnit() }
            let parts = [task.slices.last!]
            let objective = Objective(temperature: 3)
            let (_, analytic) = task.lossAndGradient(masks: masks, parts: parts, objective: objective)
            // Compiled attention is steep in the masks (logit gaps of 20-40): h = 1e-7 keeps the central
            // difference's truncation error small; its rounding error is about 1e-9.
            let worst = FiniteDifference.worstError(at: masks, step: 1e-7, floor: 1e-3, analytic: analytic) {
                task.lossAndGradient(masks: $0, parts: parts, objective: objective).loss
            }
            let nonzero = analytic.filter { $0 != 0 }.count
            #expect(worst < 1e-4, "\(name) \(variant) \(ablation): worst relative error \(worst)")
            #expect(nonzero >= 5)
            if variant == .noisy && ablation == .zero { #expect(nonzero == task.edgeCount, "\(name): every edge has a gradient") }
        }
    }
}
