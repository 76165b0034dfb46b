/// A loss against the full model's decoded output whose gradient is not zero at the full model (as KL
/// is), for attribution methods (EAP, EAP-IG): how strongly the circuit's output block says the
/// reference's value.
///
/// Categorical (readout threshold θ): for the reference's value j, the cross-entropy
/// `-log softmax(x)_j`; for `none`, `sum_k softplus(x_k - θ)`, each logit read as "this value"
/// against the threshold. Numerical: the circuit's output itself, `x_0` (as a logit difference is
/// used on language models: its gradient says what moves the output).
public enum OutputCrossEntropy {
    @inlinable
    public static func at(reference r: UnsafePointer<Double>, circuit x: UnsafePointer<Double>, width: Int, readout: Readout,
                          gradient: UnsafeMutablePointer<Double>? = nil, scale: Double = 1) -> Double {
        switch readout {
        case .numerical:
            gradient?[0] = scale
            return x[0]
        case .categorical(let threshold):
            let j = readout.category(r, width: width)
            if j < 0 {
                var loss = 0.0
                for k in 0..<width {
                    let z = x[k] - threshold
                    // softplus(z) = log(1 + e^z), computed stably; its derivative is sigmoid(z).
                    loss += z > 0 ? z + Double.logarithm(1 + Double.exponential(-z)) : Double.logarithm(1 + Double.exponential(z))
                    gradient?[k] = scale / (1 + Double.exponential(-z))
                }
                return loss
            }
            var top = -Double.infinity
            for k in 0..<width { top = max(top, x[k]) }
            var total = 0.0
            for k in 0..<width { total += Double.exponential(x[k] - top) }
            let logTotal = Double.logarithm(total) + top
            if let g = gradient {
                for k in 0..<width { g[k] = scale * (Double.exponential(x[k] - logTotal) - (k == j ? 1 : 0)) }
            }
            return logTotal - x[j]
        }
    }
}
