/// The components backward: from dL/dz of a head or MLP to dL/d(its inputs).
extension EdgeMaskedModel {
    /// Through z = relu(u): du = dz where u > 0, else 0; then dx = du W_in^T for a residual reader.
    func mlpBackward(_ l: Int, _ back: BackPass) {
        let r = reader(ofMLP: l), w = writer(ofMLP: l), pass = back.pass
        let (u, width) = input(r, pass)
        let gz = nativeGradient(w, back)
        let gu = back.inputGradient(r, self)
        for i in 0..<(pass.n * width) { gu[i] = u[i] > 0 ? gz[i] : 0 }
        unproject(r, back)
    }

    /// Through z_t = sum_s a_ts v_s with a_t = softmax(β q_t . k_s): with g = dz_t,
    /// da_ts = g . v_s, dv_s += a_ts g, ds_t = β a_t (da_t - a_t . da_t), dq_t = sum_s ds_ts k_s,
    /// dk_s += ds_ts q_t.
    func headBackward(_ l: Int, _ h: Int, _ back: BackPass) {
        let r = readers(ofHead: l, h), w = writer(ofHead: l, h), pass = back.pass
        let (q, dk) = input(r.q, pass), (k, _) = input(r.k, pass), (v, dv) = input(r.v, pass)
        let gq = back.inputGradient(r.q, self), gk = back.inputGradient(r.k, self), gv = back.inputGradient(r.v, self)
        let n = pass.n, t = pass.t
        gq.update(repeating: 0, count: n * dk)
        gk.update(repeating: 0, count: n * dk)
        gv.update(repeating: 0, count: n * dv)
        if silent[w] {
            for reader in [r.q, r.k, r.v] { unproject(reader, back) }
            return
        }
        let gz = nativeGradient(w, back)
        let a = attention(l, h, pass)
        var scratch = [Double](repeating: 0, count: dv * t + t)
        scratch.withUnsafeMutableBufferPointer { sb in
            let vt = sb.baseAddress!, da = sb.baseAddress! + dv * t
            for b in 0..<(n / t) {
                let base = b * t
                for s in 0..<t { for o in 0..<dv { vt[o * t + s] = v[(base + s) * dv + o] } }
                for p in 0..<t {
                    let row = base + p, visible = model.causal ? p + 1 : t
                    let arow = a + row * t, g = gz + row * dv
                    da.update(repeating: 0, count: visible)
                    for o in 0..<dv where g[o] != 0 { Kernel.axpy(vt + o * t, da, visible, scale: g[o]) }
                    for s in 0..<visible { Kernel.axpy(g, gv + (base + s) * dv, dv, scale: arow[s]) }
                    Kernel.softmaxBackward(arow, da, visible)
                    if pass.attentionScale != 1 { for s in 0..<visible { da[s] *= pass.attentionScale } }
                    Kernel.multiplyAdd(da, k + base * dk, gq + row * dk, rows: 1, inner: visible, columns: dk)
                    for s in 0..<visible { Kernel.axpy(q + row * dk, gk + (base + s) * dk, dk, scale: da[s]) }
                }
            }
        }
        for reader in [r.q, r.k, r.v] { unproject(reader, back) }
    }
}
