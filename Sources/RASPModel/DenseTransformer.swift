/// A transformer with dense weights on a `width`-dimensional residual stream, in the shapes
/// TransformerLens uses: no layer norm, no biases (constants come through a direction the token
/// embedding writes), ReLU MLPs, attention logits `(x W_Q) . (x W_K)` with no scaling. Position 0 of
/// every sequence is BOS.
///
/// Every head slot and every MLP of the graph exists (RASP.md 3.2): a slot the program leaves empty
/// has one dimension of zero weights. This is the model every variant is and every pass runs on; the
/// compiler's compact form is turned into it by `init(compact:)`.
public struct DenseTransformer: Sendable, Equatable {
    /// One head: query and key maps `width x keyWidth`, value map `width x valueWidth`, output map
    /// `valueWidth x width`. It writes `sum_s softmax_s(q_t . k_s) v_s W_O` at position t.
    public struct Head: Sendable, Equatable {
        public var query: Matrix
        public var key: Matrix
        public var value: Matrix
        public var output: Matrix

        public init(query: Matrix, key: Matrix, value: Matrix, output: Matrix) {
            self.query = query
            self.key = key
            self.value = value
            self.output = output
        }

        public static func empty(width: Int) -> Head {
            Head(query: Matrix(rows: width, columns: 1), key: Matrix(rows: width, columns: 1),
                 value: Matrix(rows: width, columns: 1), output: Matrix(rows: 1, columns: width))
        }
    }

    /// A ReLU MLP: `relu(x W_in) W_out`, W_in `width x hidden`, W_out `hidden x width`.
    public struct MLP: Sendable, Equatable {
        public var input: Matrix
        public var output: Matrix

        public init(input: Matrix, output: Matrix) {
            self.input = input
            self.output = output
        }

        public var hidden: Int { input.columns }

        public static func empty(width: Int) -> MLP {
            MLP(input: Matrix(rows: width, columns: 1), output: Matrix(rows: 1, columns: width))
        }
    }

    public struct Layer: Sendable, Equatable {
        public var heads: [Head]
        public var mlp: MLP

        public init(heads: [Head], mlp: MLP) {
            self.heads = heads
            self.mlp = mlp
        }
    }

    public var width: Int
    /// Row i: the embedding of token id i (id 0 is BOS).
    public var tokenEmbedding: Matrix
    /// Row p: the embedding of position p.
    public var positionEmbedding: Matrix
    public var layers: [Layer]
    /// `width x outputs`: the logits are the final residual times this.
    public var unembedding: Matrix
    public var causal: Bool
    public var readout: Readout

    public init(width: Int, tokenEmbedding: Matrix, positionEmbedding: Matrix, layers: [Layer], unembedding: Matrix,
                causal: Bool, readout: Readout) {
        self.width = width
        self.tokenEmbedding = tokenEmbedding
        self.positionEmbedding = positionEmbedding
        self.layers = layers
        self.unembedding = unembedding
        self.causal = causal
        self.readout = readout
    }

    public var headSlots: Int { layers.first?.heads.count ?? 0 }
    public var outputWidth: Int { unembedding.columns }
    /// The longest sequence the position embedding covers, BOS included.
    public var positions: Int { positionEmbedding.rows }
    public var vocabularySize: Int { tokenEmbedding.rows }

    public var parameterCount: Int {
        var n = tokenEmbedding.values.count + positionEmbedding.values.count + unembedding.values.count
        for layer in layers {
            n += layer.mlp.input.values.count + layer.mlp.output.values.count
            for h in layer.heads { n += h.query.values.count + h.key.values.count + h.value.values.count + h.output.values.count }
        }
        return n
    }
}

extension DenseTransformer {
    /// The compiler's compact model written out on the full residual stream. A head's bilinear form
    /// `W_QK` (queries x keys) is split as W_Q W_K^T through the smaller of its two sides, and `W_OV`
    /// as W_V W_O likewise, so the model is no wider inside than the program needs.
    public init(compact m: Transformer, readout: Readout) {
        let d = m.residualWidth
        let layers = m.layers.map { layer in
            Layer(heads: layer.heads.map { $0.map { DenseTransformer.head($0, width: d) } ?? .empty(width: d) },
                  mlp: layer.mlp.map { DenseTransformer.mlp($0, width: d) } ?? .empty(width: d))
        }
        var unembedding = Matrix(rows: d, columns: m.outputDimensions.count)
        for (o, dim) in m.outputDimensions.enumerated() { unembedding[dim, o] = 1 }
        self.init(width: d, tokenEmbedding: m.tokenEmbedding, positionEmbedding: m.positionEmbedding, layers: layers,
                  unembedding: unembedding, causal: m.causal, readout: readout)
    }

    static func head(_ h: Transformer.AttentionHead, width d: Int) -> Head {
        let nq = h.queryInputs.count, nk = h.keyInputs.count, nv = h.valueInputs.count, no = h.outputs.count
        let k = max(1, min(nq, nk)), v = max(1, min(nv, no))
        var query = Matrix(rows: d, columns: k), key = Matrix(rows: d, columns: k)
        if nk <= nq {
            for (i, dim) in h.queryInputs.enumerated() { for j in 0..<nk { query[dim, j] = h.wQK[i, j] } }
            for (j, dim) in h.keyInputs.enumerated() { key[dim, j] = 1 }
        } else {
            for (i, dim) in h.queryInputs.enumerated() { query[dim, i] = 1 }
            for (j, dim) in h.keyInputs.enumerated() { for i in 0..<nq { key[dim, i] = h.wQK[i, j] } }
        }
        var value = Matrix(rows: d, columns: v), output = Matrix(rows: v, columns: d)
        if no <= nv {
            for (i, dim) in h.valueInputs.enumerated() { for o in 0..<no { value[dim, o] = h.wOV[i, o] } }
            for (o, dim) in h.outputs.enumerated() { output[o, dim] = 1 }
        } else {
            for (i, dim) in h.valueInputs.enumerated() { value[dim, i] = 1 }
            for (o, dim) in h.outputs.enumerated() { for i in 0..<nv { output[i, dim] = h.wOV[i, o] } }
        }
        return Head(query: query, key: key, value: value, output: output)
    }

    static func mlp(_ m: Transformer.MLP, width d: Int) -> MLP {
        guard m.hidden > 0 else { return .empty(width: d) }
        var input = Matrix(rows: d, columns: m.hidden), output = Matrix(rows: m.hidden, columns: d)
        for (i, dim) in m.inputs.enumerated() { for k in 0..<m.hidden { input[dim, k] = m.w1[i, k] } }
        for k in 0..<m.hidden { for (o, dim) in m.outputs.enumerated() { output[k, dim] = m.w2[k, o] } }
        return MLP(input: input, output: output)
    }
}

extension DenseTransformer {
    /// What a writer of the graph writes: one row per unit (token, position, value dimension, hidden
    /// unit), `width` columns.
    public func writerMatrix(_ writer: ComputeGraph.Writer) -> Matrix {
        switch writer {
        case .tokens: return tokenEmbedding
        case .positions: return positionEmbedding
        case .head(let l, let h): return layers[l].heads[h].output
        case .mlp(let l): return layers[l].mlp.output
        }
    }

    /// What a reader of the graph reads: `width` rows, one column per unit (query, key or value
    /// dimension, hidden unit, output logit).
    public func readerMatrix(_ reader: ComputeGraph.Reader) -> Matrix {
        switch reader {
        case .query(let l, let h): return layers[l].heads[h].query
        case .key(let l, let h): return layers[l].heads[h].key
        case .value(let l, let h): return layers[l].heads[h].value
        case .mlp(let l): return layers[l].mlp.input
        case .output: return unembedding
        }
    }

    /// The same model with every writer matrix passed through `writer` and every reader matrix
    /// through `reader` (each told which kind of unit it holds).
    public func transformed(writer: (inout Matrix, WeightRole) -> Void, reader: (inout Matrix, WeightRole) -> Void) -> DenseTransformer {
        var m = self
        writer(&m.tokenEmbedding, .tokenEmbedding)
        writer(&m.positionEmbedding, .positionEmbedding)
        for l in m.layers.indices {
            for h in m.layers[l].heads.indices {
                reader(&m.layers[l].heads[h].query, .query)
                reader(&m.layers[l].heads[h].key, .key)
                reader(&m.layers[l].heads[h].value, .value)
                writer(&m.layers[l].heads[h].output, .headOutput)
            }
            reader(&m.layers[l].mlp.input, .mlpInput)
            writer(&m.layers[l].mlp.output, .mlpOutput)
        }
        reader(&m.unembedding, .unembedding)
        return m
    }

    /// The kinds of weight matrix: writers (units are rows) and readers (units are columns).
    public enum WeightRole: String, Sendable, CaseIterable {
        case tokenEmbedding, positionEmbedding, headOutput, mlpOutput
        case query, key, value, mlpInput, unembedding
    }

    /// How much of what writer `w` writes reader `r` reads: ||O_w W_r|| / (||O_w|| ||W_r||), zero when
    /// either is zero. Compiled models give exactly 0 or a sizeable value; rounding in a rotated model
    /// leaves about 1e-16.
    public func signal(writer: ComputeGraph.Writer, reader: ComputeGraph.Reader) -> Double {
        let o = writerMatrix(writer), w = readerMatrix(reader)
        let scale = o.norm * w.norm
        return scale == 0 ? 0 : o.multiplied(by: w).norm / scale
    }

    /// Edges whose writer's output reaches the reader's input with nonzero weight (a relative signal
    /// above 1e-12, past rounding), out of the graph's edges.
    public func edgesCarrying(_ graph: ComputeGraph) -> Int {
        graph.edges.filter { signal(writer: graph.writers[$0.writer], reader: graph.readers[$0.reader]) > 1e-12 }.count
    }
}
