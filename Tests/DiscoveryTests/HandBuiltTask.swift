import RASPCore
import RASPModel
import Discovery

/// A one-layer model whose answer is known by hand: the output reads the token's one-hot (the edge
/// `tok -> out` decides everything), a small position signal (`pos -> out` changes logits, never the
/// decoded output) and a small head output; every other edge carries little.
enum HandBuilt {
    static let width = 4

    static func model(noise: Double = 0) -> DenseTransformer {
        let d = width
        var tokens = Matrix(rows: 3, columns: d)
        tokens[0, 3] = 1          // BOS
        tokens[1, 0] = 1
        tokens[2, 1] = 1
        var positions = Matrix(rows: 4, columns: d)
        for p in 1..<4 { positions[p, 2] = 0.03 * Double(p) }
        var head = DenseTransformer.Head.empty(width: d)
        head.value[0, 0] = 1      // the head averages the first token's one-hot ...
        head.output[0, 2] = 0.05  // ... and writes a little of it into dimension 2
        var unembed = Matrix(rows: d, columns: 2)
        unembed[0, 0] = 1
        unembed[1, 1] = 1
        unembed[2, 0] = 0.5
        unembed[2, 1] = 0.5
        let base = DenseTransformer(width: d, tokenEmbedding: tokens, positionEmbedding: positions,
                                    layers: [.init(heads: [head], mlp: .empty(width: d))], unembedding: unembed, causal: false,
                                    readout: .compiledCategorical)
        return noise == 0 ? base : base.adding(base.noise(seed: 5), scale: noise)
    }

    /// Every sequence of 1 to 3 tokens, grouped by length.
    static var batches: [TokenBatch] {
        (1...3).map { n in
            var tokens: [Int32] = []
            var count = 0
            for code in 0..<(1 << n) {
                tokens.append(0)
                for i in 0..<n { tokens.append(Int32(1 + (code >> i) & 1)) }
                count += 1
            }
            return TokenBatch(tokens: tokens, count: count, length: n + 1)
        }
    }

    static func task(_ ablation: Ablation.Kind = .zero, noise: Double = 0) -> CircuitTask {
        CircuitTask(name: "hand-built", model: model(noise: noise), batches: batches, ablation: ablation, seed: 1)
    }

    static func edge(_ task: CircuitTask, _ from: String, _ to: String) -> Int { task.graph.edge(from: from, to: to)! }
}
