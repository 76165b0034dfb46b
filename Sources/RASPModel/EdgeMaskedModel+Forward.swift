/// The forward pass through the disentangled residual stream, one mask value per edge.
extension EdgeMaskedModel {
    /// Runs `batch` with edge masks `masks` (one per graph edge; 1 keeps the edge), filling `tape`.
    /// `attentionScale` multiplies every attention logit (1: the model itself; below 1 a softer
    /// softmax, which a trainer may anneal towards 1).
    public func forward(_ batch: TokenBatch, masks: [Double], ablation: Ablation, tape: MaskedTape, attentionScale: Double = 1) {
        precondition(tape.count == batch.count && tape.length == batch.length, "tape shape does not match the batch")
        precondition(masks.count == graph.edges.count, "one mask per edge")
        precondition(batch.length <= model.positions, "sequence longer than the position embedding")
        tape.tokens = batch.tokens
        tape.attentionScale = attentionScale
        withPass(tape, masks: masks, ablation: ablation) { pass in
            for l in model.layers.indices {
                for h in 0..<graph.headSlots {
                    let r = readers(ofHead: l, h)
                    for reader in [r.q, r.k, r.v] { gather(reader, pass) }
                    headForward(l, h, pass)
                }
                gather(reader(ofMLP: l), pass)
                mlpForward(l, pass)
            }
            gather(outputReader, pass)
        }
    }

    /// Pointers to one tape's buffers, the masks and the ablation, taken once per pass.
    struct Pass {
        let n: Int
        let t: Int
        let tokens: UnsafePointer<Int32>
        let masks: UnsafePointer<Double>
        let ablation: Ablation.Kind
        let ablated: UnsafePointer<Double>?
        let partnerTokens: UnsafePointer<Int32>?
        let frequencies: UnsafePointer<Double>?
        let writers: UnsafeMutablePointer<Double>
        let readers: UnsafeMutablePointer<Double>
        let inputs: UnsafeMutablePointer<Double>
        let attention: UnsafeMutablePointer<Double>
        let scratch: UnsafeMutablePointer<Double>
        let firing: FiringUnits
        let attentionScale: Double
        /// The model's `denseValues`.
        let dense: UnsafePointer<Double>
    }

    func withPass(_ tape: MaskedTape, masks: [Double], ablation: Ablation, _ body: (Pass) -> Void) {
        tape.tokens.withUnsafeBufferPointer { tb in
        masks.withUnsafeBufferPointer { mb in
        ablation.values.withUnsafeBufferPointer { ab in
        ablation.partnerTokens.withUnsafeBufferPointer { pb in
        ablation.tokenFrequencies.withUnsafeBufferPointer { fb in
        denseValues.withUnsafeBufferPointer { db in
            body(Pass(n: tape.positions, t: tape.length, tokens: tb.baseAddress!, masks: mb.baseAddress!, ablation: ablation.kind,
                      ablated: ab.baseAddress, partnerTokens: pb.baseAddress, frequencies: fb.baseAddress,
                      writers: tape.writers.pointer, readers: tape.readers.pointer, inputs: tape.inputs.pointer,
                      attention: tape.attention.pointer, scratch: tape.scratch.pointer, firing: tape.firing,
                      attentionScale: tape.attentionScale, dense: db.baseAddress!))
        }}}}}}
    }

    /// The first edge into reader `r`; its edges follow, one per writer in writer order.
    func firstEdge(_ r: Int) -> Int { readerEdgeStart[r] }

    /// The input a component uses from reader `r`: the gather itself, or its projection by W_r.
    func input(_ r: Int, _ pass: Pass) -> (pointer: UnsafeMutablePointer<Double>, width: Int) {
        readerResidual[r] ? (pass.inputs + pass.n * inputStart[r], inputWidth[r]) : (pass.readers + pass.n * readerStart[r], readerWidth[r])
    }

    /// x_r = sum_w m(w->r) z_w C(w->r) + (1 - m(w->r)) a_w C(w->r), then, for a reader that gathers in
    /// the residual stream, its input x_r W_r.
    func gather(_ r: Int, _ pass: Pass) {
        let k = readerWidth[r], n = pass.n
        let x = pass.readers + n * readerStart[r]
        x.update(repeating: 0, count: n * k)
        let first = firstEdge(r)
        for w in 0..<graph.writerCount(before: graph.readers[r]) {
            let e = first + w
            let m = pass.masks[e]
            // A removed edge adds nothing under zero ablation.
            if m == 0 && pass.ablation == .zero { continue }
            switch connections[e] {
            case .none:
                continue
            case .identity:
                let z = pass.writers + n * writerStart[w]
                Kernel.axpy(z, x, n * k, scale: m)
                addAblated(w, m: m, into: x, width: k, pass) { a, rows, out in Kernel.axpy(a, out, rows * k, scale: 1 - m) }
            case .dense(let offset, _):
                let cp = pass.dense + offset
                if writerForm[w] == .lookup {
                    lookupGather(w, cp, m: m, x, k, pass)
                } else {
                    let z = pass.writers + n * writerStart[w], width = writerWidth[w]
                    if let (units, counts) = sparseBlock(w, pass) {
                        Kernel.sparseMultiplyAdd(z, cp, x, rows: n, inner: width, columns: k, scale: m, units: units, counts: counts)
                    } else {
                        Kernel.multiplyAdd(z, cp, x, rows: n, inner: width, columns: k, scale: m)
                    }
                    addAblated(w, m: m, into: x, width: k, pass) { a, rows, out in
                        Kernel.multiplyAdd(a, cp, out, rows: rows, inner: width, columns: k, scale: 1 - m)
                    }
                }
            case .sparse(let c):
                let z = pass.writers + n * writerStart[w], lists = sparseBlock(w, pass)
                Kernel.multiplyAdd(z, c, x, rows: n, scale: m, units: lists?.units, counts: lists?.counts)
                addAblated(w, m: m, into: x, width: k, pass) { a, rows, out in Kernel.multiplyAdd(a, c, out, rows: rows, scale: 1 - m) }
            }
        }
        if let projection = readerProjection[r] {
            let u = pass.inputs + n * inputStart[r]
            u.update(repeating: 0, count: n * inputWidth[r])
            if let rows = readerProjectionRows[r] { return Kernel.multiplyAdd(x, rows, u, rows: n) }
            projection.values.withUnsafeBufferPointer {
                Kernel.multiplyAdd(x, $0.baseAddress!, u, rows: n, inner: k, columns: inputWidth[r])
            }
        }
    }

    /// Calls `add(a, rows, out)` with the ablated block of writer `w` and where its rows go in the
    /// gather `x` (of width `k`): the whole batch at once (resample), or each sequence from one shared
    /// block (mean). Nothing for zero ablation or a mask of 1.
    func addAblated(_ w: Int, m: Double, into x: UnsafeMutablePointer<Double>, width k: Int, _ pass: Pass,
                    _ add: (UnsafePointer<Double>, Int, UnsafeMutablePointer<Double>) -> Void) {
        guard m != 1, pass.ablation != .zero, let ablated = pass.ablated else { return }
        if pass.ablation == .resample {
            add(ablated + pass.n * writerStart[w], pass.n, x)
        } else {
            for b in 0..<(pass.n / pass.t) { add(ablated + pass.t * writerStart[w], pass.t, x + b * pass.t * k) }
        }
    }

    /// Edge from an embedding: x[p] += m C[id_p] + (1 - m) (ablated row), with id_p the token id or
    /// the position. A position's ablated value is itself (partners and means share positions).
    func lookupGather(_ w: Int, _ c: UnsafePointer<Double>, m: Double, _ x: UnsafeMutablePointer<Double>, _ k: Int, _ pass: Pass) {
        let n = pass.n, t = pass.t
        let isToken = w == 0
        let keep = isToken || pass.ablation == .zero ? m : 1
        for p in 0..<n {
            let id = isToken ? Int(pass.tokens[p]) : p % t
            Kernel.axpy(c + id * k, x + p * k, k, scale: keep)
        }
        guard isToken, m != 1 else { return }
        switch pass.ablation {
        case .zero:
            return
        case .resample:
            for p in 0..<n { Kernel.axpy(c + Int(pass.partnerTokens![p]) * k, x + p * k, k, scale: 1 - m) }
        case .mean:
            let vocabulary = writerNativeWidth[0]
            var mean = [Double](repeating: 0, count: t * k)
            mean.withUnsafeMutableBufferPointer { mb in
                Kernel.multiplyAdd(pass.frequencies!, c, mb.baseAddress!, rows: t, inner: vocabulary, columns: k)
                for p in 0..<n { Kernel.axpy(mb.baseAddress! + (p % t) * k, x + p * k, k, scale: 1 - m) }
            }
        }
    }
}

extension EdgeMaskedModel {
    /// The full model's logits on a batch (every mask 1): `count x length x outputs`. Chunks of the
    /// batch run on all cores; the result does not depend on how they are spread.
    public func outputs(_ batch: TokenBatch, threads: Int? = nil) -> [Double] {
        let t = batch.length, o = outputWidth
        let size = batchLimit(length: t, preferred: 256)
        let chunks = (batch.count + size - 1) / size
        let workers = max(1, min(chunks, threads ?? ProcessInfo.processInfo.activeProcessorCount))
        let result = Buffer(count: batch.count * t * o)
        let ones = [Double](repeating: 1, count: graph.edges.count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var tapes: [Int: MaskedTape] = [:]
            for c in stride(from: worker, to: chunks, by: workers) {
                let range = (c * size)..<min(batch.count, (c + 1) * size)
                let tape = tapes[range.count] ?? MaskedTape(model: self, count: range.count, length: t)
                tapes[range.count] = tape
                forward(batch.slice(range), masks: ones, ablation: .zero, tape: tape)
                (result.pointer + range.lowerBound * t * o).update(from: tape.logitPointer, count: range.count * t * o)
            }
        }
        return result.array
    }
}

import Foundation
