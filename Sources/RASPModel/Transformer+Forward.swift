/// The forward pass over a batch of sequences: embeddings, then per layer the attention heads (all
/// reading the residual before the layer) and the MLP, each adding to its own residual dimensions.
///
/// Work is batch-major: each component runs over a chunk of sequences at a time, so per-component costs
/// (pointer setup, reference counting) are paid once per chunk. Inner loops run on unsafe pointers and
/// skip zero inputs: compiled activations are mostly one-hot, so a product costs a few rows.
extension Transformer {
    /// Sequences processed together: at most 256, and few enough that a chunk's residual stream
    /// (sequences x length x width doubles) stays within 8 million values (64 MB).
    func chunkSize(length t: Int) -> Int {
        max(1, min(256, 8_000_000 / max(1, t * residualWidth)))
    }

    /// The final residual stream: `batch.count x batch.length x residualWidth`.
    public func residuals(_ batch: TokenBatch) -> [Double] {
        let d = residualWidth, t = batch.length
        var all = [Double](repeating: 0, count: batch.count * t * d)
        var scratch = ForwardScratch(model: self, length: t)
        all.withUnsafeMutableBufferPointer { out in
            var start = 0
            let chunk = chunkSize(length: t)
            while start < batch.count {
                let n = min(chunk, batch.count - start)
                runChunk(batch, start, n, out.baseAddress! + start * t * d, &scratch)
                start += n
            }
        }
        return all
    }

    /// The unembedded outputs (the output s-op's dimensions): `batch.count x batch.length x outputDimensions.count`.
    /// Chunks of the batch run on all cores; the result does not depend on how they are spread.
    public func outputs(_ batch: TokenBatch, threads: Int? = nil) -> [Double] {
        let t = batch.length, o = outputDimensions.count
        var result = [Double](repeating: 0, count: batch.count * t * o)
        let size = chunkSize(length: t)
        let chunks = (batch.count + size - 1) / size
        let workers = min(chunks, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        result.withUnsafeMutableBufferPointer { out in
            let target = SendablePointer(base: out.baseAddress!)
            if workers <= 1 {
                runChunks(batch, 0..<chunks, into: target)
            } else {
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    runChunks(batch, (w * chunks / workers)..<((w + 1) * chunks / workers), into: target)
                }
            }
        }
        return result
    }

    /// Runs the given chunks of a batch, writing their outputs into `target`.
    private func runChunks(_ batch: TokenBatch, _ chunks: Range<Int>, into target: SendablePointer) {
        guard !chunks.isEmpty else { return }
        let d = residualWidth, t = batch.length, o = outputDimensions.count
        let size = chunkSize(length: t)
        var residual = [Double](repeating: 0, count: size * t * d)
        var scratch = ForwardScratch(model: self, length: t)
        residual.withUnsafeMutableBufferPointer { r in
            outputDimensions.withUnsafeBufferPointer { dims in
                let rp = r.baseAddress!
                for c in chunks {
                    let start = c * size
                    let n = min(size, batch.count - start)
                    runChunk(batch, start, n, rp, &scratch)
                    let base = target.base + start * t * o
                    for p in 0..<(n * t) {
                        for k in 0..<o { base[p &* o &+ k] = rp[p &* d &+ dims[k]] }
                    }
                }
            }
        }
    }

    /// Runs sequences `start..<start+n`, leaving their residual streams (n x length x width) at `r`.
    func runChunk(_ batch: TokenBatch, _ start: Int, _ n: Int, _ r: UnsafeMutablePointer<Double>, _ s: inout ForwardScratch) {
        let d = residualWidth, t = batch.length
        r.update(repeating: 0, count: n * t * d)
        batch.tokens.withUnsafeBufferPointer { tokens in
            for b in 0..<n {
                for p in 0..<t {
                    let id = Int(tokens[(start + b) * t + p])
                    let row = r + (b * t + p) * d
                    for k in s.tokenRows.start[id]..<s.tokenRows.start[id + 1] { row[s.tokenRows.columns[k]] += s.tokenRows.values[k] }
                    if p + 1 < s.positionRows.start.count {
                        for k in s.positionRows.start[p]..<s.positionRows.start[p + 1] { row[s.positionRows.columns[k]] += s.positionRows.values[k] }
                    }
                }
            }
        }
        for layer in layers {
            // Every head reads the residual before the layer; their outputs are added afterwards.
            var headOut: [Double] = []
            swap(&headOut, &s.headOut)
            if headOut.count < n * t * s.headWidth { headOut = [Double](repeating: 0, count: n * t * s.headWidth) }
            headOut.withUnsafeMutableBufferPointer { out in
                var offset = 0
                for head in layer.heads {
                    guard let head else { continue }
                    attention(head, r, n, t, d, out.baseAddress! + offset, &s)
                    offset += n * t * head.outputs.count
                }
                offset = 0
                for head in layer.heads {
                    guard let head else { continue }
                    let no = head.outputs.count
                    head.outputs.withUnsafeBufferPointer { dims in
                        for p in 0..<(n * t) {
                            let row = r + p * d, src = out.baseAddress! + offset + p * no
                            for k in 0..<no { row[dims[k]] += src[k] }
                        }
                    }
                    offset += n * t * no
                }
            }
            swap(&headOut, &s.headOut)
            if let mlp = layer.mlp { applyMLP(mlp, r, n * t, d, &s) }
        }
    }

    /// One head on n sequences: logits `q^T W_QK k`, causal mask if set, softmax, then
    /// `sum_s a_ts v_s^T W_OV`, written to `out` (n x t x outputs).
    func attention(_ head: AttentionHead, _ r: UnsafeMutablePointer<Double>, _ n: Int, _ t: Int, _ d: Int,
                   _ out: UnsafeMutablePointer<Double>, _ s: inout ForwardScratch) {
        let nq = head.queryInputs.count, nk = head.keyInputs.count, nv = head.valueInputs.count, no = head.outputs.count
        let causal = self.causal
        s.ensure(t: t, nk: nk, no: no)
        head.wQK.values.withUnsafeBufferPointer { wqk in
        head.wOV.values.withUnsafeBufferPointer { wov in
        head.queryInputs.withUnsafeBufferPointer { qIn in
        head.keyInputs.withUnsafeBufferPointer { kIn in
        head.valueInputs.withUnsafeBufferPointer { vIn in
        s.qProjection.withUnsafeMutableBufferPointer { qp in
        s.keys.withUnsafeMutableBufferPointer { kb in
        s.logits.withUnsafeMutableBufferPointer { lg in
        s.vProjection.withUnsafeMutableBufferPointer { vp in
        s.keyNonzero.withUnsafeMutableBufferPointer { nzb in
        s.keyCounts.withUnsafeMutableBufferPointer { cb in
            let q = qp.baseAddress!, keys = kb.baseAddress!, logits = lg.baseAddress!, v = vp.baseAddress!
            let nonzero = nzb.baseAddress!, counts = cb.baseAddress!
            for b in 0..<n {
                let seq = r + b * t * d
                for i in 0..<(t &* nk) { q[i] = 0 }
                for i in 0..<(t &* no) { v[i] = 0 }
                for p in 0..<t {
                    let row = seq + p * d
                    for j in 0..<nk { keys[p &* nk &+ j] = row[kIn[j]] }
                    let qrow = q + p * nk
                    for i in 0..<nq {
                        let x = row[qIn[i]]
                        if x == 0 { continue }
                        let w = wqk.baseAddress! + i * nk
                        for j in 0..<nk { qrow[j] += x * w[j] }
                    }
                    let vrow = v + p * no
                    for i in 0..<nv {
                        let x = row[vIn[i]]
                        if x == 0 { continue }
                        let w = wov.baseAddress! + i * no
                        for o in 0..<no { vrow[o] += x * w[o] }
                    }
                }
                // Keys are one-hot: list each key position's nonzero entries.
                for k in 0..<t {
                    var c = 0
                    let krow = keys + k * nk
                    for j in 0..<nk where krow[j] != 0 {
                        nonzero[k &* nk &+ c] = j
                        c += 1
                    }
                    counts[k] = c
                }
                let seqOut = out + b * t * no
                for p in 0..<t {
                    let qrow = q + p * nk
                    let lrow = logits + p * t
                    let visible = causal ? p + 1 : t
                    for k in 0..<visible {
                        var dot = 0.0
                        let krow = keys + k * nk
                        for c in 0..<counts[k] {
                            let j = nonzero[k &* nk &+ c]
                            dot += qrow[j] * krow[j]
                        }
                        lrow[k] = dot
                    }
                    softmaxInPlace(lrow, visible)
                    let orow = seqOut + p * no
                    for o in 0..<no { orow[o] = 0 }
                    for k in 0..<visible {
                        let a = lrow[k]
                        if a == 0 { continue }
                        let vrow = v + k * no
                        for o in 0..<no { orow[o] += a * vrow[o] }
                    }
                }
            }
        }}}}}}}}}}}
    }

    /// The MLP on `positions` residual rows: `out = W2^T relu(W1^T x)`.
    func applyMLP(_ mlp: MLP, _ r: UnsafeMutablePointer<Double>, _ positions: Int, _ d: Int, _ s: inout ForwardScratch) {
        let nin = mlp.inputs.count, nh = mlp.hidden, no = mlp.outputs.count
        s.ensureHidden(nh)
        mlp.w1.values.withUnsafeBufferPointer { w1 in
        mlp.w2.values.withUnsafeBufferPointer { w2 in
        mlp.inputs.withUnsafeBufferPointer { inDims in
        mlp.outputs.withUnsafeBufferPointer { outDims in
        s.hidden.withUnsafeMutableBufferPointer { hb in
            let h = hb.baseAddress!
            for p in 0..<positions {
                let row = r + p * d
                for k in 0..<nh { h[k] = 0 }
                for i in 0..<nin {
                    let x = row[inDims[i]]
                    if x == 0 { continue }
                    let w = w1.baseAddress! + i * nh
                    for k in 0..<nh { h[k] += x * w[k] }
                }
                for k in 0..<nh {
                    let a = h[k]
                    if a <= 0 { continue }
                    let w = w2.baseAddress! + k * no
                    for o in 0..<no { row[outDims[o]] += a * w[o] }
                }
            }
        }}}}}
    }
}

/// A pointer handed to worker threads that write disjoint parts of one buffer.
struct SendablePointer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
}

/// Buffers reused across the chunks of one forward call.
struct ForwardScratch {
    var tokenRows: SparseRows
    var positionRows: SparseRows
    var headOut: [Double] = []
    /// Output dimensions written by the heads of the widest layer.
    var headWidth: Int
    var qProjection: [Double] = []
    var keys: [Double] = []
    var logits: [Double] = []
    var vProjection: [Double] = []
    var keyNonzero: [Int] = []
    var keyCounts: [Int] = []
    var hidden: [Double] = []

    init(model: Transformer, length t: Int) {
        tokenRows = SparseRows(model.tokenEmbedding)
        positionRows = SparseRows(model.positionEmbedding)
        headWidth = 0
        for layer in model.layers {
            headWidth = max(headWidth, layer.heads.reduce(0) { $0 + ($1?.outputs.count ?? 0) })
        }
    }

    mutating func ensure(t: Int, nk: Int, no: Int) {
        if qProjection.count < t * nk { qProjection = [Double](repeating: 0, count: t * nk); keys = qProjection }
        if logits.count < t * t { logits = [Double](repeating: 0, count: t * t) }
        if vProjection.count < t * no { vProjection = [Double](repeating: 0, count: t * no) }
        if keyNonzero.count < max(1, t * nk) { keyNonzero = [Int](repeating: 0, count: max(1, t * nk)) }
        if keyCounts.count < t { keyCounts = [Int](repeating: 0, count: t) }
    }

    mutating func ensureHidden(_ n: Int) {
        if hidden.count < n { hidden = [Double](repeating: 0, count: n) }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
@inline(__always) func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#else
import Darwin
@inline(__always) func _exp(_ x: Double) -> Double { Darwin.exp(x) }
#endif
