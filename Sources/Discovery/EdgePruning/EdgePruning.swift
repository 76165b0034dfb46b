import Foundation
import RASPModel

/// Edge Pruning (Bhaskar, Wettig, Friedman, Chen 2024): hard-concrete masks on every edge of the
/// disentangled residual stream, trained so the masked model's outputs stay close to the full model's
/// (KL on categorical outputs, squared error on numerical ones) under a Lagrangian sparsity
/// constraint. A step's circuit is the edges whose deterministic gate is above 1/2 (log-alpha > 0),
/// without dangling edges; the method's own circuit is the sparsest faithful one training passed
/// through (`CircuitChoice`), and the scores are that step's log-alphas.
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
        var log = CheckpointLog()
        for step in 0..<configuration.steps {
            let point = trainer.step(step)
            curve.append(point)
            progress?(point)
            if configuration.choice == .sparsestFaithful { log.record(step: step + 1, scores: trainer.scores, graph: task.graph) }
        }
        let chosen = log.sparsestFaithful { task.isFaithful(masks: $0.map { $0 ? 1 : 0 }) }
            ?? CheckpointLog.checkpoint(step: configuration.steps, scores: trainer.scores, graph: task.graph)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var result = DiscoveryResult(method: id, scores: chosen.scores, circuit: chosen.circuit, keptBeforeDangling: chosen.kept,
                                     seconds: seconds, modelRuns: task.modelRuns - runs, curve: curve)
        result.chosenStep = chosen.step
        return result
    }
}
