/// The forward pass through the disentangled residual stream, with one mask value per edge.
extension EdgeMaskPlan {
    /// Runs `batch` with edge masks `masks` (one per graph edge, 1 keeps the edge), filling `tape`.
    public func forward(_ batch: TokenBatch, masks: [Double], ablation: Ablation, tape: MaskedTape) {
        precondition(tape.count == batch.count && tape.length == batch.length, "tape shape does not match the batch")
        precondition(masks.count == graph.edges.count, "one mask per edge")
        let t = batch.length, n = batch.count * t
        masks.withUnsafeBufferPointer { mb in
        ablation.values.withUnsafeBufferPointer { ab in
        tape.writers.withUnsafeMutableBufferPointer { wb in
        tape.readers.withUnsafeMutableBufferPointer { rb in
            let m = mb.baseAddress!, writers = wb.baseAddress!, readers = rb.baseAddress!
            let ablated = ablation.kind == .zero ? nil : ab.baseAddress
            let context = GatherContext(masks: m, writers: writers, readers: readers, ablated: ablated,
                                        perSequence: ablation.perSequence, positions: n, length: t)
            // Embeddings.
            for w in 0..<2 {
                let dims = writerDimensions[w], nw = dims.count
                let embedding = w == 0 ? model.tokenEmbedding : model.positionEmbedding
                let out = writers + n * writerStart[w]
                for b in 0..<batch.count {
                    for p in 0..<t {
                        let row = w == 0 ? Int(batch.tokens[b * t + p]) : p
                        for (c, dim) in dims.enumerated() {
                            out[(b * t + p) * nw + c] = row < embedding.rows ? embedding[row, dim] : 0
                        }
                    }
                }
            }
            for (l, layer) in model.layers.enumerated() {
                for (h, slot) in layer.heads.enumerated() {
                    let r = self.readers(ofHead: l, h)
                    gather(r.q, context)
                    gather(r.k, context)
                    gather(r.v, context)
                    guard let head = slot else { continue }
                    let w = writer(ofHead: l, h)
                    headForward(head, w: w, readers: r, tape: tape, writers: writers, readersBase: readers)
                }
                let r = reader(ofMLP: l)
                gather(r, context)
                if let mlp = layer.mlp {
                    let w = writer(ofMLP: l)
                    mlpForward(mlp, w: w, input: readers + n * readerStart[r], output: writers + n * writerStart[w], tape: tape)
                }
            }
            gather(outputReader, context)
        }}}}
    }

    /// Pointers into one batch's buffers, shared by the gathers of a forward pass.
    struct GatherContext {
        let masks: UnsafePointer<Double>
        let writers: UnsafeMutablePointer<Double>
        let readers: UnsafeMutablePointer<Double>
        /// The ablation arena, nil for zero ablation.
        let ablated: UnsafePointer<Double>?
        let perSequence: Bool
        let positions: Int
        let length: Int
    }

    /// x_r = sum over entries of m_e * out_w[col] + (1 - m_e) * ablated_w[col], one position at a time
    /// (rows are contiguous, so every read is local).
    func gather(_ r: Int, _ g: GatherContext) {
        let width = readerWidth[r]
        guard width > 0 else { return }
        let n = g.positions, t = g.length
        let x = g.readers + n * readerStart[r]
        for i in 0..<(n * width) { x[i] = 0 }
        let first = entryStart[r], last = entryStart[r + 1]
        guard first < last else { return }
        entrySlot.withUnsafeBufferPointer { slot in
        entryWriter.withUnsafeBufferPointer { writer in
        entryColumn.withUnsafeBufferPointer { column in
        entryEdge.withUnsafeBufferPointer { edge in
        writerStart.withUnsafeBufferPointer { start in
        writerWidth.withUnsafeBufferPointer { widths in
            for p in 0..<n {
                let xrow = x + p * width
                let ablationRow = g.perSequence ? p : p % t
                for k in first..<last {
                    let w = writer[k], nw = widths[w]
                    let m = g.masks[edge[k]]
                    var value = m * g.writers[n &* start[w] &+ p &* nw &+ column[k]]
                    if m != 1, let a = g.ablated {
                        let rows = g.perSequence ? n : t
                        value += (1 - m) * a[rows &* start[w] &+ ablationRow &* nw &+ column[k]]
                    }
                    xrow[slot[k]] += value
                }
            }
        }}}}}}
    }

    func headForward(_ head: Transformer.AttentionHead, w: Int, readers r: (q: Int, k: Int, v: Int), tape: MaskedTape,
                     writers: UnsafeMutablePointer<Double>, readersBase: UnsafeMutablePointer<Double>) {
        let t = tape.length, n = tape.positions
        let nq = head.queryInputs.count, nk = head.keyInputs.count, nv = head.valueInputs.count, no = head.outputs.count
        let xq = readersBase + n * readerStart[r.q], xk = readersBase + n * readerStart[r.k], xv = readersBase + n * readerStart[r.v]
        let out = writers + n * writerStart[w]
        let causal = model.causal
        head.wQK.values.withUnsafeBufferPointer { wqk in
        head.wOV.values.withUnsafeBufferPointer { wov in
        tape.queryProjection[w].withUnsafeMutableBufferPointer { qp in
        tape.valueProjection[w].withUnsafeMutableBufferPointer { vp in
        tape.attention[w].withUnsafeMutableBufferPointer { ab in
        tape.keyNonzero.withUnsafeMutableBufferPointer { nzb in
        tape.keyCounts.withUnsafeMutableBufferPointer { cb in
            let q = qp.baseAddress!, v = vp.baseAddress!, a = ab.baseAddress!, nz = nzb.baseAddress!, counts = cb.baseAddress!
            for p in 0..<n {
                let qrow = q + p * nk
                for j in 0..<nk { qrow[j] = 0 }
                for i in 0..<nq {
                    let x = xq[p &* nq &+ i]
                    if x == 0 { continue }
                    for j in 0..<nk { qrow[j] += x * wqk[i &* nk &+ j] }
                }
                let vrow = v + p * no
                for o in 0..<no { vrow[o] = 0 }
                for i in 0..<nv {
                    let x = xv[p &* nv &+ i]
                    if x == 0 { continue }
                    for o in 0..<no { vrow[o] += x * wov[i &* no &+ o] }
                }
            }
            for b in 0..<tape.count {
                // Keys are nearly one-hot: list each key position's nonzero entries once per sequence.
                for s in 0..<t {
                    var c = 0
                    let krow = xk + (b * t + s) * nk
                    for j in 0..<nk where krow[j] != 0 {
                        nz[s &* nk &+ c] = j
                        c += 1
                    }
                    counts[s] = c
                }
                for p in 0..<t {
                    let row = b * t + p
                    let qrow = q + row * nk, arow = a + row * t
                    let visible = causal ? p + 1 : t
                    for s in 0..<visible {
                        var dot = 0.0
                        let krow = xk + (b * t + s) * nk
                        for c in 0..<counts[s] {
                            let j = nz[s &* nk &+ c]
                            dot += qrow[j] * krow[j]
                        }
                        arow[s] = dot
                    }
                    softmaxInPlace(arow, visible)
                    for s in visible..<t { arow[s] = 0 }
                    let orow = out + row * no
                    for o in 0..<no { orow[o] = 0 }
                    for s in 0..<visible {
                        let weight = arow[s]
                        if weight == 0 { continue }
                        let vrow = v + (b * t + s) * no
                        for o in 0..<no { orow[o] += weight * vrow[o] }
                    }
                }
            }
        }}}}}}}
    }

    func mlpForward(_ mlp: Transformer.MLP, w: Int, input x: UnsafeMutablePointer<Double>, output out: UnsafeMutablePointer<Double>, tape: MaskedTape) {
        let n = tape.positions, nin = mlp.inputs.count, nh = mlp.hidden, no = mlp.outputs.count
        mlp.w1.values.withUnsafeBufferPointer { w1 in
        mlp.w2.values.withUnsafeBufferPointer { w2 in
        tape.preActivations[w].withUnsafeMutableBufferPointer { hb in
            let h = hb.baseAddress!
            for p in 0..<n {
                let hrow = h + p * nh
                for k in 0..<nh { hrow[k] = 0 }
                for i in 0..<nin {
                    let xi = x[p &* nin &+ i]
                    if xi == 0 { continue }
                    for k in 0..<nh { hrow[k] += xi * w1[i &* nh &+ k] }
                }
                let orow = out + p * no
                for o in 0..<no { orow[o] = 0 }
                for k in 0..<nh {
                    let a = hrow[k]
                    if a <= 0 { continue }
                    for o in 0..<no { orow[o] += a * w2[k &* no &+ o] }
                }
            }
        }}}
    }
}
