import Foundation
import RASPModel

/// ACDC (Conmy, Mavor-Parker, Lynch, Heimersheim, Garriga-Alonso 2023) on the edge-masked model:
/// starting from the full graph, readers are visited from `out` backwards in reverse topological
/// order, each reader's writers from the latest; each edge into a reader whose component still
/// reaches `out` is removed for good when the metric rises by less than `threshold` (strictly), and
/// kept otherwise. The metric is ACDC's for its tracr tasks: L2, the mean squared difference of the
/// logits from the full model's over the non-BOS positions (`--metric kl` for the mean KL of the
/// output softmax). An edge's score is the rise its removal caused when it was tried; edges of readers
/// never visited score below every tried one. The method's own circuit is what remains, without
/// dangling edges. ACDC has no default threshold; its tracr sweeps run 1e-5 to 1e-1. The metric is
/// taken on a seeded sample of at most `sampleLimit` inputs, stratified by length (ACDC's tracr runs
/// used 6 and 50); the circuit is judged on every input.
public struct ACDC: DiscoveryMethod {
    public enum Metric: String, Sendable, CaseIterable { case l2, kl }
    public var threshold: Double
    public var metric: Metric

    public static let defaultThreshold = 0.01
    public static let sampleLimit = 256

    public init(threshold: Double = ACDC.defaultThreshold, metric: Metric = .l2) {
        self.threshold = threshold
        self.metric = metric
    }

    func measure(_ task: CircuitTask, _ masks: [Double]) -> Double {
        metric == .l2 ? task.squaredError(masks: masks) : task.evaluate(masks: masks).meanDivergence
    }

    public var id: String { "acdc" }
    public var usesSeed: Bool { false }

    public func discover(_ task: CircuitTask, seed: UInt64, progress: ((TrainingPoint) -> Void)? = nil) -> DiscoveryResult {
        let start = DispatchTime.now().uptimeNanoseconds, runs = task.modelRuns
        let graph = task.graph, full = task
        let task = full.sample(limit: ACDC.sampleLimit)
        var masks = [Double](repeating: 1, count: task.edgeCount)
        var current = measure(task, masks)
        var scores = [Double?](repeating: nil, count: task.edgeCount)
        var tried = 0
        // Edges are grouped by reader in reader order, writers in writer order; readers are in
        // topological order, so walking the edges backwards visits readers from `out` back and each
        // reader's writers from the latest.
        var reaches = [Bool](repeating: false, count: graph.writers.count)
        for e in stride(from: task.edgeCount - 1, through: 0, by: -1) {
            let edge = graph.edges[e]
            guard graph.owner(ofReader: edge.reader).map({ reaches[$0] }) ?? true else { continue }
            masks[e] = 0
            let divergence = measure(task, masks)
            scores[e] = divergence - current
            if divergence - current < threshold {
                current = divergence
            } else {
                masks[e] = 1
                reaches[edge.writer] = true
            }
            tried += 1
            progress?(TrainingPoint(step: tried, loss: current, sparsity: 0))
        }
        let lowest = (scores.compactMap { $0 }.min() ?? 0) - 1
        let kept = masks.map { $0 == 1 }
        let circuit = CircuitSelection.removingDangling(kept, graph: graph)
        return DiscoveryResult(method: id, scores: scores.map { $0 ?? lowest }, circuit: circuit,
                               keptBeforeDangling: kept.filter { $0 }.count, seconds: DiscoveryResult.seconds(since: start),
                               modelRuns: full.modelRuns - runs + (task === full ? 0 : task.modelRuns))
    }
}
