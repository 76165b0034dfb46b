import Foundation
import RASPModel

/// Edge attribution patching (EAP, Syed, Rager, Conmy 2023) and its integrated-gradients form
/// (EAP-IG, Hanna, Pezzelle, Belinkov 2024) on the edge-masked model.
///
/// With every mask at 1, dL/dm(w->r) = (y_w - a_w) . dL/dx_r: the clean-minus-ablated output of the
/// writer times the gradient at the reader's input, which is EAP's score before its absolute value.
/// EAP-IG averages that gradient over `integrationSteps` points on the straight path of masks from
/// all-ablated to the full model, m = k / n for k = 0..n-1 (the left Riemann sum of integrated
/// gradients, Sundararajan et al. 2017, as EAP-IG's code sums it; default n = 5, its README's). The
/// path runs along every edge's mask, like EAP-IG's "activations" variant, where the paper's
/// interpolates the input embeddings. The loss is
/// `OutputCrossEntropy` against the full model's decoded output, since KL from the full model has zero
/// gradient there. Scores are absolute values; the method's own circuit is the smallest faithful
/// prefix of its ranking, without dangling edges.
public struct EdgeAttribution: DiscoveryMethod {
    /// 0: EAP, the gradient at the full model; otherwise EAP-IG's number of integration points.
    public var integrationSteps: Int

    public static let defaultIntegrationSteps = 5

    public init(integrationSteps: Int = 0) { self.integrationSteps = integrationSteps }

    public var id: String { integrationSteps == 0 ? "eap" : "eap-ig" }
    public var usesSeed: Bool { false }

    public func discover(_ task: CircuitTask, seed: UInt64, progress: ((TrainingPoint) -> Void)? = nil) -> DiscoveryResult {
        let start = DispatchTime.now().uptimeNanoseconds, runs = task.modelRuns
        let objective = Objective(.crossEntropy, temperature: 1)
        let points = integrationSteps == 0 ? [1.0] : (0..<integrationSteps).map { Double($0) / Double(integrationSteps) }
        var total = [Double](repeating: 0, count: task.edgeCount)
        for (k, alpha) in points.enumerated() {
            let masks = [Double](repeating: alpha, count: task.edgeCount)
            let (loss, gradient) = task.lossAndGradient(masks: masks, parts: task.slices, objective: objective)
            for e in total.indices { total[e] += gradient[e] }
            progress?(TrainingPoint(step: k + 1, loss: loss, sparsity: 0))
        }
        let scores = total.map { abs($0) / Double(points.count) }
        let circuit = CircuitSelection.smallestFaithfulPrefix(scores: scores, task: task)
        return DiscoveryResult(method: id, scores: scores, circuit: circuit, keptBeforeDangling: circuit.filter { $0 }.count,
                               seconds: DiscoveryResult.seconds(since: start), modelRuns: task.modelRuns - runs)
    }
}
