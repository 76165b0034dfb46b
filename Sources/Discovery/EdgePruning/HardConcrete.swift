import Foundation


/// The hard-concrete distribution of Louizos, Welling and Kingma (2018), "Learning Sparse Neural Networks
/// through L0 Regularization", section 4, with the constants Edge Pruning uses (temperature 2/3, stretch
/// limits -0.1 and 1.1):
///
///     u ~ U(0, 1),  s = sigmoid((log u - log(1 - u) + log_alpha) / beta),
///     z = min(1, max(0, s (zeta - gamma) + gamma)).
///
/// z is exactly 0 or 1 with positive probability and differentiable in log_alpha in between.
public enum HardConcrete {
    public static let beta = 2.0 / 3.0
    public static let gamma = -0.1
    public static let zeta = 1.1

    @inline(__always)
    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// One sample of z and dz/dlog_alpha for noise u in (0, 1). With `straightThrough`, a sample
    /// clamped at 0 or 1 keeps the derivative of the stretched value (the clamp is passed straight
    /// through, Bengio, Leonard, Courville 2013), so a gate at its limits still hears the objective.
    @inline(__always)
    public static func sample(logAlpha: Double, noise u: Double, straightThrough: Bool = false) -> (z: Double, derivative: Double) {
        let s = sigmoid((log(u) - log(1 - u) + logAlpha) / beta)
        let stretched = s * (zeta - gamma) + gamma
        let derivative = (zeta - gamma) * s * (1 - s) / beta
        if stretched <= 0 { return (0, straightThrough ? derivative : 0) }
        if stretched >= 1 { return (1, straightThrough ? derivative : 0) }
        return (stretched, derivative)
    }

    /// P(z != 0) = sigmoid(log_alpha - beta log(-gamma / zeta)) (Louizos et al., eq. 12): the expected L0
    /// norm's term for one gate, and its derivative in log_alpha.
    @inline(__always)
    public static func probabilityNonzero(logAlpha: Double) -> (p: Double, derivative: Double) {
        let p = sigmoid(logAlpha - beta * log(-gamma / zeta))
        return (p, p * (1 - p))
    }

    /// A hardened gate: z = 1[log_alpha > 0], the threshold the circuit is cut at, with the
    /// straight-through derivative d sigmoid(log_alpha) / d log_alpha. For a hard-concrete gate,
    /// P(s > 1/2) = sigmoid(log_alpha): z is that event's most likely value and the derivative that of
    /// its probability.
    @inline(__always)
    public static func hardened(logAlpha: Double) -> (z: Double, derivative: Double) {
        let p = sigmoid(logAlpha)
        return (logAlpha > 0 ? 1 : 0, p * (1 - p))
    }

    /// The deterministic gate used after training: min(1, max(0, sigmoid(log_alpha) (zeta - gamma) + gamma)).
    public static func deterministic(logAlpha: Double) -> Double {
        min(1, max(0, sigmoid(logAlpha) * (zeta - gamma) + gamma))
    }
}

/// Adam (Kingma and Ba 2015, Algorithm 1): m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
/// x -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
public struct Adam: Sendable {
    public var learningRate: Double
    public var beta1 = 0.9
    public var beta2 = 0.999
    public var epsilon = 1e-8
    private var m: [Double]
    private var v: [Double]
    private var step = 0

    public init(count: Int, learningRate: Double) {
        self.learningRate = learningRate
        m = [Double](repeating: 0, count: count)
        v = [Double](repeating: 0, count: count)
    }

    /// Moves `parameters` against `gradient`, with the learning rate scaled by `scale` (the schedule).
    public mutating func update(_ parameters: inout [Double], gradient: [Double], scale: Double = 1) {
        step += 1
        let c1 = 1 - pow(beta1, Double(step)), c2 = 1 - pow(beta2, Double(step))
        let lr = learningRate * scale
        for i in parameters.indices {
            let g = gradient[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            parameters[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
        }
    }
}
