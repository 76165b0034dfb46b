/// How far a circuit's output at one position is from reading as the full model's, measured against the
/// full model's own margin: a hinge that is zero once the circuit decodes the same value with at least
/// a fraction f (default 1/2) of the reference's margin, and grows linearly past that. It asks exactly what the verifier asks
/// (the same decoded output) and ignores changes too small to matter, such as the noise on an edge of a
/// noisy model.
///
/// Categorical (readout threshold θ): for the reference's value j, the signed margin of an output x is
/// `min(x_j - θ, x_j - max_{k != j} x_k)`; for `none` it is `θ - max_k x_k`. With g the reference's
/// margin and c the circuit's, the loss is `max(0, f g - c) / g`.
/// Numerical (tolerance τ = tol max(1, |r|)): `max(0, |c - r| - (1 - f) τ) / τ`.
public enum OutputMargin {
    /// The loss at one block; when `gradient` is given, `scale` times its gradient is written there.
    @inlinable
    public static func at(reference r: UnsafePointer<Double>, circuit x: UnsafePointer<Double>, width: Int, readout: Readout,
                          fraction f: Double = 0.5, gradient: UnsafeMutablePointer<Double>? = nil, scale: Double = 1) -> Double {
        if let g = gradient { for k in 0..<width { g[k] = 0 } }
        switch readout {
        case .numerical(let tolerance):
            let tau = tolerance * max(1, abs(r[0])), d = x[0] - r[0]
            let loss = max(0, abs(d) - (1 - f) * tau) / tau
            if loss > 0 { gradient?[0] = (d > 0 ? 1 : -1) / tau * scale }
            return loss
        case .categorical(let threshold):
            let j = readout.category(r, width: width)
            let (g, _, _) = margin(r, width: width, category: j, threshold: threshold)
            let (c, up, down) = margin(x, width: width, category: j, threshold: threshold)
            let gap = max(g, 1e-6)
            let loss = max(0, f * gap - c) / gap
            if loss > 0, let grad = gradient {
                // d(loss)/dx = -(1/g) dc/dx; c rises with x[up] and falls with x[down].
                if up >= 0 { grad[up] -= scale / gap }
                if down >= 0 { grad[down] += scale / gap }
            }
            return loss
        }
    }

    /// The signed margin of `x` for category `j` (-1: none), and which entries it rises and falls with
    /// (-1: the threshold).
    @inlinable
    static func margin(_ x: UnsafePointer<Double>, width: Int, category j: Int, threshold: Double) -> (Double, Int, Int) {
        var top = -1, topValue = -Double.infinity
        for k in 0..<width where k != j && x[k] > topValue {
            top = k
            topValue = x[k]
        }
        if j < 0 { return (threshold - topValue, -1, top) }
        let overThreshold = x[j] - threshold, overOthers = top < 0 ? Double.infinity : x[j] - topValue
        return overThreshold <= overOthers ? (overThreshold, j, -1) : (overOthers, j, top)
    }
}
