/// The backward pass of the edge-masked forward pass, written by hand: from dL/dlogits to dL/dm for
/// every edge mask m. Components are visited in reverse order, so a writer's gradient is complete (all
/// its readers come later) before it is pushed to its inputs. Weights are fixed; only masks get
/// gradients. Checked against finite differences in the tests.
extension EdgeMaskedModel {
    /// Adds dL/dm for one batch to `gradient`, given the tape of its forward pass and dL/dlogits
    /// (`positions x outputs`, as the tape's logits). With `wanted`, dL/dm is computed only for the
    /// edges it marks (and for every edge whose mask is not 0, as the others' gradients flow through
    /// them): a trainer whose gate sits at 0 has no use for its gradient.
    public func backward(tape: MaskedTape, masks: [Double], ablation: Ablation, logitGradient: UnsafePointer<Double>,
                         buffers: GradientBuffers, wanted: [Bool]? = nil, into gradient: inout [Double]) {
        precondition(buffers.positions == tape.positions, "gradient buffers do not match the tape")
        precondition(gradient.count == graph.edges.count, "one gradient per edge")
        buffers.writers.zero()
        withPass(tape, masks: masks, ablation: ablation) { pass in
            gradient.withUnsafeMutableBufferPointer { gb in
            (wanted ?? []).withUnsafeBufferPointer { wb in
                let back = BackPass(pass: pass, buffers: buffers, gradient: gb.baseAddress!, wanted: wanted == nil ? nil : wb.baseAddress)
                let out = back.readerGradient(outputReader, self)
                out.update(from: logitGradient, count: pass.n * readerWidth[outputReader])
                scatter(outputReader, back)
                for l in stride(from: model.layers.count - 1, through: 0, by: -1) {
                    mlpBackward(l, back)
                    scatter(reader(ofMLP: l), back)
                    for h in stride(from: graph.headSlots - 1, through: 0, by: -1) {
                        headBackward(l, h, back)
                        let r = readers(ofHead: l, h)
                        for reader in [r.q, r.k, r.v] { scatter(reader, back) }
                    }
                }
            }}
        }
    }

    /// The forward pass's pointers with the gradient buffers beside them.
    struct BackPass {
        let pass: Pass
        let buffers: GradientBuffers
        let gradient: UnsafeMutablePointer<Double>
        let wanted: UnsafePointer<Bool>?

        func writerGradient(_ w: Int, _ m: EdgeMaskedModel) -> UnsafeMutablePointer<Double> {
            buffers.writers.pointer + pass.n * m.writerStart[w]
        }

        func readerGradient(_ r: Int, _ m: EdgeMaskedModel) -> UnsafeMutablePointer<Double> {
            buffers.readers.pointer + pass.n * m.readerStart[r]
        }

        /// The gradient of the input a component uses from reader `r` (the gather's, or its projection's).
        func inputGradient(_ r: Int, _ m: EdgeMaskedModel) -> UnsafeMutablePointer<Double> {
            m.readerResidual[r] ? buffers.inputs.pointer + pass.n * m.inputStart[r] : readerGradient(r, m)
        }
    }

    /// For a reader that gathers in the residual stream: dL/dx_r = dL/du_r W_r^T (for an MLP, over
    /// its firing units: dL/du is zero at the others).
    func unproject(_ r: Int, _ back: BackPass) {
        guard let wt = readerProjectionTransposed[r] else { return }
        let gx = back.readerGradient(r, self), gu = back.inputGradient(r, self), n = back.pass.n
        gx.update(repeating: 0, count: n * readerWidth[r])
        if let rows = readerProjectionRows[r] { return Kernel.transposedProduct(gu, rows, gx, rows: n) }
        let firing = graph.owner(ofReader: r).flatMap { mlpLayer(ofWriter: $0) }.flatMap { back.pass.firing.sparse($0) }
        wt.values.withUnsafeBufferPointer {
            if let (units, counts) = firing {
                Kernel.sparseMultiplyAdd(gu, $0.baseAddress!, gx, rows: n, inner: wt.rows, columns: wt.columns, units: units, counts: counts)
            } else {
                Kernel.multiplyAdd(gu, $0.baseAddress!, gx, rows: n, inner: wt.rows, columns: wt.columns)
            }
        }
    }

    /// dL/dz_w of a writer's own output: its block's gradient, or dL/dy_w O_w^T into scratch (for an
    /// MLP only at its firing units, the only ones its backward pass reads).
    func nativeGradient(_ w: Int, _ back: BackPass) -> UnsafeMutablePointer<Double> {
        let gy = back.writerGradient(w, self)
        guard let ot = writerProjectionTransposed[w], let o = writerProjection[w] else { return gy }
        let gz = back.buffers.scratch.pointer, n = back.pass.n
        gz.update(repeating: 0, count: n * ot.columns)
        let lists = mlpLayer(ofWriter: w).flatMap { back.pass.firing.sparse($0) }
        if let rows = writerProjectionRows[w] {
            Kernel.transposedProduct(gy, rows, gz, rows: n, units: lists?.units, counts: lists?.counts)
        } else if let (units, counts) = lists {
            o.values.withUnsafeBufferPointer {
                Kernel.sparseTransposedProduct(gy, $0.baseAddress!, gz, rows: n, inner: ot.rows, columns: ot.columns, units: units, counts: counts)
            }
        } else {
            ot.values.withUnsafeBufferPointer {
                Kernel.multiplyAdd(gy, $0.baseAddress!, gz, rows: n, inner: ot.rows, columns: ot.columns)
            }
        }
        return gz
    }

    /// Through x_r = sum_w m z_w C + (1 - m) a_w C: dL/dm += <dx C^T, z_w - a_w> and
    /// dL/dz_w += m dx C^T.
    func scatter(_ r: Int, _ back: BackPass) {
        let pass = back.pass, n = pass.n, k = readerWidth[r]
        let gx = back.readerGradient(r, self)
        let first = firstEdge(r)
        for w in 0..<graph.writerCount(before: graph.readers[r]) {
            let e = first + w, m = pass.masks[e]
            // An edge at 0 passes no gradient on; its own is skipped when not wanted.
            if m == 0, let wanted = back.wanted, !wanted[e] { continue }
            switch connections[e] {
            case .none:
                continue
            case .identity:
                let z = pass.writers + n * writerStart[w]
                var d = Kernel.dot(z, gx, n * k)
                addAblated(w, m: 0, into: gx, width: k, pass) { a, rows, g in d -= Kernel.dot(a, g, rows * k) }
                back.gradient[e] += d
                Kernel.axpy(gx, back.writerGradient(w, self), n * k, scale: m)
            case .dense(let offset, _) where writerForm[w] == .lookup:
                back.gradient[e] += lookupGradient(w, pass.dense + offset, gx, k, pass)
            case .dense, .sparse:
                blockGradient(e, w, m: m, connections[e], gx, k, back)
            }
        }
    }

    /// One edge from a head or MLP: T = dx C^T, then dL/dm += <T, z - a> and dL/dz += m T. From an MLP
    /// under zero ablation T is needed only where z is not zero (its gradient is read only where the
    /// unit fires): see `sparseBlockGradient`.
    func blockGradient(_ e: Int, _ w: Int, m: Double, _ connection: Connection, _ gx: UnsafeMutablePointer<Double>, _ k: Int,
                       _ back: BackPass) {
        let pass = back.pass, n = pass.n, width = writerWidth[w]
        let t = back.buffers.product.pointer
        if pass.ablation == .zero, let lists = sparseBlock(w, pass) { return sparseBlockGradient(e, w, m: m, connection, gx, k, lists, back) }
        t.update(repeating: 0, count: n * width)
        transposedProduct(connection, gx, t, rows: n, inner: k, columns: width, lists: nil, dense: pass.dense)
        let z = pass.writers + n * writerStart[w]
        var d = Kernel.dot(z, t, n * width)
        addAblated(w, m: 0, into: t, width: width, pass) { a, rows, tt in d -= Kernel.dot(a, tt, rows * width) }
        back.gradient[e] += d
        Kernel.axpy(t, back.writerGradient(w, self), n * width, scale: m)
    }

    /// `blockGradient` from an MLP under zero ablation, at its firing units only: T there, then
    /// <T, z> and dL/dz += m T over those entries (z is zero at the others, and what dL/dz holds there
    /// is never read). The dot keeps `Kernel.dot`'s partial sums, so the gradient is its bits.
    func sparseBlockGradient(_ e: Int, _ w: Int, m: Double, _ connection: Connection, _ gx: UnsafeMutablePointer<Double>, _ k: Int,
                             _ lists: (units: UnsafePointer<Int32>, counts: UnsafePointer<Int32>), _ back: BackPass) {
        let pass = back.pass, n = pass.n, width = writerWidth[w]
        let t = back.buffers.product.pointer, z = pass.writers + n * writerStart[w]
        transposedProduct(connection, gx, t, rows: n, inner: k, columns: width, lists: lists, dense: pass.dense)
        back.gradient[e] += Kernel.sparseDot(z, t, rows: n, columns: width, units: lists.units, counts: lists.counts)
        Kernel.sparseAxpy(t, back.writerGradient(w, self), rows: n, columns: width, scale: m, units: lists.units, counts: lists.counts)
    }

    /// T = dx C^T (`rows x columns`) through a dense or sparse C, at the entries `lists` gives (the
    /// others left as they are) or at all of them (added to T). `dense` is the pass's `denseValues`.
    func transposedProduct(_ connection: Connection, _ gx: UnsafePointer<Double>, _ t: UnsafeMutablePointer<Double>, rows: Int,
                           inner: Int, columns: Int, lists: (units: UnsafePointer<Int32>, counts: UnsafePointer<Int32>)?,
                           dense: UnsafePointer<Double>) {
        switch connection {
        case .dense(let offset, let transposedOffset):
            if let (units, counts) = lists {
                Kernel.sparseTransposedProduct(gx, dense + offset, t, rows: rows, inner: inner, columns: columns, units: units, counts: counts)
            } else {
                Kernel.multiplyAdd(gx, dense + transposedOffset, t, rows: rows, inner: inner, columns: columns)
            }
        case .sparse(let c):
            Kernel.transposedProduct(gx, c, t, rows: rows, units: lists?.units, counts: lists?.counts)
        case .none, .identity:
            break
        }
    }

    /// dL/dm of an edge from an embedding: sum_p <dx_p, C[id_p] - ablated row>.
    func lookupGradient(_ w: Int, _ c: UnsafePointer<Double>, _ gx: UnsafePointer<Double>, _ k: Int, _ pass: Pass) -> Double {
        let n = pass.n, t = pass.t, isToken = w == 0
        // A position's ablated value is itself: its mask changes nothing unless ablation is zero.
        if !isToken && pass.ablation != .zero { return 0 }
        var d = 0.0
        for p in 0..<n {
            let id = isToken ? Int(pass.tokens[p]) : p % t
            d += Kernel.dot(c + id * k, gx + p * k, k)
        }
        guard isToken else { return d }
        switch pass.ablation {
        case .zero:
            break
        case .resample:
            for p in 0..<n { d -= Kernel.dot(c + Int(pass.partnerTokens![p]) * k, gx + p * k, k) }
        case .mean:
            var mean = [Double](repeating: 0, count: t * k)
            mean.withUnsafeMutableBufferPointer { mb in
                Kernel.multiplyAdd(pass.frequencies!, c, mb.baseAddress!, rows: t, inner: writerNativeWidth[0], columns: k)
                for p in 0..<n { d -= Kernel.dot(mb.baseAddress! + (p % t) * k, gx + p * k, k) }
            }
        }
        return d
    }
}

/// The buffers of one backward pass of a batch shape, reused across passes by one thread.
public final class GradientBuffers: @unchecked Sendable {
    public let positions: Int
    let writers: Buffer
    let readers: Buffer
    let inputs: Buffer
    /// dL/dz of a component projected to the residual stream, and the product dx C^T of one edge.
    let scratch: Buffer
    let product: Buffer

    public init(model: EdgeMaskedModel, count: Int, length: Int) {
        let n = count * length
        positions = n
        writers = Buffer(count: n * model.totalWriterWidth)
        readers = Buffer(count: n * model.totalReaderWidth)
        inputs = Buffer(count: n * model.totalInputWidth)
        scratch = Buffer(count: n * model.widestProjectedWriter)
        product = Buffer(count: n * (model.writerWidth.max() ?? 0))
    }
}
