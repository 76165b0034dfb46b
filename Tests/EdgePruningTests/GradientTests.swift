import Testing
import RASPLanguage
import RASPModel
import RASPCompiler
import RASPCircuits
import EdgePruning
import RASPTestSupport

/// The hand-written backward pass against central finite differences of the forward pass.
@Suite struct GradientTests {
    /// Loss of the masked model on `group` for the given masks.
    static func loss(_ plan: EdgeMaskPlan, _ group: EvaluationSet.Slice, _ ablation: Ablation, _ masks: [Double], numerical: Bool, width: Int) -> Double {
        let tape = MaskedTape(plan: plan, count: group.batch.count, length: group.batch.length)
        plan.forward(group.batch, masks: masks, ablation: ablation, tape: tape)
        var g = [Double](repeating: 0, count: tape.logits.count)
        return Objective.lossAndGradient(reference: group.reference, logits: tape.logits, batch: group.batch, width: width,
                                         numerical: numerical, temperature: 3, scale: 1, gradient: &g)
    }

    static func check(_ name: String, ablation: Ablation.Kind) throws -> (checked: Int, worst: Double) {
        let compiled = try Compiler.compile(try Repository.load(name))
        let inputs = InputSpace(program: compiled.program).inputs(limit: 40)
        let data = EvaluationSet(compiled: compiled, inputs: inputs, ablation: ablation, seed: 3)
        let plan = data.plan
        let width = compiled.model.outputDimensions.count
        var random = SplitMix64(seed: 11)
        // Masks away from 0 and 1, where the model is smooth in them.
        let masks = (0..<plan.graph.edges.count).map { _ in 0.55 + 0.4 * random.nextUnit() }
        let group = data.slices.max { $0.batch.count < $1.batch.count }!
        let ablation = data.ablation(for: group, partnerTape: MaskedTape(plan: plan, count: group.batch.count, length: group.batch.length))
        let tape = MaskedTape(plan: plan, count: group.batch.count, length: group.batch.length)
        plan.forward(group.batch, masks: masks, ablation: ablation, tape: tape)
        var logitGradient = [Double](repeating: 0, count: tape.logits.count)
        _ = Objective.lossAndGradient(reference: group.reference, logits: tape.logits, batch: group.batch, width: width,
                                      numerical: compiled.outputIsNumerical, temperature: 3, scale: 1, gradient: &logitGradient)
        var backward = MaskedBackward(plan: plan, tape: tape)
        var analytic = [Double](repeating: 0, count: masks.count)
        backward.backward(tape: tape, masks: masks, ablation: ablation, logitGradient: logitGradient, into: &analytic)
        var worst = 0.0, checked = 0
        let h = 1e-6
        for e in plan.edgeCarries.indices where plan.edgeCarries[e] {
            var up = masks, down = masks
            up[e] += h
            down[e] -= h
            let numeric = (loss(plan, group, ablation, up, numerical: compiled.outputIsNumerical, width: width)
                - loss(plan, group, ablation, down, numerical: compiled.outputIsNumerical, width: width)) / (2 * h)
            let error = abs(numeric - analytic[e]) / max(1e-3, abs(numeric) + abs(analytic[e]))
            worst = max(worst, error)
            checked += 1
        }
        return (checked, worst)
    }

    @Test(arguments: ["reverse", "frac_prevs", "sort_weiss", "pair_balance"], [Ablation.Kind.zero, .mean, .resample])
    func backwardMatchesFiniteDifferences(name: String, ablation: Ablation.Kind) throws {
        let (checked, worst) = try GradientTests.check(name, ablation: ablation)
        #expect(checked > 5)
        #expect(worst < 1e-4, "worst relative error \(worst) over \(checked) edges")
    }

    @Test func allOnesMasksGiveTheFullModel() throws {
        for name in ["reverse", "shuffle_dyck2", "prefix_length"] {
            let compiled = try Compiler.compile(try Repository.load(name))
            let inputs = InputSpace(program: compiled.program).inputs(limit: 200)
            let plan = EdgeMaskPlan(model: compiled.model)
            let ones = [Double](repeating: 1, count: plan.graph.edges.count)
            for (batch, _) in compiled.batches(inputs) {
                let tape = MaskedTape(plan: plan, count: batch.count, length: batch.length)
                plan.forward(batch, masks: ones, ablation: .zero, tape: tape)
                let plain = compiled.model.outputs(batch)
                #expect(zip(plain, tape.logits).allSatisfy { abs($0 - $1) < 1e-9 }, "\(name)")
            }
        }
    }

    @Test func hardConcreteDerivativeMatchesFiniteDifferences() {
        var random = SplitMix64(seed: 5)
        for _ in 0..<200 {
            let logAlpha = -4 + 8 * random.nextUnit(), u = random.nextUnit()
            let (z, dz) = HardConcrete.sample(logAlpha: logAlpha, noise: u)
            let h = 1e-6
            let numeric = (HardConcrete.sample(logAlpha: logAlpha + h, noise: u).z - HardConcrete.sample(logAlpha: logAlpha - h, noise: u).z) / (2 * h)
            if z > 1e-4 && z < 1 - 1e-4 { #expect(abs(numeric - dz) < 1e-5) }
            let (_, dp) = HardConcrete.probabilityNonzero(logAlpha: logAlpha)
            let np = (HardConcrete.probabilityNonzero(logAlpha: logAlpha + h).p - HardConcrete.probabilityNonzero(logAlpha: logAlpha - h).p) / (2 * h)
            #expect(abs(np - dp) < 1e-6)
        }
    }
}
