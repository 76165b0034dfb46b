/// One sequence through the full model, kept for a teaching trace: the residual stream after the
/// embeddings and after every sub-layer, every head's attention probabilities, and the logits.
public struct ForwardTrace: Sendable {
    /// Positions (BOS first) x width: after the embeddings, then after the attention and the MLP of each
    /// layer in turn (1 + 2 x layers entries), in the model's own residual basis.
    public var residuals: [Matrix]
    /// Per layer, per head slot: queries x keys (BOS first, zero past the keys a causal query sees), or
    /// nil for a head that writes nothing whatever it attends to (its value or output map is zero), whose
    /// attention the forward pass skips.
    public var attention: [[Matrix?]]
    /// Positions x outputs: what the unembedding reads, as `outputs(_:)` gives it.
    public var logits: Matrix
}

extension EdgeMaskedModel {
    /// Runs one sequence of token ids (BOS first) with every edge kept, through the same `forward` every
    /// other pass uses, and reads the residual stream and the attention off its tape. The residual after
    /// a sub-layer is the sum, in writer order, of what every writer so far wrote to it.
    public func trace(_ tokens: [Int32]) -> ForwardTrace {
        let t = tokens.count
        let tape = MaskedTape(model: self, count: 1, length: t)
        forward(TokenBatch(tokens: tokens, count: 1, length: t), masks: [Double](repeating: 1, count: graph.edges.count),
                ablation: .zero, tape: tape)
        var residual = Matrix(rows: t, columns: model.width)
        var residuals: [Matrix] = []
        for w in graph.writers.indices {
            // A layer without head slots still has an attention sub-layer: it leaves the stream as it was.
            if case .mlp = graph.writers[w], graph.headSlots == 0 { residuals.append(residual) }
            add(written(by: w, tape: tape, tokens: tokens), to: &residual)
            switch graph.writers[w] {
            case .positions, .mlp: residuals.append(residual)
            case .head(_, let h) where h == graph.headSlots - 1: residuals.append(residual)
            default: break
            }
        }
        let attention = (0..<layers).map { l in (0..<graph.headSlots).map { h in attentionPattern(l, h, tape: tape) } }
        let logits = Matrix(rows: t, columns: outputWidth, values: tape.logits)
        return ForwardTrace(residuals: residuals, attention: attention, logits: logits)
    }

    /// What writer `w` wrote to the residual stream, positions x width: embedding rows, its own output
    /// times O_w, or its residual block as is.
    func written(by w: Int, tape: MaskedTape, tokens: [Int32]) -> Matrix {
        let t = tape.positions, d = model.width
        let o = model.writerMatrix(graph.writers[w])
        var out = Matrix(rows: t, columns: d)
        switch writerForm[w] {
        case .lookup:
            let isToken = w == 0
            for p in 0..<t {
                let row = isToken ? Int(tokens[p]) : p
                for j in 0..<d { out[p, j] = o[row, j] }
            }
        case .native:
            let z = tape.writers.pointer + t * writerStart[w]
            o.values.withUnsafeBufferPointer { ob in
                out.values.withUnsafeMutableBufferPointer { yb in
                    Kernel.multiplyAdd(z, ob.baseAddress!, yb.baseAddress!, rows: t, inner: o.rows, columns: d)
                }
            }
        case .residual:
            let y = tape.writers.pointer + t * writerStart[w]
            for i in 0..<(t * d) { out.values[i] = y[i] }
        }
        return out
    }

    /// The attention probabilities of head `h` of layer `l` on the tape (one sequence), or nil for a
    /// silent head.
    func attentionPattern(_ l: Int, _ h: Int, tape: MaskedTape) -> Matrix? {
        guard !silent[writer(ofHead: l, h)] else { return nil }
        let t = tape.length
        let a = tape.attention.pointer + t * t * (l * graph.headSlots + h)
        return Matrix(rows: t, columns: t, values: Array(UnsafeBufferPointer(start: a, count: t * t)))
    }

    private func add(_ x: Matrix, to sum: inout Matrix) {
        for i in sum.values.indices { sum.values[i] += x.values[i] }
    }
}
