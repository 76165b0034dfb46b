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
    /// dk_s += ds_ts q_t; per sequence, da = g vᵀ, dv += aᵀ g, dq = ds k and dk += dsᵀ q are products
    /// (ds is 0 at a causal query's unseen keys, as a is).
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
        var scratch = [Double](repeating: 0, count: dv * t + 3 * t * t)
        scratch.withUnsafeMutableBufferPointer { sb in
            let vt = sb.baseAddress!, ds = vt + dv * t, at = ds + t * t, dst = at + t * t
            for b in 0..<(n / t) {
                let base = b * t, arows = a + base * t, g = gz + base * dv
                Kernel.transpose(v + base * dv, rows: t, columns: dv, into: vt)
                Kernel.transpose(arows, rows: t, columns: t, into: at)
                ds.update(repeating: 0, count: t * t)
                Kernel.multiplyAdd(g, vt, ds, rows: t, inner: dv, columns: t)
                Kernel.multiplyAdd(at, g, gv + base * dv, rows: t, inner: t, columns: dv)
                for p in 0..<t {
                    let visible = model.causal ? p + 1 : t, row = ds + p * t
                    Kernel.softmaxBackward(arows + p * t, row, visible)
                    if pass.attentionScale != 1 { for s in 0..<visible { row[s] *= pass.attentionScale } }
                    if visible < t { (row + visible).update(repeating: 0, count: t - visible) }
                }
                Kernel.multiplyAdd(ds, k + base * dk, gq + base * dk, rows: t, inner: t, columns: dk)
                Kernel.transpose(ds, rows: t, columns: t, into: dst)
                Kernel.multiplyAdd(dst, q + base * dk, gk + base * dk, rows: t, inner: t, columns: dk)
            }
        }
        for reader in [r.q, r.k, r.v] { unproject(reader, back) }
    }
}
