import Testing
import RASPCore
import RASPModel
import RASPTestSupport

/// The hand-written backward pass against central finite differences of the forward pass, on a
/// hand-built model, for every ablation and with causal masks.
@Suite struct ModelGradientTests {
    /// L = sum c . logits for fixed random c, so dL/dlogits = c.
    static func loss(_ m: EdgeMaskedModel, _ masks: [Double], _ ablation: Ablation, _ c: [Double]) -> Double {
        let tape = MaskedTape(model: m, count: TransformerTests.batch.count, length: TransformerTests.batch.length)
        m.forward(TransformerTests.batch, masks: masks, ablation: ablation, tape: tape)
        return zip(tape.logits, c).reduce(0) { $0 + $1.0 * $1.1 }
    }

    static func ablation(_ kind: Ablation.Kind, _ m: EdgeMaskedModel) -> Ablation {
        let batch = TransformerTests.batch
        switch kind {
        case .zero: return .zero
        case .mean: return m.meanAblation([batch, TokenBatch(tokens: [0, 2, 2, 2, 0, 1, 3, 3], count: 2, length: 4)])
        case .resample:
            let partners = TokenBatch(tokens: [0, 3, 3, 1, 0, 2, 1, 1, 0, 3, 2, 2], count: 3, length: 4)
            return m.resampleAblation(partners: partners, tape: MaskedTape(model: m, count: 3, length: 4))
        }
    }

    @Test(arguments: [Ablation.Kind.zero, .mean, .resample], [false, true])
    func backwardMatchesFiniteDifferences(kind: Ablation.Kind, causal: Bool) {
        let m = EdgeMaskedModel(model: TransformerTests.model(causal: causal))
        var random = SplitMix64(seed: 9)
        let masks = (0..<m.graph.edges.count).map { _ in 0.2 + 0.7 * random.nextUnit() }
        let c = (0..<(12 * m.outputWidth)).map { _ in random.nextGaussian() }
        let ablation = ModelGradientTests.ablation(kind, m)
        let tape = MaskedTape(model: m, count: 3, length: 4)
        m.forward(TransformerTests.batch, masks: masks, ablation: ablation, tape: tape)
        var analytic = [Double](repeating: 0, count: masks.count)
        c.withUnsafeBufferPointer {
            m.backward(tape: tape, masks: masks, ablation: ablation, logitGradient: $0.baseAddress!,
                       buffers: GradientBuffers(model: m, count: 3, length: 4), into: &analytic)
        }
        // Central differences are good to about 1e-9 here (the loss is about 10, h is 1e-6).
        let worst = FiniteDifference.worstError(at: masks, step: 1e-6, floor: 1e-3, analytic: analytic) {
            ModelGradientTests.loss(m, $0, ablation, c)
        }
        let nonzero = analytic.filter { abs($0) > 1e-8 }.count
        #expect(worst < 1e-6, "worst relative error \(worst)")
        #expect(nonzero > masks.count / 2)
    }
}

/// The margin objective and the attention warm start, which Edge Pruning's trainer uses.
@Suite struct ObjectiveTests {
    @Test func theMarginLossIsZeroWhenTheCircuitDecodesWithHalfTheMargin() {
        let reference: [Double] = [1, 0, 0]
        func loss(_ x: [Double]) -> Double {
            OutputMargin.at(reference: reference, circuit: x, width: 3, readout: .compiledCategorical)
        }
        #expect(loss([0.8, 0.1, 0]) == 0)
        #expect(loss([0.7, 0, 0]) > 0 && loss([0.6, 0, 0]) > loss([0.7, 0, 0]))
        #expect(loss([0, 1, 0]) > 1)
        let none: [Double] = [0, 0, 0]
        #expect(OutputMargin.at(reference: none, circuit: [0.2, 0.1, 0], width: 3, readout: .compiledCategorical) == 0)
        #expect(OutputMargin.at(reference: none, circuit: [0.4, 0.1, 0], width: 3, readout: .compiledCategorical) > 0)
        #expect(OutputMargin.at(reference: [2], circuit: [2 + 4e-5], width: 1, readout: .compiledNumerical) == 0)
        #expect(OutputMargin.at(reference: [2], circuit: [2.01], width: 1, readout: .compiledNumerical) > 0)
    }

    @Test func theMarginGradientMatchesFiniteDifferences() {
        var random = SplitMix64(seed: 4)
        for readout in [Readout.compiledCategorical, .compiledNumerical] {
            let width = readout.isNumerical ? 1 : 4
            for _ in 0..<50 {
                let reference = (0..<width).map { _ in random.nextUnit() }
                let x = (0..<width).map { _ in random.nextUnit() }
                var g = [Double](repeating: 0, count: width)
                _ = OutputMargin.at(reference: reference, circuit: x, width: width, readout: readout, gradient: &g)
                let worst = FiniteDifference.worstError(at: x, step: 1e-7, floor: 1e-3, analytic: g) {
                    OutputMargin.at(reference: reference, circuit: $0, width: width, readout: readout)
                }
                #expect(worst < 1e-4)
            }
        }
    }

    /// The backward pass with every attention logit scaled, as during the warm start.
    @Test func backwardWithAScaledSoftmaxMatchesFiniteDifferences() {
        let m = EdgeMaskedModel(model: TransformerTests.model(causal: true))
        var random = SplitMix64(seed: 12)
        let masks = (0..<m.graph.edges.count).map { _ in 0.2 + 0.7 * random.nextUnit() }
        let c = (0..<(12 * m.outputWidth)).map { _ in random.nextGaussian() }
        func loss(_ masks: [Double]) -> Double {
            let tape = MaskedTape(model: m, count: 3, length: 4)
            m.forward(TransformerTests.batch, masks: masks, ablation: .zero, tape: tape, attentionScale: 0.3)
            return zip(tape.logits, c).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let tape = MaskedTape(model: m, count: 3, length: 4)
        m.forward(TransformerTests.batch, masks: masks, ablation: .zero, tape: tape, attentionScale: 0.3)
        var analytic = [Double](repeating: 0, count: masks.count)
        c.withUnsafeBufferPointer {
            m.backward(tape: tape, masks: masks, ablation: .zero, logitGradient: $0.baseAddress!,
                       buffers: GradientBuffers(model: m, count: 3, length: 4), into: &analytic)
        }
        #expect(FiniteDifference.worstError(at: masks, step: 1e-6, floor: 1e-3, analytic: analytic, loss) < 1e-6)
        #expect(loss(masks) != ModelGradientTests.loss(m, masks, .zero, c))
    }
}
