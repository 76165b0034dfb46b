import RASPLanguage
import RASPModel
import RASPCompiler
import RASPCircuits

/// Edge Pruning (Bhaskar, Wettig, Friedman, Chen 2024) on a compiled program: hard-concrete masks on every
/// edge of the disentangled residual stream, trained to keep the masked model's outputs close to the full
/// model's (KL on categorical outputs, squared error on numerical ones) under a Lagrangian sparsity
/// constraint, then thresholded into a circuit whose faithfulness is checked before it is reported.
public struct EdgePruner: Sendable {
    public let compiled: CompiledProgram
    public let configuration: PruningConfiguration
    public let data: EvaluationSet
    let plan: EdgeMaskPlan

    /// Buffers of one worker thread: tapes and backward passes per batch shape.
    final class Workspace: @unchecked Sendable {
        let pool = TapePool()
        var backwards: [String: MaskedBackward] = [:]
        var logitGradient: [Double] = []
        var maskGradient: [Double]
        var loss = 0.0

        init(edges: Int) { maskGradient = [Double](repeating: 0, count: edges) }
    }

    /// Prepares the data: every input up to max_seq_len when there are at most 20,000, else a seeded sample.
    public init(compiled: CompiledProgram, configuration: PruningConfiguration = PruningConfiguration()) {
        self.compiled = compiled
        self.configuration = configuration
        let space = InputSpace(program: compiled.program)
        let limit = space.count <= ProgramEvaluation.defaultLimit ? ProgramEvaluation.defaultLimit : configuration.sampleLimit
        let inputs = space.inputs(limit: limit, seed: configuration.seed)
        data = EvaluationSet(compiled: compiled, inputs: inputs, ablation: configuration.ablation, seed: configuration.seed)
        plan = data.plan
    }

    /// The outcome of a run.
    public struct Result: Sendable {
        public var circuit: Circuit
        /// Per graph edge: the trained log-alpha (the edge's score) and whether it is in the circuit.
        public var logAlpha: [Double]
        public var kept: [Bool]
        public var faithfulness: EvaluationSet.Faithfulness
        /// Edges with a deterministic gate above 1/2 (log-alpha > 0) after training.
        public var keptAtThreshold: Int
        /// Edges added back below that threshold because the circuit was not faithful without them.
        public var restored: Int
        /// Edges dropped because they were left dangling.
        public var dangling: Int
        public var steps: Int
        public var seconds: Double
        public var finalLoss: Double
    }

    /// Trains the masks and returns the circuit. `progress` is called after every step with
    /// (step, loss, expected sparsity).
    public func run(progress: ((Int, Double, Double) -> Void)? = nil) -> Result {
        let start = DispatchTime.now().uptimeNanoseconds
        let edges = plan.graph.edges.count
        let writers = plan.graph.writers.count
        let c = configuration
        var random = SplitMix64(seed: c.seed &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        let carries = plan.edgeCarries

        // Parameters: one log-alpha per edge (and per writer with node masks), lambda1, lambda2.
        var logAlpha = (0..<edges).map { _ in c.initialLogAlpha + 0.01 * gaussian(&random) }
        var nodeLogAlpha = (0..<writers).map { _ in c.initialLogAlpha + 0.01 * gaussian(&random) }
        var lambda1 = 0.0, lambda2 = 0.0
        var adam = Adam(count: edges, learningRate: c.learningRate)
        var nodeAdam = Adam(count: writers, learningRate: c.learningRate)

        // Training chunks: every length cut into slices, sized so a step (one slice of every length)
        // holds about `sequencesPerStep` sequences; each length's slices are visited in a seeded order.
        var unusedMeans: [Int: [Double]] = [:]
        let lengths = Set(data.inputs.map(\.count)).count
        let chunkSize = max(1, c.sequencesPerStep / max(1, lengths))
        let all = EvaluationSet.slices(compiled: compiled, plan: plan, inputs: data.inputs, ablation: c.ablation, seed: c.seed,
                                       size: chunkSize, pool: TapePool(), means: &unusedMeans)
        var chunks: [[EvaluationSet.Slice]] = []
        for slice in all {
            if let last = chunks.last?.last, last.batch.length == slice.batch.length { chunks[chunks.count - 1].append(slice) } else { chunks.append([slice]) }
        }
        var cursor = [Int](repeating: 0, count: chunks.count)
        let workers = min(chunks.count, max(1, ProcessInfo.processInfo.activeProcessorCount))
        let workspaces = (0..<workers).map { _ in Workspace(edges: edges) }

        var masks = [Double](repeating: 1, count: edges)
        var edgeZ = [Double](repeating: 1, count: edges), edgeDerivative = [Double](repeating: 0, count: edges)
        var nodeZ = [Double](repeating: 1, count: writers), nodeDerivative = [Double](repeating: 0, count: writers)
        var maskGradient = [Double](repeating: 0, count: edges)
        var gradient = [Double](repeating: 0, count: edges)
        var nodeGradient = [Double](repeating: 0, count: writers)
        var densityDerivative = [Double](repeating: 0, count: edges)
        var lastLoss = 0.0
        let warmupSteps = max(1, Int(Double(c.steps) * c.warmupFraction))
        let lrWarmup = max(1, c.steps / 20)
        let width = compiled.model.outputDimensions.count, numerical = compiled.outputIsNumerical

        for step in 0..<c.steps {
            // One hard-concrete sample per gate, shared by every sequence of the step.
            for e in 0..<edges {
                (edgeZ[e], edgeDerivative[e]) = HardConcrete.sample(logAlpha: logAlpha[e], noise: random.nextUnit())
            }
            if c.nodeMasks {
                for w in 0..<writers {
                    (nodeZ[w], nodeDerivative[w]) = HardConcrete.sample(logAlpha: nodeLogAlpha[w], noise: random.nextUnit())
                }
            }
            for e in 0..<edges { masks[e] = edgeZ[e] * nodeZ[plan.graph.edges[e].writer] }

            // Faithfulness loss and dL/dmask over one slice of every length, on all cores; each worker
            // sums its own slices and the workers' sums are added in order, so runs are reproducible.
            var stepChunks: [EvaluationSet.Slice] = []
            for g in chunks.indices {
                if cursor[g] % chunks[g].count == 0 { shuffle(&chunks[g], &random) }
                stepChunks.append(chunks[g][cursor[g] % chunks[g].count])
                cursor[g] += 1
            }
            let positions = stepChunks.reduce(0) { $0 + $1.batch.count * ($1.batch.length - 1) }
            let scale = 1 / Double(max(1, positions))
            let stepMasks = masks, stepSlices = stepChunks
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let space = workspaces[worker]
                for e in 0..<edges { space.maskGradient[e] = 0 }
                space.loss = 0
                for k in stride(from: worker, to: stepSlices.count, by: workers) {
                    let slice = stepSlices[k]
                    let tape = space.pool.tape(plan: plan, count: slice.batch.count, length: slice.batch.length)
                    let partnerTape = c.ablation == .resample ? space.pool.tape(plan: plan, count: slice.batch.count, length: slice.batch.length, partner: true) : nil
                    let ablation = data.ablation(for: slice, partnerTape: partnerTape)
                    plan.forward(slice.batch, masks: stepMasks, ablation: ablation, tape: tape)
                    if space.logitGradient.count != slice.reference.count { space.logitGradient = [Double](repeating: 0, count: slice.reference.count) }
                    space.loss += Objective.lossAndGradient(reference: slice.reference, logits: tape.logits, batch: slice.batch, width: width,
                                                            numerical: numerical, temperature: c.temperature, scale: scale,
                                                            gradient: &space.logitGradient)
                    let key = "\(slice.batch.count)x\(slice.batch.length)"
                    var backward = space.backwards[key] ?? MaskedBackward(plan: plan, tape: tape)
                    backward.backward(tape: tape, masks: stepMasks, ablation: ablation, logitGradient: space.logitGradient, into: &space.maskGradient)
                    space.backwards[key] = backward
                }
            }
            var loss = 0.0
            for e in 0..<edges { maskGradient[e] = 0 }
            for space in workspaces {
                loss += space.loss
                for e in 0..<edges { maskGradient[e] += space.maskGradient[e] }
            }
            lastLoss = loss

            // Lagrangian sparsity term on the expected density: lambda1 (s - t) + lambda2 (s - t)^2.
            let target = c.targetSparsity * min(1, Double(step + 1) / Double(warmupSteps))
            var density = 0.0
            for e in 0..<edges {
                let (p, dp) = HardConcrete.probabilityNonzero(logAlpha: logAlpha[e])
                density += p
                densityDerivative[e] = dp
            }
            let n = Double(edges)
            let sparsity = 1 - density / n
            let dLossdSparsity = lambda1 + 2 * lambda2 * (sparsity - target)
            for e in 0..<edges {
                // An edge that carries nothing still gets the sparsity pressure; its KL gradient is zero.
                let kl = carries[e] ? maskGradient[e] * nodeZ[plan.graph.edges[e].writer] * edgeDerivative[e] : 0
                gradient[e] = kl - dLossdSparsity * densityDerivative[e] / n
            }
            let lrScale = min(1, Double(step + 1) / Double(lrWarmup))
            adam.update(&logAlpha, gradient: gradient, scale: lrScale)
            if c.nodeMasks {
                for w in 0..<writers { nodeGradient[w] = 0 }
                for e in 0..<edges where carries[e] {
                    let w = plan.graph.edges[e].writer
                    nodeGradient[w] += maskGradient[e] * edgeZ[e] * nodeDerivative[w]
                }
                nodeAdam.update(&nodeLogAlpha, gradient: nodeGradient, scale: lrScale)
            }
            lambda1 += c.lambdaLearningRate * (sparsity - target)
            lambda2 += c.lambdaLearningRate * (sparsity - target) * (sparsity - target)
            progress?(step + 1, loss, sparsity)
        }

        // Scores: an edge's log-alpha, lowered by its writer's gate when node masks are on.
        var score = logAlpha
        if c.nodeMasks {
            for e in 0..<edges { score[e] = min(logAlpha[e], nodeLogAlpha[plan.graph.edges[e].writer]) }
        }
        let selection = CircuitSelection(plan: plan, data: data, scores: score, carries: carries)
        let chosen = selection.select()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var circuitEdges: [Circuit.Edge] = []
        for e in 0..<edges where chosen.kept[e] {
            let (from, to) = plan.graph.edgeName(e)
            circuitEdges.append(Circuit.Edge(from: from, to: to, score: score[e]))
        }
        let circuit = Circuit(program: compiled.program.name, graph: plan.graph, edges: circuitEdges, method: "edge-pruning",
                              ablation: c.ablation.rawValue, seed: Int(c.seed))
        return Result(circuit: circuit, logAlpha: score, kept: chosen.kept, faithfulness: chosen.faithfulness,
                      keptAtThreshold: chosen.keptAtThreshold, restored: chosen.restored, dangling: chosen.dangling,
                      steps: c.steps, seconds: seconds, finalLoss: lastLoss)
    }
}

/// A standard normal draw (Box-Muller).
func gaussian(_ random: inout SplitMix64) -> Double {
    let u = random.nextUnit(), v = random.nextUnit()
    return (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
}

/// Fisher-Yates with the seeded generator.
func shuffle<T>(_ items: inout [T], _ random: inout SplitMix64) {
    guard items.count > 1 else { return }
    for i in stride(from: items.count - 1, to: 0, by: -1) {
        let j = Int(random.next() % UInt64(i + 1))
        items.swapAt(i, j)
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
@inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
import Darwin
@inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
