import RASPModel
import RASPCircuits

/// The faithfulness objective over the non-BOS positions of a chunk: `OutputDivergence` at every
/// position (KL at inverse temperature T for categorical outputs, squared error for numerical ones).
public enum Objective {
    /// Writes `scale` times the loss's gradient in the logits into `gradient` (zero at BOS) and returns
    /// `scale` times the loss.
    public static func lossAndGradient(reference: [Double], logits: [Double], batch: TokenBatch, width o: Int, numerical: Bool,
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
                            loss += OutputDivergence.at(reference: ref.baseAddress! + base, circuit: out.baseAddress! + base, width: o,
                                                        numerical: numerical, temperature: temperature,
                                                        gradient: g.baseAddress! + base, scale: scale)
                        }
                    }
                }
            }
        }
        return loss * scale
    }
}
