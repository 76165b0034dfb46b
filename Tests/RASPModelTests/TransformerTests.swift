import Testing
import RASPCore
import RASPModel

/// The model module on hand-built dense transformers (no compiler): the compute graph, the
/// edge-masked forward pass against a plain residual-stream forward pass written here, variants.
@Suite struct TransformerTests {
    /// A 2-layer, 2-head model on a 9-wide residual with random weights. Layer 0's MLP (12 hidden
    /// units) and layer 1's first head (10 query/key dimensions) are wider than the residual stream,
    /// so both ways of holding a side are exercised.
    static func model(causal: Bool = false, seed: UInt64 = 42) -> DenseTransformer {
        var random = SplitMix64(seed: seed)
        func matrix(_ r: Int, _ c: Int) -> Matrix { Matrix(rows: r, columns: c, values: (0..<(r * c)).map { _ in random.nextGaussian() * 0.5 }) }
        let d = 9
        func head(_ k: Int, _ v: Int) -> DenseTransformer.Head {
            .init(query: matrix(d, k), key: matrix(d, k), value: matrix(d, v), output: matrix(v, d))
        }
        let layers = [
            DenseTransformer.Layer(heads: [head(2, 3), head(1, 2)], mlp: .init(input: matrix(d, 12), output: matrix(12, d))),
            DenseTransformer.Layer(heads: [head(10, 1), .empty(width: d)], mlp: .init(input: matrix(d, 3), output: matrix(3, d))),
        ]
        return DenseTransformer(width: d, tokenEmbedding: matrix(4, d), positionEmbedding: matrix(5, d), layers: layers,
                                unembedding: matrix(d, 3), causal: causal, readout: .compiledCategorical)
    }

    static let batch = TokenBatch(tokens: [0, 1, 2, 3, 0, 3, 2, 1, 0, 1, 1, 2], count: 3, length: 4)

    /// The ordinary forward pass on one residual stream, written as plainly as possible, returning the
    /// logits and each writer's output (`positions x width`, in graph writer order).
    static func reference(_ m: DenseTransformer, _ batch: TokenBatch) -> (logits: [Double], writers: [[Double]]) {
        let d = m.width, t = batch.length, n = batch.count * t
        func times(_ x: [Double], _ w: Matrix) -> [Double] {
            var out = [Double](repeating: 0, count: n * w.columns)
            for p in 0..<n { for i in 0..<w.rows { for j in 0..<w.columns { out[p * w.columns + j] += x[p * w.rows + i] * w[i, j] } } }
            return out
        }
        var tok = [Double](repeating: 0, count: n * d), pos = tok
        for p in 0..<n { for c in 0..<d { tok[p * d + c] = m.tokenEmbedding[Int(batch.tokens[p]), c]; pos[p * d + c] = m.positionEmbedding[p % t, c] } }
        var x = zip(tok, pos).map { $0 + $1 }
        var writers = [tok, pos]
        for layer in m.layers {
            var added = [Double](repeating: 0, count: n * d)
            for head in layer.heads {
                let q = times(x, head.query), k = times(x, head.key), v = times(x, head.value)
                let dk = head.query.columns, dv = head.value.columns
                var z = [Double](repeating: 0, count: n * dv)
                for b in 0..<batch.count {
                    for i in 0..<t {
                        let visible = m.causal ? i + 1 : t
                        var logits = (0..<visible).map { s in (0..<dk).reduce(0.0) { $0 + q[(b * t + i) * dk + $1] * k[(b * t + s) * dk + $1] } }
                        let top = logits.max()!
                        logits = logits.map { Double.exponential($0 - top) }
                        let total = logits.reduce(0, +)
                        for s in 0..<visible { for o in 0..<dv { z[(b * t + i) * dv + o] += logits[s] / total * v[(b * t + s) * dv + o] } }
                    }
                }
                let y = times(z, head.output)
                writers.append(y)
                added = zip(added, y).map { $0 + $1 }
            }
            x = zip(x, added).map { $0 + $1 }
            let y = times(times(x, layer.mlp.input).map { max(0, $0) }, layer.mlp.output)
            writers.append(y)
            x = zip(x, y).map { $0 + $1 }
        }
        return (times(x, m.unembedding), writers)
    }

    static func maxDifference(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }

    @Test func graphSizesFollowTheFormula() {
        #expect(ComputeGraph(layers: 4, headSlots: 1).edges.count == 94)
        #expect(ComputeGraph(layers: 2, headSlots: 1).edges.count == 32)
        let g = ComputeGraph(layers: 2, headSlots: 2)
        #expect(g.writers.count == 2 + 2 * 3)
        #expect(g.readers.count == 2 * (3 * 2 + 1) + 1)
        #expect(g.edge(from: "a0.h1", to: "m0") != nil && g.edge(from: "a0.h1", to: "a0.h0.q") == nil)
        #expect(g.edge(from: "m1", to: "out") != nil && g.edge(from: "m1", to: "a1.h0.v") == nil)
    }

    @Test(arguments: [false, true])
    func maskedForwardWithEveryEdgeKeptIsTheForwardPass(causal: Bool) {
        let m = TransformerTests.model(causal: causal)
        let masked = EdgeMaskedModel(model: m)
        let tape = MaskedTape(model: masked, count: 3, length: 4)
        masked.forward(TransformerTests.batch, masks: masked.allEdges, ablation: .zero, tape: tape)
        let expected = TransformerTests.reference(m, TransformerTests.batch).logits
        #expect(TransformerTests.maxDifference(tape.logits, expected) < 1e-12)
    }

    @Test func forwardIsTheSameAtEveryBatchSizeAndThreadCount() {
        let masked = EdgeMaskedModel(model: TransformerTests.model())
        let all = masked.outputs(TransformerTests.batch)
        #expect(all == masked.outputs(TransformerTests.batch, threads: 1))
        for b in 0..<3 {
            #expect(Array(all[(b * 12)..<((b + 1) * 12)]) == masked.outputs(TransformerTests.batch.slice(b..<(b + 1))))
        }
    }

    /// Zero-ablating `w -> out` takes exactly `y_w W_U` away from the logits, for every writer.
    @Test func removingAnEdgeRemovesExactlyItsContribution() {
        let m = TransformerTests.model()
        let masked = EdgeMaskedModel(model: m)
        let (plain, writers) = TransformerTests.reference(m, TransformerTests.batch)
        let tape = MaskedTape(model: masked, count: 3, length: 4)
        for (w, writer) in masked.graph.writers.enumerated() {
            var masks = masked.allEdges
            masks[masked.graph.edge(from: ComputeGraph.name(of: writer), to: "out")!] = 0
            masked.forward(TransformerTests.batch, masks: masks, ablation: .zero, tape: tape)
            let contribution = Matrix(rows: 12, columns: m.width, values: writers[w]).multiplied(by: m.unembedding).values
            let expected = zip(plain, contribution).map { $0 - $1 }
            #expect(TransformerTests.maxDifference(tape.logits, expected) < 1e-12, "\(ComputeGraph.name(of: writer))")
        }
    }

    @Test func everyEdgeOfARandomModelCarries() {
        let m = TransformerTests.model()
        let graph = ComputeGraph(layers: 2, headSlots: 2)
        // The empty slot a1.h1 reads and writes nothing: its query, key and value each read five
        // writers, and it writes to m1 and out.
        #expect(m.edgesCarrying(graph) == graph.edges.count - 15 - 2)
    }

    /// A rotation of the residual stream leaves the logits unchanged up to rounding; noise does not.
    @Test func rotationKeepsTheFunction() {
        let m = TransformerTests.model(causal: true)
        let r = DenseTransformer.randomRotation(width: m.width, seed: 3)
        let rt = r.transposed.multiplied(by: r)
        #expect(TransformerTests.maxDifference(rt.values, Matrix.identity(m.width).values) < 1e-13)
        let rotated = m.rotated(by: r)
        let a = EdgeMaskedModel(model: m).outputs(TransformerTests.batch)
        let b = EdgeMaskedModel(model: rotated).outputs(TransformerTests.batch)
        #expect(TransformerTests.maxDifference(a, b) < 1e-12)
        #expect(rotated.tokenEmbedding != m.tokenEmbedding)
        let noisy = rotated.adding(rotated.noise(seed: 1), scale: 1e-3)
        let c = EdgeMaskedModel(model: noisy).outputs(TransformerTests.batch)
        let difference = TransformerTests.maxDifference(a, c) / a.map(abs).max()!
        #expect(difference > 1e-6 && difference < 1e-1, "\(difference)")
        #expect(rotated.noise(seed: 1) == rotated.noise(seed: 1))
        #expect(rotated.noise(seed: 1) != rotated.noise(seed: 2))
    }

    @Test func safetensorsHeaderDescribesTheData() throws {
        let bytes = TransformerTests.model().safetensors(metadata: ["program": "test"])
        let n = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        #expect(header.contains("\"layers.0.heads.0.w_v\":{\"dtype\":\"F64\",\"shape\":[9,3]"))
        #expect(header.contains("\"layers.1.heads.1.w_q\":{\"dtype\":\"F64\",\"shape\":[9,1]"))
        #expect((8 + n) % 8 == 0)
    }
}
