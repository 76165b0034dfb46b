import Testing
import Foundation
import RASPCore
import RASPModel
import Discovery
import RASPTestSupport

/// The task, the selection of circuits from scores, and Edge Pruning, on a model whose circuit is
/// known by hand (no compiler).
@Suite struct DiscoveryTests {
    @Test func theTaskJudgesCircuitsByTheirDecodedOutputs() {
        let task = HandBuilt.task()
        var masks = [Double](repeating: 0, count: task.edgeCount)
        #expect(!task.isFaithful(masks: masks))
        masks[HandBuilt.edge(task, "tok", "out")] = 1
        #expect(task.isFaithful(masks: masks))
        let f = task.evaluate(masks: masks)
        #expect(f.isFaithful && f.sequences == 14 && f.positions == 2 + 8 + 24)
        #expect(f.meanDivergence > 0)
        #expect(task.evaluate(masks: [Double](repeating: 1, count: task.edgeCount)).meanDivergence == 0)
    }

    /// The gradient the task gives methods, against central differences of its loss.
    @Test(arguments: [Ablation.Kind.zero, .mean, .resample])
    func theTaskGradientMatchesFiniteDifferences(ablation: Ablation.Kind) {
        let task = HandBuilt.task(ablation, noise: 0.05)
        var random = SplitMix64(seed: 2)
        let masks = (0..<task.edgeCount).map { _ in 0.3 + 0.6 * random.nextUnit() }
        let parts = task.slices
        let objective = Objective(temperature: 3)
        let (_, analytic) = task.lossAndGradient(masks: masks, parts: parts, objective: objective)
        let worst = FiniteDifference.worstError(at: masks, step: 1e-6, floor: 1e-4, analytic: analytic) {
            task.lossAndGradient(masks: $0, parts: parts, objective: objective).loss
        }
        #expect(worst < 1e-5, "worst relative error \(worst)")
    }

    @Test func theSmallestFaithfulPrefixFollowsTheRanking() {
        let task = HandBuilt.task()
        var scores = [Double](repeating: 0, count: task.edgeCount)
        scores[HandBuilt.edge(task, "pos", "out")] = 2
        scores[HandBuilt.edge(task, "tok", "out")] = 1
        let circuit = CircuitSelection.smallestFaithfulPrefix(scores: scores, task: task)
        #expect(circuit.indices.filter { circuit[$0] } == [HandBuilt.edge(task, "tok", "out"), HandBuilt.edge(task, "pos", "out")].sorted())
    }

    @Test func repairAddsWhatIsNeededAndDropsWhatIsNot() {
        let task = HandBuilt.task()
        var scores = (0..<task.edgeCount).map { Double($0) / 100 }
        scores[HandBuilt.edge(task, "tok", "out")] = -1
        let empty = [Bool](repeating: false, count: task.edgeCount)
        let repair = CircuitSelection.repair(empty, scores: scores, task: task)
        #expect(!repair.faithfulBefore)
        #expect(repair.circuit.indices.filter { repair.circuit[$0] } == [HandBuilt.edge(task, "tok", "out")])
        #expect(repair.added == 1 && repair.removed == 0)
        let again = CircuitSelection.repair(repair.circuit, scores: scores, task: task)
        #expect(again.faithfulBefore && again.circuit == repair.circuit)
    }

    @Test func danglingEdgesAreDropped() {
        let graph = ComputeGraph(layers: 2, headSlots: 1)
        var kept = [Bool](repeating: false, count: graph.edges.count)
        // a0.h0 has no input, so its edge to out dangles; m1 does not reach out, so tok -> m1 dangles.
        for (from, to) in [("a0.h0", "out"), ("tok", "m1"), ("tok", "m0"), ("m0", "out")] { kept[graph.edge(from: from, to: to)!] = true }
        let pruned = CircuitSelection.removingDangling(kept, graph: graph)
        #expect(pruned.indices.filter { pruned[$0] } == [graph.edge(from: "tok", to: "m0")!, graph.edge(from: "m0", to: "out")!])
    }

    @Test(arguments: [0.0, 0.02])
    func edgePruningFindsTheOneEdgeThatMatters(noise: Double) {
        let task = HandBuilt.task(noise: noise)
        let result = EdgePruning().discover(task, seed: 0, progress: nil)
        let tokOut = HandBuilt.edge(task, "tok", "out")
        #expect(result.circuit.indices.filter { result.circuit[$0] } == [tokOut])
        #expect(CircuitSelection.ranking(result.scores).first == tokOut)
        #expect(result.curve.count == PruningConfiguration().steps)
        #expect(result.modelRuns > 0)
    }

    /// The hardened phase clamps every log-alpha to [-2, 2] before each step, so the last step's
    /// scores are within one Adam step of it; without the bound they run past it, and the circuit is the
    /// same either way.
    @Test func hardenedLogAlphasStayWithinTheirBound() {
        let task = HandBuilt.task(noise: 0.02)
        var c = PruningConfiguration()
        c.choice = .last
        let bounded = EdgePruning(configuration: c).discover(task, seed: 0, progress: nil)
        c.hardenedBound = 0
        let free = EdgePruning(configuration: c).discover(task, seed: 0, progress: nil)
        #expect(bounded.scores.allSatisfy { abs($0) <= 2 + 3 * c.learningRate })
        #expect(free.scores.contains { abs($0) > 2 + 3 * c.learningRate })
        #expect(bounded.circuit == free.circuit)
    }

    @Test func theSameSeedGivesTheSameScores() {
        let task = HandBuilt.task(.resample, noise: 0.02)
        var c = PruningConfiguration()
        c.steps = 50
        let a = EdgePruning(configuration: c).discover(task, seed: 4, progress: nil)
        let b = EdgePruning(configuration: c).discover(task, seed: 4, progress: nil)
        let other = EdgePruning(configuration: c).discover(task, seed: 5, progress: nil)
        #expect(a.scores == b.scores)
        #expect(a.scores != other.scores)
    }

    @Test func hardConcreteDerivativeMatchesFiniteDifferences() {
        var random = SplitMix64(seed: 5)
        for _ in 0..<200 {
            let logAlpha = -4 + 8 * random.nextUnit(), u = random.nextUnit()
            let (z, dz) = HardConcrete.sample(logAlpha: logAlpha, noise: u)
            let h = 1e-6
            let numeric = (HardConcrete.sample(logAlpha: logAlpha + h, noise: u).z - HardConcrete.sample(logAlpha: logAlpha - h, noise: u).z) / (2 * h)
            if z > 1e-4 && z < 1 - 1e-4 { #expect(abs(numeric - dz) < 1e-5) }
            let (_, dp) = HardConcrete.probabilityNonzero(logAlpha: logAlpha)
            let np = (HardConcrete.probabilityNonzero(logAlpha: logAlpha + h).p - HardConcrete.probabilityNonzero(logAlpha: logAlpha - h).p) / (2 * h)
            #expect(abs(np - dp) < 1e-6)
            let (hz, hd) = HardConcrete.hardened(logAlpha: logAlpha)
            let sigmoid = { (a: Double) in 1 / (1 + exp(-a)) }
            #expect(hz == (logAlpha > 0 ? 1 : 0))
            #expect(abs((sigmoid(logAlpha + h) - sigmoid(logAlpha - h)) / (2 * h) - hd) < 1e-6)
        }
    }
}

/// The training options measured in docs/PRUNING.md, on the hand-built task.
@Suite struct PruningOptionTests {
    @Test(arguments: [GateEstimator.hardConcrete, .disarm, .hybrid], [Objective.Kind.kl, .margin, .both])
    func everyEstimatorAndObjectiveFindsTheOneEdgeThatMatters(estimator: GateEstimator, objective: Objective.Kind) {
        let task = HandBuilt.task(noise: 0.02)
        var c = PruningConfiguration()
        c.estimator = estimator
        c.objective = objective
        c.attentionWarmup = 0.5
        if estimator != .hardConcrete { c.penalty = 0.1 }
        let result = EdgePruning(configuration: c).discover(task, seed: 1, progress: nil)
        #expect(CircuitSelection.ranking(result.scores).first == HandBuilt.edge(task, "tok", "out"), "\(estimator) \(objective)")
        #expect(result.circuit[HandBuilt.edge(task, "tok", "out")], "\(estimator) \(objective)")
    }

    @Test func theTaskLossWithoutGradientIsTheLossWithIt() {
        let task = HandBuilt.task(.mean, noise: 0.05)
        let masks = (0..<task.edgeCount).map { Double($0 % 3) / 2 }
        for kind in Objective.Kind.allCases {
            let objective = Objective(kind, temperature: 5)
            let a = task.loss(masks: masks, parts: task.slices, objective: objective, attentionScale: 0.5)
            let b = task.lossAndGradient(masks: masks, parts: task.slices, objective: objective, attentionScale: 0.5).loss
            #expect(abs(a - b) < 1e-12 * max(1, abs(a)), "\(kind)")
        }
    }
}

/// The other methods on the hand-built task, whose answer is known: `tok -> out` decides every output,
/// `pos -> out` and the head change logits a little, nothing else carries much.
@Suite struct MethodTests {
    @Test(arguments: ["acdc", "eap", "eap-ig", "patching"], [0.0, 0.02])
    func eachMethodFindsTheOneEdgeThatMatters(id: String, noise: Double) {
        let task = HandBuilt.task(noise: noise)
        let result = Methods.make(id)!.discover(task, seed: 0, progress: nil)
        let tokOut = HandBuilt.edge(task, "tok", "out")
        #expect(CircuitSelection.ranking(result.scores).first == tokOut, "\(id)")
        #expect(result.circuit.indices.filter { result.circuit[$0] } == [tokOut], "\(id)")
        #expect(task.isFaithful(masks: CircuitSelection.masks(result.circuit)))
    }

    @Test func randomScoresAreSeededAndItsCircuitIsFaithful() {
        let task = HandBuilt.task(noise: 0.02)
        let a = RandomScores().discover(task, seed: 1, progress: nil), b = RandomScores().discover(task, seed: 1, progress: nil)
        #expect(a.scores == b.scores && a.scores != RandomScores().discover(task, seed: 2, progress: nil).scores)
        #expect(task.isFaithful(masks: CircuitSelection.masks(a.circuit)))
        #expect(RandomScores().usesSeed && !EdgeAttribution().usesSeed && !ACDC().usesSeed && !EdgePatching().usesSeed)
    }

    /// EAP's score is |dL/dm| at the full model, which is a difference quotient of the loss in the mask.
    @Test func eapScoresAreTheCrossEntropyGradientAtTheFullModel() {
        let task = HandBuilt.task(noise: 0.05)
        let result = EdgeAttribution().discover(task, seed: 0, progress: nil)
        let objective = Objective(.crossEntropy, temperature: 1)
        let ones = [Double](repeating: 1, count: task.edgeCount)
        let numeric = ones.indices.map { e -> Double in
            var down = ones
            down[e] = 1 - 1e-6
            var up = ones
            up[e] = 1 + 1e-6
            return abs(task.loss(masks: up, parts: task.slices, objective: objective)
                - task.loss(masks: down, parts: task.slices, objective: objective)) / 2e-6
        }
        for e in ones.indices { #expect(abs(result.scores[e] - numeric[e]) <= 1e-6 * max(1, numeric[e]), "\(task.graph.edgeName(e))") }
    }

    /// ACDC removes an edge when the metric rises by less than the threshold: with a threshold above
    /// every edge's effect it removes everything, with 0 it keeps every edge that changes the logits.
    @Test func acdcFollowsItsThreshold() {
        let task = HandBuilt.task(noise: 0.02)
        #expect(ACDC(threshold: 1e6).discover(task, seed: 0).edgesKept == 0)
        let strict = ACDC(threshold: 0).discover(task, seed: 0)
        #expect(strict.edgesKept > 1)
    }
}
