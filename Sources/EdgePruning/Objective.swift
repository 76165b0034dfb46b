import RASPModel

/// The faithfulness objective over the non-BOS positions of a chunk.
enum Objective {
    /// Adds `scale` times the loss's gradient in the logits into `gradient` (overwritten), and returns
    /// `scale` times the loss. Categorical: KL(P || Q) with P = softmax(T ref), Q = softmax(T logits),
    /// whose gradient in the logits is T (Q - P). Numerical: (logit - ref)^2, gradient 2 (logit - ref).
    static func lossAndGradient(reference: [Double], logits: [Double], batch: TokenBatch, width o: Int, numerical: Bool,
                                temperature: Double, scale: Double, gradient: inout [Double]) -> Double {
        var loss = 0.0
        let t = batch.length
        gradient.withUnsafeMutableBufferPointer { g in
            for i in 0..<g.count { g[i] = 0 }
            reference.withUnsafeBufferPointer { ref in
            logits.withUnsafeBufferPointer { out in
                for b in 0..<batch.count {
                    for p in 1..<t {
                        let base = (b * t + p) * o
                        if numerical {
                            let d = out[base] - ref[base]
                            loss += d * d
                            g[base] = 2 * d * scale
                            continue
                        }
                        var mr = -Double.infinity, mc = -Double.infinity
                        for k in 0..<o {
                            mr = max(mr, temperature * ref[base + k])
                            mc = max(mc, temperature * out[base + k])
                        }
                        var zr = 0.0, zc = 0.0
                        for k in 0..<o {
                            zr += _exp(temperature * ref[base + k] - mr)
                            zc += _exp(temperature * out[base + k] - mc)
                        }
                        let lr = _log(zr) + mr, lc = _log(zc) + mc
                        for k in 0..<o {
                            let logP = temperature * ref[base + k] - lr
                            let logQ = temperature * out[base + k] - lc
                            let pk = _exp(logP), qk = _exp(logQ)
                            loss += pk * (logP - logQ)
                            g[base + k] = temperature * (qk - pk) * scale
                        }
                    }
                }
            }}
        }
        return loss * scale
    }
}
