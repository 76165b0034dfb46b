extension EdgeMaskedModel {
    /// What mean ablation puts in place of each writer, in the residual stream of the dense model
    /// (the basis its exported weights use), for tools that apply it there (TransformerLens hooks):
    /// per writer, `length x width` values, position by position (BOS first).
    ///
    /// Writer w's replacement at position p is mean_s y_w(s, p) O_w over the sequences s of one length:
    /// the mean output through the writer's output matrix, by linearity. `tok`'s mean is the token
    /// frequencies at p times the embedding; `pos` is never ablated (its value is the position's own).
    public func meanResiduals(_ ablation: Ablation, length t: Int) -> [[Double]] {
        let d = model.width
        return graph.writers.indices.map { w in
            let o = model.writerMatrix(graph.writers[w])
            var out = [Double](repeating: 0, count: t * d)
            guard o.rows > 0 else { return out }
            o.values.withUnsafeBufferPointer { ob in
            ablation.values.withUnsafeBufferPointer { ab in
            ablation.tokenFrequencies.withUnsafeBufferPointer { fb in
            out.withUnsafeMutableBufferPointer { xb in
                let o0 = ob.baseAddress!, x = xb.baseAddress!
                switch writerForm[w] {
                case .lookup where w == 0:
                    Kernel.multiplyAdd(fb.baseAddress!, o0, x, rows: t, inner: o.rows, columns: d)
                case .lookup:
                    for p in 0..<t { Kernel.axpy(o0 + p * d, x + p * d, d, scale: 1) }
                case .native:
                    Kernel.multiplyAdd(ab.baseAddress! + t * writerStart[w], o0, x, rows: t, inner: o.rows, columns: d)
                case .residual:
                    Kernel.axpy(ab.baseAddress! + t * writerStart[w], x, t * d, scale: 1)
                }
            }}}}
            return out
        }
    }
}
