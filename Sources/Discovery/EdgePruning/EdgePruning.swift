import Foundation
import RASPModel

/// Edge Pruning (Bhaskar, Wettig, Friedman, Chen 2024): hard-concrete masks on every edge of the
/// disentangled residual stream, trained so the masked model's outputs stay close to the full model's
/// (KL on categorical outputs, squared error on numerical ones) under a Lagrangian sparsity
/// constraint. The score of an edge is its trained log-alpha; the method's own circuit is the edges
/// whose deterministic gate is above 1/2 (log-alpha > 0), without dangling edges.
public struct EdgePruning: DiscoveryMethod {
    public var configuration: PruningConfiguration
    public var id: String { "edge-pruning" }

    public init(configuration: PruningConfiguration = PruningConfiguration()) { self.configuration = configuration }

    public func discover(_ task: CircuitTask, seed: UInt64, progress: ((TrainingPoint) -> Void)? = nil) -> DiscoveryResult {
        let start = DispatchTime.now().uptimeNanoseconds
        let runs = task.modelRuns
        var trainer = PruningTrainer(task: task, configuration: configuration, seed: seed)
        var curve: [TrainingPoint] = []
        curve.reserveCapacity(configuration.steps)
        for step in 0..<configuration.steps {
            let point = trainer.step(step)
            curve.append(point)
            progress?(point)
        }
        let scores = trainer.scores
        let kept = scores.map { HardConcrete.deterministic(logAlpha: $0) > 0.5 }
        let circuit = CircuitSelection.removingDangling(kept, graph: task.graph)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return DiscoveryResult(method: id, scores: scores, circuit: circuit, keptBeforeDangling: kept.filter { $0 }.count,
                               seconds: seconds, modelRuns: task.modelRuns - runs, curve: curve)
    }
}
