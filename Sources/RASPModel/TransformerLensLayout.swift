/// The dense model under TransformerLens's state-dict names and shapes (RASP.md 3.9), for a
/// `HookedTransformer` with no layer norm, ReLU MLPs, unscaled attention and standard positional
/// embeddings. Every layer has `nHeads` heads of width `dHead` and an MLP of width `dMLP`: the widest
/// of the model's, the others padded with zeros (a zero query/key column adds nothing to a logit, a
/// zero value/output column and a zero hidden unit write nothing). Every bias is zero: constants come
/// through the `one` direction the token embedding writes.
public struct TransformerLensLayout: Sendable, Equatable {
    public var nLayers: Int
    public var dModel: Int
    public var nHeads: Int
    public var dHead: Int
    public var dMLP: Int
    public var nCtx: Int
    public var dVocab: Int
    public var dVocabOut: Int

    public init(_ m: DenseTransformer) {
        nLayers = m.layers.count
        dModel = m.width
        nHeads = max(1, m.headSlots)
        let heads = m.layers.flatMap(\.heads)
        dHead = max(1, heads.map { max($0.query.columns, $0.value.columns) }.max() ?? 1)
        dMLP = max(1, m.layers.map(\.mlp.hidden).max() ?? 1)
        nCtx = m.positions
        dVocab = m.vocabularySize
        dVocabOut = m.outputWidth
    }

    /// The state dict: `embed.W_E`, `pos_embed.W_pos`, per layer `blocks.L.attn.W_Q`, `W_K`, `W_V`
    /// [n_heads, d_model, d_head], `W_O` [n_heads, d_head, d_model], `b_Q`, `b_K`, `b_V` [n_heads,
    /// d_head], `b_O` [d_model], `blocks.L.mlp.W_in` [d_model, d_mlp], `b_in`, `W_out` [d_mlp, d_model],
    /// `b_out`, and `unembed.W_U` [d_model, d_vocab_out], `unembed.b_U`.
    public func tensors(_ m: DenseTransformer) -> [Safetensors.Tensor] {
        var out = [Safetensors.Tensor("embed.W_E", m.tokenEmbedding), Safetensors.Tensor("pos_embed.W_pos", m.positionEmbedding)]
        for (l, layer) in m.layers.enumerated() {
            out += attention(layer, prefix: "blocks.\(l).attn.")
            out += mlp(layer.mlp, prefix: "blocks.\(l).mlp.")
        }
        out.append(.init("unembed.W_U", m.unembedding))
        out.append(zeros("unembed.b_U", [dVocabOut]))
        return out
    }

    func attention(_ layer: DenseTransformer.Layer, prefix p: String) -> [Safetensors.Tensor] {
        var q: [Double] = [], k: [Double] = [], v: [Double] = [], o: [Double] = []
        for h in 0..<nHeads {
            let head = h < layer.heads.count ? layer.heads[h] : .empty(width: dModel)
            q += padded(head.query, rows: dModel, columns: dHead).values
            k += padded(head.key, rows: dModel, columns: dHead).values
            v += padded(head.value, rows: dModel, columns: dHead).values
            o += padded(head.output, rows: dHead, columns: dModel).values
        }
        return [.init(p + "W_Q", [nHeads, dModel, dHead], q), .init(p + "W_K", [nHeads, dModel, dHead], k),
                .init(p + "W_V", [nHeads, dModel, dHead], v), .init(p + "W_O", [nHeads, dHead, dModel], o),
                zeros(p + "b_Q", [nHeads, dHead]), zeros(p + "b_K", [nHeads, dHead]), zeros(p + "b_V", [nHeads, dHead]),
                zeros(p + "b_O", [dModel])]
    }

    func mlp(_ mlp: DenseTransformer.MLP, prefix p: String) -> [Safetensors.Tensor] {
        [.init(p + "W_in", padded(mlp.input, rows: dModel, columns: dMLP)), zeros(p + "b_in", [dMLP]),
         .init(p + "W_out", padded(mlp.output, rows: dMLP, columns: dModel)), zeros(p + "b_out", [dModel])]
    }

    func zeros(_ name: String, _ shape: [Int]) -> Safetensors.Tensor {
        .init(name, shape, [Double](repeating: 0, count: shape.reduce(1, *)))
    }

    /// `m` in the top-left corner of a `rows x columns` matrix of zeros.
    func padded(_ m: Matrix, rows: Int, columns: Int) -> Matrix {
        precondition(m.rows <= rows && m.columns <= columns, "a matrix wider than its padded shape")
        var out = Matrix(rows: rows, columns: columns)
        for r in 0..<m.rows { for c in 0..<m.columns { out[r, c] = m[r, c] } }
        return out
    }
}
