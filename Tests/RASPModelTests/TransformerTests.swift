import Testing
import RASPModel

/// The model module on hand-built transformers (no compiler): the forward pass, the compute graph and
/// the edge-masked forward pass.
@Suite struct TransformerTests {
    /// A generator for reproducible random weights.
    struct Random {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
    }

    /// A 2-layer, 2-head model over a 9-dimensional residual with random weights; slot 1 of layer 1 empty.
    static func model(causal: Bool = false) -> Transformer {
        var random = Random(state: 42)
        func matrix(_ r: Int, _ c: Int) -> Matrix { Matrix(rows: r, columns: c, values: (0..<(r * c)).map { _ in random.next() }) }
        let head0 = Transformer.AttentionHead(queryInputs: [0, 1], keyInputs: [1, 2], valueInputs: [0, 2], outputs: [5], wQK: matrix(2, 2), wOV: matrix(2, 1))
        let head1 = Transformer.AttentionHead(queryInputs: [3], keyInputs: [4], valueInputs: [3, 4], outputs: [6, 7], wQK: matrix(1, 1), wOV: matrix(2, 2))
        let mlp0 = Transformer.MLP(inputs: [0, 5, 6], outputs: [8], w1: matrix(3, 4), w2: matrix(4, 1))
        let head2 = Transformer.AttentionHead(queryInputs: [8, 0], keyInputs: [5, 1], valueInputs: [7], outputs: [3], wQK: matrix(2, 2), wOV: matrix(1, 1))
        let mlp1 = Transformer.MLP(inputs: [3, 8], outputs: [2], w1: matrix(2, 3), w2: matrix(3, 1))
        var tokens = Matrix(rows: 3, columns: 9)
        for t in 0..<3 { tokens[t, 0] = 1; tokens[t, 1] = Double(t) }
        var positions = Matrix(rows: 4, columns: 9)
        for p in 1..<4 { positions[p, 4] = Double(p) / 3 }
        return Transformer(residualLabels: (0..<9).map { "d\($0)" }, tokenEmbedding: tokens, positionEmbedding: positions,
                           layers: [.init(heads: [head0, head1], mlp: mlp0), .init(heads: [head2, nil], mlp: mlp1)],
                           headSlots: 2, causal: causal, outputDimensions: [2, 3, 8])
    }

    static let batch = TokenBatch(tokens: [0, 1, 2, 1, 0, 2, 2, 1, 0, 1, 1, 2], count: 3, length: 4)

    @Test func graphSizesFollowTheFormula() {
        #expect(ComputeGraph(layers: 4, headSlots: 1).edges.count == 94)
        #expect(ComputeGraph(layers: 2, headSlots: 1).edges.count == 32)
        let g = ComputeGraph(layers: 2, headSlots: 2)
        #expect(g.writers.count == 2 + 2 * 3)
        #expect(g.readers.count == 2 * (3 * 2 + 1) + 1)
        #expect(g.edge(from: "a0.h1", to: "m0") != nil && g.edge(from: "a0.h1", to: "a0.h0.q") == nil)
        #expect(g.edge(from: "m1", to: "out") != nil && g.edge(from: "m1", to: "a1.h0.v") == nil)
    }

    @Test func forwardIsTheSameAtEveryBatchSizeAndThreadCount() {
        let m = TransformerTests.model()
        let all = m.outputs(TransformerTests.batch)
        let one = m.outputs(TransformerTests.batch, threads: 1)
        #expect(all == one)
        for b in 0..<3 {
            let single = m.outputs(TransformerTests.batch.slice(b..<(b + 1)))
            #expect(Array(all[(b * 12)..<((b + 1) * 12)]) == single)
        }
    }

    @Test(arguments: [false, true])
    func maskedForwardWithEveryEdgeKeptIsTheForwardPass(causal: Bool) {
        let m = TransformerTests.model(causal: causal)
        let plan = EdgeMaskPlan(model: m)
        let tape = MaskedTape(plan: plan, count: 3, length: 4)
        plan.forward(TransformerTests.batch, masks: [Double](repeating: 1, count: plan.graph.edges.count), ablation: .zero, tape: tape)
        let plain = m.outputs(TransformerTests.batch)
        #expect(zip(plain, tape.logits).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func removingAnEdgeRemovesExactlyItsContribution() {
        let m = TransformerTests.model()
        let plan = EdgeMaskPlan(model: m)
        var masks = [Double](repeating: 1, count: plan.graph.edges.count)
        let edge = plan.graph.edge(from: "m1", to: "out")!
        masks[edge] = 0
        let tape = MaskedTape(plan: plan, count: 3, length: 4)
        plan.forward(TransformerTests.batch, masks: masks, ablation: .zero, tape: tape)
        // out reads dims 2 (written only by m1), 3 and 8: dim 2 becomes zero, the others are unchanged.
        let plain = m.outputs(TransformerTests.batch)
        for p in 0..<12 {
            #expect(tape.logits[p * 3] == 0)
            #expect(abs(tape.logits[p * 3 + 1] - plain[p * 3 + 1]) < 1e-12)
        }
        #expect(plan.edgeCarries[edge])
        #expect(!plan.edgeCarries[plan.graph.edge(from: "pos", to: "out")!])
    }

    @Test func safetensorsHeaderDescribesTheData() throws {
        let bytes = TransformerTests.model().safetensors(metadata: ["program": "test"])
        let n = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        #expect(header.contains("\"layers.0.heads.1.w_v\":{\"dtype\":\"F64\",\"shape\":[9,2]"))
        #expect(!header.contains("layers.1.heads.1."))
        #expect((8 + n) % 8 == 0)
    }
}
