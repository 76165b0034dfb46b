/// The components on their gathered inputs: attention heads and MLPs, forward.
extension EdgeMaskedModel {
    /// Where writer `w` leaves its own output z_w: its tape block, or scratch when it is then
    /// projected to the residual stream by O_w.
    func nativeOutput(_ w: Int, _ pass: Pass) -> UnsafeMutablePointer<Double> {
        writerForm[w] == .residual ? pass.scratch : pass.writers + pass.n * writerStart[w]
    }

    /// y_w = z_w O_w for a writer that writes the residual stream (over the firing units of an MLP).
    func project(_ w: Int, _ pass: Pass) {
        guard let o = writerProjection[w] else { return }
        let y = pass.writers + pass.n * writerStart[w]
        y.update(repeating: 0, count: pass.n * writerWidth[w])
        if let rows = writerProjectionRows[w] {
            let lists = mlpLayer(ofWriter: w).flatMap { pass.firing.sparse($0) }
            return Kernel.multiplyAdd(pass.scratch, rows, y, rows: pass.n, units: lists?.units, counts: lists?.counts)
        }
        o.values.withUnsafeBufferPointer {
            if let l = mlpLayer(ofWriter: w), let (units, counts) = pass.firing.sparse(l) {
                Kernel.sparseMultiplyAdd(pass.scratch, $0.baseAddress!, y, rows: pass.n, inner: o.rows, columns: o.columns, units: units, counts: counts)
            } else {
                Kernel.multiplyAdd(pass.scratch, $0.baseAddress!, y, rows: pass.n, inner: o.rows, columns: o.columns)
            }
        }
    }

    /// The attention probabilities of head `h` of layer `l`: `positions x length`.
    func attention(_ l: Int, _ h: Int, _ pass: Pass) -> UnsafeMutablePointer<Double> {
        pass.attention + pass.n * pass.t * (l * graph.headSlots + h)
    }

    /// One head: a_ts = softmax_s(β q_t . k_s) over the visible keys (all, or s <= t when causal; β the
    /// pass's attention scale, 1 for the model itself), then z_t = sum_s a_ts v_s, sequence by sequence:
    /// a sequence's logits are one product of its queries and its transposed keys, its outputs one of
    /// its attention and its values (a causal query's unseen keys have probability 0).
    func headForward(_ l: Int, _ h: Int, _ pass: Pass) {
        let r = readers(ofHead: l, h), w = writer(ofHead: l, h)
        let (q, dk) = input(r.q, pass), (k, _) = input(r.k, pass), (v, dv) = input(r.v, pass)
        let t = pass.t
        let a = attention(l, h, pass), z = nativeOutput(w, pass)
        z.update(repeating: 0, count: pass.n * dv)
        if silent[w] {
            project(w, pass)
            return
        }
        var keys = [Double](repeating: 0, count: dk * t)
        keys.withUnsafeMutableBufferPointer { kb in
            let kt = kb.baseAddress!
            for b in 0..<(pass.n / t) {
                let base = b * t, logits = a + base * t
                Kernel.transpose(k + base * dk, rows: t, columns: dk, into: kt)
                logits.update(repeating: 0, count: t * t)
                Kernel.multiplyAdd(q + base * dk, kt, logits, rows: t, inner: dk, columns: t, scale: pass.attentionScale)
                for p in 0..<t {
                    let visible = model.causal ? p + 1 : t, arow = logits + p * t
                    if visible < t { (arow + visible).update(repeating: 0, count: t - visible) }
                    Kernel.softmax(arow, visible)
                }
                Kernel.multiplyAdd(logits, v + base * dv, z + base * dv, rows: t, inner: t, columns: dv)
            }
        }
        project(w, pass)
    }

    /// The MLP of layer `l`: z = relu(u) on its pre-activations u = x W_in.
    func mlpForward(_ l: Int, _ pass: Pass) {
        let r = reader(ofMLP: l), w = writer(ofMLP: l)
        let (u, width) = input(r, pass)
        let z = nativeOutput(w, pass)
        for i in 0..<(pass.n * width) { z[i] = u[i] > 0 ? u[i] : 0 }
        pass.firing.record(l, preActivations: u)
        project(w, pass)
    }
}
