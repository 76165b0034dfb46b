import Foundation
import RASPCore
import RASPModel

/// Single-edge patching: each edge's score is the divergence from the full model (mean KL of the
/// output softmax, or squared error for numerical outputs) when that edge alone is removed, on a seeded
/// sample of at most `ACDC.sampleLimit` inputs stratified by length. Its own circuit is the smallest
/// faithful prefix of its ranking, judged on every input.
public struct EdgePatching: DiscoveryMethod {
    public init() {}
    public var id: String { "patching" }
    public var usesSeed: Bool { false }

    public func discover(_ task: CircuitTask, seed: UInt64, progress: ((TrainingPoint) -> Void)? = nil) -> DiscoveryResult {
        let start = DispatchTime.now().uptimeNanoseconds, runs = task.modelRuns
        let sample = task.sample(limit: ACDC.sampleLimit)
        let ones = [Double](repeating: 1, count: task.edgeCount)
        let scores = (0..<task.edgeCount).map { e -> Double in
            var masks = ones
            masks[e] = 0
            return sample.evaluate(masks: masks).meanDivergence
        }
        let circuit = CircuitSelection.smallestFaithfulPrefix(scores: scores, task: task)
        return DiscoveryResult(method: id, scores: scores, circuit: circuit, keptBeforeDangling: circuit.filter { $0 }.count,
                               seconds: DiscoveryResult.seconds(since: start),
                               modelRuns: task.modelRuns - runs + (sample === task ? 0 : sample.modelRuns))
    }
}

/// Seeded uniform scores: the floor every method must clear (its mean edge AUROC is 1/2). Its own
/// circuit is the smallest faithful prefix of its ranking.
public struct RandomScores: DiscoveryMethod {
    public init() {}
    public var id: String { "random" }

    public func discover(_ task: CircuitTask, seed: UInt64, progress: ((TrainingPoint) -> Void)? = nil) -> DiscoveryResult {
        let start = DispatchTime.now().uptimeNanoseconds, runs = task.modelRuns
        var random = SplitMix64(seed: seed ^ 0x00A4_D0A4_0000_0003)
        let scores = (0..<task.edgeCount).map { _ in random.nextUnit() }
        let circuit = CircuitSelection.smallestFaithfulPrefix(scores: scores, task: task)
        return DiscoveryResult(method: id, scores: scores, circuit: circuit, keptBeforeDangling: circuit.filter { $0 }.count,
                               seconds: DiscoveryResult.seconds(since: start), modelRuns: task.modelRuns - runs)
    }
}
