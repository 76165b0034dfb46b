/// The forward pass over a batch of sequences: embeddings, then per layer the attention heads (all
/// reading the residual before the layer) and the MLP, each adding to its own residual dimensions.
///
/// Inner loops run on unsafe pointers and skip zero inputs: compiled activations are mostly one-hot,
/// so a matrix-vector product costs a few rows rather than the whole matrix.
extension Transformer {
    /// The final residual stream: `batch.count x batch.length x residualWidth`.
    public func residuals(_ batch: TokenBatch) -> [Double] {
        let d = residualWidth, t = batch.length
        var all = [Double](repeating: 0, count: batch.count * t * d)
        var scratch = ForwardScratch(model: self, length: t)
        all.withUnsafeMutableBufferPointer { out in
            for b in 0..<batch.count {
                runSequence(batch, b, out.baseAddress! + b * t * d, &scratch)
            }
        }
        return all
    }

    /// The unembedded outputs (the output s-op's dimensions): `batch.count x batch.length x outputDimensions.count`.
    public func outputs(_ batch: TokenBatch) -> [Double] {
        let d = residualWidth, t = batch.length, o = outputDimensions.count
        var result = [Double](repeating: 0, count: batch.count * t * o)
        var residual = [Double](repeating: 0, count: t * d)
        var scratch = ForwardScratch(model: self, length: t)
        let dims = outputDimensions
        result.withUnsafeMutableBufferPointer { out in
            residual.withUnsafeMutableBufferPointer { r in
                let rp = r.baseAddress!
                for b in 0..<batch.count {
                    runSequence(batch, b, rp, &scratch)
                    let base = out.baseAddress! + b * t * o
                    for p in 0..<t {
                        for (k, dim) in dims.enumerated() { base[p &* o &+ k] = rp[p &* d &+ dim] }
                    }
                }
            }
        }
        return result
    }

    /// Runs sequence `b` of the batch, leaving its residual stream (length x width) at `r`.
    func runSequence(_ batch: TokenBatch, _ b: Int, _ r: UnsafeMutablePointer<Double>, _ s: inout ForwardScratch) {
        let d = residualWidth, t = batch.length
        r.update(repeating: 0, count: t * d)
        let tokenBase = b * t
        for p in 0..<t {
            let id = Int(batch.tokens[tokenBase + p])
            let row = r + p * d
            for k in s.tokenRows.start[id]..<s.tokenRows.start[id + 1] { row[s.tokenRows.columns[k]] += s.tokenRows.values[k] }
            if p < s.positionRows.start.count - 1 {
                for k in s.positionRows.start[p]..<s.positionRows.start[p + 1] { row[s.positionRows.columns[k]] += s.positionRows.values[k] }
            }
        }
        for layer in layers {
            // Every head reads the residual before the layer; their outputs are added afterwards.
            var headOut: [Double] = []
            swap(&headOut, &s.headOut)
            var offset = 0
            headOut.withUnsafeMutableBufferPointer { out in
                for head in layer.heads {
                    guard let head else { continue }
                    attention(head, r, t, d, out.baseAddress! + offset, &s)
                    offset += t * head.outputs.count
                }
                offset = 0
                for head in layer.heads {
                    guard let head else { continue }
                    let no = head.outputs.count
                    for p in 0..<t {
                        for (k, dim) in head.outputs.enumerated() { r[p &* d &+ dim] += out[offset &+ p &* no &+ k] }
                    }
                    offset += t * no
                }
            }
            swap(&headOut, &s.headOut)
            if let mlp = layer.mlp { applyMLP(mlp, r, t, d, &s) }
        }
    }

    /// One head on one sequence: logits `q^T W_QK k`, causal mask if set, softmax, then `sum_s a_ts v_s^T W_OV`.
    func attention(_ head: AttentionHead, _ r: UnsafeMutablePointer<Double>, _ t: Int, _ d: Int,
                   _ out: UnsafeMutablePointer<Double>, _ s: inout ForwardScratch) {
        let nq = head.queryInputs.count, nk = head.keyInputs.count, nv = head.valueInputs.count, no = head.outputs.count
        let causal = self.causal
        s.ensure(t: t, nk: nk, no: no)
        head.wQK.values.withUnsafeBufferPointer { wqk in
        head.wOV.values.withUnsafeBufferPointer { wov in
        s.qProjection.withUnsafeMutableBufferPointer { qp in
        s.keys.withUnsafeMutableBufferPointer { kb in
        s.logits.withUnsafeMutableBufferPointer { lg in
        s.vProjection.withUnsafeMutableBufferPointer { vp in
            let q = qp.baseAddress!, keys = kb.baseAddress!, logits = lg.baseAddress!, v = vp.baseAddress!
            q.update(repeating: 0, count: t * nk)
            v.update(repeating: 0, count: t * no)
            for p in 0..<t {
                let row = r + p * d
                for j in 0..<nk { keys[p &* nk &+ j] = row[head.keyInputs[j]] }
                for i in 0..<nq {
                    let x = row[head.queryInputs[i]]
                    if x == 0 { continue }
                    let w = wqk.baseAddress! + i * nk
                    let qrow = q + p * nk
                    for j in 0..<nk { qrow[j] += x * w[j] }
                }
                for i in 0..<nv {
                    let x = row[head.valueInputs[i]]
                    if x == 0 { continue }
                    let w = wov.baseAddress! + i * no
                    let vrow = v + p * no
                    for o in 0..<no { vrow[o] += x * w[o] }
                }
            }
            for p in 0..<t {
                let qrow = q + p * nk
                let lrow = logits + p * t
                let visible = causal ? p + 1 : t
                var maximum = -Double.infinity
                for k in 0..<visible {
                    var dot = 0.0
                    let krow = keys + k * nk
                    for j in 0..<nk { dot += qrow[j] * krow[j] }
                    lrow[k] = dot
                    if dot > maximum { maximum = dot }
                }
                var total = 0.0
                for k in 0..<visible {
                    let e = _exp(lrow[k] - maximum)
                    lrow[k] = e
                    total += e
                }
                let orow = out + p * no
                for o in 0..<no { orow[o] = 0 }
                let scale = 1 / total
                for k in 0..<visible {
                    let a = lrow[k] * scale
                    if a == 0 { continue }
                    let vrow = v + k * no
                    for o in 0..<no { orow[o] += a * vrow[o] }
                }
            }
        }}}}}}
    }

    /// The MLP on every position of one sequence: `out = W2^T relu(W1^T x)`.
    func applyMLP(_ mlp: MLP, _ r: UnsafeMutablePointer<Double>, _ t: Int, _ d: Int, _ s: inout ForwardScratch) {
        let nin = mlp.inputs.count, nh = mlp.hidden, no = mlp.outputs.count
        s.ensureHidden(nh)
        mlp.w1.values.withUnsafeBufferPointer { w1 in
        mlp.w2.values.withUnsafeBufferPointer { w2 in
        s.hidden.withUnsafeMutableBufferPointer { hb in
            let h = hb.baseAddress!
            for p in 0..<t {
                let row = r + p * d
                h.update(repeating: 0, count: nh)
                for i in 0..<nin {
                    let x = row[mlp.inputs[i]]
                    if x == 0 { continue }
                    let w = w1.baseAddress! + i * nh
                    for k in 0..<nh { h[k] += x * w[k] }
                }
                for k in 0..<nh {
                    let a = h[k]
                    if a <= 0 { continue }
                    let w = w2.baseAddress! + k * no
                    for o in 0..<no { row[mlp.outputs[o]] += a * w[o] }
                }
            }
        }}}
    }
}

/// Buffers reused across the sequences of one forward call.
struct ForwardScratch {
    var tokenRows: SparseRows
    var positionRows: SparseRows
    var headOut: [Double]
    var qProjection: [Double] = []
    var keys: [Double] = []
    var logits: [Double] = []
    var vProjection: [Double] = []
    var hidden: [Double] = []

    init(model: Transformer, length t: Int) {
        tokenRows = SparseRows(model.tokenEmbedding)
        positionRows = SparseRows(model.positionEmbedding)
        var most = 0
        for layer in model.layers {
            most = max(most, layer.heads.reduce(0) { $0 + ($1?.outputs.count ?? 0) })
        }
        headOut = [Double](repeating: 0, count: max(1, most * t))
    }

    mutating func ensure(t: Int, nk: Int, no: Int) {
        if qProjection.count < t * nk { qProjection = [Double](repeating: 0, count: t * nk); keys = qProjection }
        if logits.count < t * t { logits = [Double](repeating: 0, count: t * t) }
        if vProjection.count < t * no { vProjection = [Double](repeating: 0, count: t * no) }
    }

    mutating func ensureHidden(_ n: Int) {
        if hidden.count < n { hidden = [Double](repeating: 0, count: n) }
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#else
import Darwin
@inline(__always) func _exp(_ x: Double) -> Double { Darwin.exp(x) }
#endif
