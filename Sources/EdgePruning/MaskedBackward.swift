import RASPModel

/// The backward pass of the edge-masked forward pass, written by hand for exactly this model: from
/// dL/dlogits to dL/dm for every edge mask m. Components are visited in reverse order, so a writer's
/// gradient is complete (all its readers come later) before it is pushed to its inputs. Gradient
/// buffers are arenas laid out like the tape's.
public struct MaskedBackward: Sendable {
    let plan: EdgeMaskPlan
    var writerGradients: [Double]
    var readerGradients: [Double]
    var scratch: [Double] = []
    var units: [Int] = []
    var entryGradients: [Double] = []

    public init(plan: EdgeMaskPlan, tape: MaskedTape) {
        self.plan = plan
        writerGradients = [Double](repeating: 0, count: tape.writers.count)
        readerGradients = [Double](repeating: 0, count: tape.readers.count)
        entryGradients = [Double](repeating: 0, count: plan.entryEdge.count)
    }

    /// Adds dL/dm for this batch into `maskGradient`, given dL/dlogits.
    public mutating func backward(tape: MaskedTape, masks: [Double], ablation: Ablation, logitGradient: [Double], into maskGradient: inout [Double]) {
        let n = tape.positions
        for i in writerGradients.indices { writerGradients[i] = 0 }
        let out = n * plan.readerStart[plan.outputReader]
        readerGradients.replaceSubrange(out..<(out + logitGradient.count), with: logitGradient)
        scatter(plan.outputReader, tape: tape, masks: masks, ablation: ablation)
        let model = plan.model
        for l in stride(from: model.layers.count - 1, through: 0, by: -1) {
            let layer = model.layers[l]
            if let mlp = layer.mlp {
                let w = plan.writer(ofMLP: l), r = plan.reader(ofMLP: l)
                mlpBackward(mlp, w: w, r: r, tape: tape)
                scatter(r, tape: tape, masks: masks, ablation: ablation)
            }
            for (h, slot) in layer.heads.enumerated() {
                guard let head = slot else { continue }
                let readers = plan.readers(ofHead: l, h)
                headBackward(head, w: plan.writer(ofHead: l, h), readers: readers, tape: tape)
                scatter(readers.q, tape: tape, masks: masks, ablation: ablation)
                scatter(readers.k, tape: tape, masks: masks, ablation: ablation)
                scatter(readers.v, tape: tape, masks: masks, ablation: ablation)
            }
        }
        for (k, e) in plan.entryEdge.enumerated() {
            maskGradient[e] += entryGradients[k]
            entryGradients[k] = 0
        }
    }

    /// Through x_r = sum m_e out_w + (1 - m_e) ablated_w: dL/dm_e += dx . (out_w - ablated_w) and
    /// dL/dout_w += m_e dx, one position at a time.
    mutating func scatter(_ r: Int, tape: MaskedTape, masks: [Double], ablation: Ablation) {
        let width = plan.readerWidth[r]
        let first = plan.entryStart[r], last = plan.entryStart[r + 1]
        guard width > 0, first < last else { return }
        let n = tape.positions, t = tape.length
        let rows = ablation.perSequence ? n : t
        plan.entrySlot.withUnsafeBufferPointer { slot in
        plan.entryWriter.withUnsafeBufferPointer { writer in
        plan.entryColumn.withUnsafeBufferPointer { column in
        plan.entryEdge.withUnsafeBufferPointer { edge in
        plan.writerStart.withUnsafeBufferPointer { start in
        plan.writerWidth.withUnsafeBufferPointer { widths in
        masks.withUnsafeBufferPointer { m in
        ablation.values.withUnsafeBufferPointer { ab in
        tape.writers.withUnsafeBufferPointer { ob in
        readerGradients.withUnsafeBufferPointer { rb in
        writerGradients.withUnsafeMutableBufferPointer { gb in
        entryGradients.withUnsafeMutableBufferPointer { eb in
            let dx = rb.baseAddress! + n * plan.readerStart[r]
            let o = ob.baseAddress!, g = gb.baseAddress!, dm = eb.baseAddress!
            let ablated = ablation.kind == .zero ? nil : ab.baseAddress
            for p in 0..<n {
                let dxrow = dx + p * width
                let ablationRow = ablation.perSequence ? p : p % t
                for k in first..<last {
                    let d = dxrow[slot[k]]
                    if d == 0 { continue }
                    let w = writer[k], nw = widths[w]
                    let index = n &* start[w] &+ p &* nw &+ column[k]
                    var difference = o[index]
                    if let a = ablated { difference -= a[rows &* start[w] &+ ablationRow &* nw &+ column[k]] }
                    dm[k] += d * difference
                    g[index] += m[edge[k]] * d
                }
            }
        }}}}}}}}}}}}
    }

    /// out = W2^T relu(h), h = W1^T x: dh = (W2 dout) * [h > 0], dx = W1 dh (over active units only).
    mutating func mlpBackward(_ mlp: Transformer.MLP, w: Int, r: Int, tape: MaskedTape) {
        let n = tape.positions, nin = mlp.inputs.count, nh = mlp.hidden, no = mlp.outputs.count
        if scratch.count < nh { scratch = [Double](repeating: 0, count: nh) }
        if units.count < nh { units = [Int](repeating: 0, count: nh) }
        mlp.w1.values.withUnsafeBufferPointer { w1 in
        mlp.w2.values.withUnsafeBufferPointer { w2 in
        tape.preActivations[w].withUnsafeBufferPointer { hb in
        writerGradients.withUnsafeBufferPointer { gb in
        readerGradients.withUnsafeMutableBufferPointer { rb in
        scratch.withUnsafeMutableBufferPointer { db in
        units.withUnsafeMutableBufferPointer { ub in
            let dh = db.baseAddress!, activeUnits = ub.baseAddress!
            let gradient = gb.baseAddress! + n * plan.writerStart[w]
            let input = rb.baseAddress! + n * plan.readerStart[r]
            for p in 0..<n {
                let dout = gradient + p * no
                let dx = input + p * nin
                for i in 0..<nin { dx[i] = 0 }
                var active = 0
                for k in 0..<nh where hb[p &* nh &+ k] > 0 {
                    var s = 0.0
                    for o in 0..<no { s += w2[k &* no &+ o] * dout[o] }
                    if s != 0 {
                        dh[active] = s
                        activeUnits[active] = k
                        active += 1
                    }
                }
                for a in 0..<active {
                    let gk = dh[a], k = activeUnits[a]
                    for i in 0..<nin { dx[i] += w1[i &* nh &+ k] * gk }
                }
            }
        }}}}}}}
    }

    /// Attention backward for every sequence: with A the probabilities, V = x_v W_OV and q = x_q W_QK,
    /// dV = A^T dout, dA = dout V^T, dlogit = A * (dA - rowsum(A * dA)), dq = dlogit x_k,
    /// dx_k = dlogit^T q, dx_q = dq W_QK^T, dx_v = dV W_OV^T.
    mutating func headBackward(_ head: Transformer.AttentionHead, w: Int, readers r: (q: Int, k: Int, v: Int), tape: MaskedTape) {
        let t = tape.length, n = tape.positions
        let nq = head.queryInputs.count, nk = head.keyInputs.count, nv = head.valueInputs.count, no = head.outputs.count
        let need = t * no + t * t + t * nk
        if scratch.count < need { scratch = [Double](repeating: 0, count: need) }
        head.wQK.values.withUnsafeBufferPointer { wqk in
        head.wOV.values.withUnsafeBufferPointer { wov in
        tape.attention[w].withUnsafeBufferPointer { ab in
        tape.queryProjection[w].withUnsafeBufferPointer { qb in
        tape.valueProjection[w].withUnsafeBufferPointer { vb in
        tape.readers.withUnsafeBufferPointer { xb in
        writerGradients.withUnsafeBufferPointer { gb in
        readerGradients.withUnsafeMutableBufferPointer { rb in
        scratch.withUnsafeMutableBufferPointer { sb in
            let dV = sb.baseAddress!, dLogit = dV + t * no, dQ = dLogit + t * t
            let keys = xb.baseAddress! + n * plan.readerStart[r.k]
            let gradient = gb.baseAddress! + n * plan.writerStart[w]
            let dxq = rb.baseAddress! + n * plan.readerStart[r.q]
            let dxk = rb.baseAddress! + n * plan.readerStart[r.k]
            let dxv = rb.baseAddress! + n * plan.readerStart[r.v]
            for b in 0..<tape.count {
                let base = b * t
                let a = ab.baseAddress! + base * t
                let dout = gradient + base * no
                let v = vb.baseAddress! + base * no
                let q = qb.baseAddress! + base * nk
                let k = keys + base * nk
                // dV[s] = sum_t A[t, s] dout[t]
                for i in 0..<(t * no) { dV[i] = 0 }
                for p in 0..<t {
                    for s in 0..<t {
                        let weight = a[p &* t &+ s]
                        if weight == 0 { continue }
                        for o in 0..<no { dV[s &* no &+ o] += weight * dout[p &* no &+ o] }
                    }
                }
                // dlogit[t, s] = A[t, s] (dA[t, s] - sum_s' A[t, s'] dA[t, s'])
                for p in 0..<t {
                    var rowDot = 0.0
                    for s in 0..<t {
                        var da = 0.0
                        for o in 0..<no { da += dout[p &* no &+ o] * v[s &* no &+ o] }
                        dLogit[p &* t &+ s] = da
                        rowDot += a[p &* t &+ s] * da
                    }
                    for s in 0..<t { dLogit[p &* t &+ s] = a[p &* t &+ s] * (dLogit[p &* t &+ s] - rowDot) }
                }
                // dq[t] = sum_s dlogit[t, s] k[s];  dx_k[s] = sum_t dlogit[t, s] q[t]
                for i in 0..<(t * nk) { dQ[i] = 0 }
                let dkBase = dxk + base * nk
                for i in 0..<(t * nk) { dkBase[i] = 0 }
                for p in 0..<t {
                    for s in 0..<t {
                        let g = dLogit[p &* t &+ s]
                        if g == 0 { continue }
                        let krow = k + s * nk, qrow = q + p * nk, dqrow = dQ + p * nk, dkrow = dkBase + s * nk
                        for j in 0..<nk {
                            let kj = krow[j]
                            if kj != 0 { dqrow[j] += g * kj }
                            dkrow[j] += g * qrow[j]
                        }
                    }
                }
                // dx_q = dq W_QK^T over the nonzero entries of dq (at most t per row: keys are near one-hot).
                let dqBase = dxq + base * nq
                for p in 0..<t {
                    let dqp = dqBase + p * nq
                    for i in 0..<nq { dqp[i] = 0 }
                    let row = dQ + p * nk
                    for j in 0..<nk {
                        let g = row[j]
                        if g == 0 { continue }
                        for i in 0..<nq { dqp[i] += g * wqk[i &* nk &+ j] }
                    }
                }
                // dx_v = dV W_OV^T
                let dvBase = dxv + base * nv
                for p in 0..<t {
                    for i in 0..<nv {
                        var s = 0.0
                        for o in 0..<no { s += dV[p &* no &+ o] * wov[i &* no &+ o] }
                        dvBase[p &* nv &+ i] = s
                    }
                }
            }
        }}}}}}}}}
    }
}
