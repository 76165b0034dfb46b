/// How far a circuit's output is from the full model's at one position: the KL divergence
/// KL(P || Q) = sum_k P_k (log P_k - log Q_k) with P = softmax(T reference), Q = softmax(T circuit)
/// over a categorical output block, or the squared error of a numerical output.
/// Its gradient in the circuit's logits is T (Q - P) (categorical) or 2 (circuit - reference).
public enum OutputDivergence {
    /// The divergence at one block; when `gradient` is given, `scale` times the gradient is written there.
    @inlinable
    public static func at(reference: UnsafePointer<Double>, circuit: UnsafePointer<Double>, width: Int, numerical: Bool,
                          temperature: Double = 1, gradient: UnsafeMutablePointer<Double>? = nil, scale: Double = 1) -> Double {
        if numerical {
            let d = circuit[0] - reference[0]
            gradient?[0] = 2 * d * scale
            return d * d
        }
        var mr = -Double.infinity, mc = -Double.infinity
        for k in 0..<width {
            mr = max(mr, temperature * reference[k])
            mc = max(mc, temperature * circuit[k])
        }
        var zr = 0.0, zc = 0.0
        for k in 0..<width {
            zr += Double.exponential(temperature * reference[k] - mr)
            zc += Double.exponential(temperature * circuit[k] - mc)
        }
        let lr = Double.logarithm(zr) + mr, lc = Double.logarithm(zc) + mc
        var kl = 0.0
        for k in 0..<width {
            let logP = temperature * reference[k] - lr, logQ = temperature * circuit[k] - lc
            let p = Double.exponential(logP)
            kl += p * (logP - logQ)
            gradient?[k] = temperature * (Double.exponential(logQ) - p) * scale
        }
        return max(0, kl)
    }
}
