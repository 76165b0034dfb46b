import RASPCore
import RASPModel

/// The hard-concrete gates of Edge Pruning: one log-alpha per edge (and per writer with node masks),
/// a fresh sample per step shared by every sequence of the step.
struct GateSet {
    var logAlpha: [Double]
    var z: [Double]
    /// dz/dlog_alpha of the current sample.
    var derivative: [Double]

    init(count: Int, initial: Double, _ random: inout SplitMix64) {
        logAlpha = (0..<count).map { _ in initial + 0.01 * random.nextGaussian() }
        z = [Double](repeating: 1, count: count)
        derivative = [Double](repeating: 0, count: count)
    }

    mutating func sample(_ random: inout SplitMix64, straightThrough: Bool = false) {
        for i in logAlpha.indices {
            (z[i], derivative[i]) = HardConcrete.sample(logAlpha: logAlpha[i], noise: random.nextUnit(), straightThrough: straightThrough)
        }
    }

    /// The hardened gates: every gate is its threshold, 1[log_alpha > 0] (the circuit the method
    /// reports), with the straight-through derivative of its mean sigmoid(log_alpha), so that a closed
    /// gate the circuit needs hears the objective. It draws no noise, so the steps' random numbers
    /// stay as they were.
    mutating func harden(_ random: inout SplitMix64) {
        for i in logAlpha.indices {
            _ = random.nextUnit()
            (z[i], derivative[i]) = HardConcrete.hardened(logAlpha: logAlpha[i])
        }
    }

    /// This step's gates: hardened, after bounding the log-alphas (`bound`), or sampled.
    mutating func draw(hardened: Bool, bound: Double, straightThrough: Bool, _ random: inout SplitMix64) {
        if hardened {
            self.bound(bound)
            harden(&random)
        } else {
            sample(&random, straightThrough: straightThrough)
        }
    }

    /// Clamps every log-alpha to [-bound, bound] (0: no bound); the signs, so the circuit, stay.
    mutating func bound(_ bound: Double) {
        guard bound > 0 else { return }
        for i in logAlpha.indices { logAlpha[i] = max(-bound, min(bound, logAlpha[i])) }
    }

    /// The expected density (mean P(z != 0), Louizos et al. eq. 12) and its derivative per gate.
    func expectedDensity() -> (density: Double, derivative: [Double]) {
        var total = 0.0
        let d = logAlpha.map { a -> Double in
            let (p, dp) = HardConcrete.probabilityNonzero(logAlpha: a)
            total += p
            return dp
        }
        return (total / Double(max(1, logAlpha.count)), d)
    }
}

/// The Lagrangian sparsity term of Edge Pruning, lambda1 (s - t) + lambda2 (s - t)^2, with the
/// multipliers trained by gradient ascent and the target t ramping linearly from 0 (Bhaskar et al.
/// 2024, following Wang, Wohlwend, Lei 2020).
struct SparsityLagrangian {
    var lambda1 = 0.0
    var lambda2 = 0.0
    let rate: Double
    let finalTarget: Double
    let rampSteps: Int

    func target(step: Int) -> Double { finalTarget * min(1, Double(step + 1) / Double(rampSteps)) }

    /// d(term)/ds at sparsity s.
    func slope(sparsity s: Double, step: Int) -> Double { lambda1 + 2 * lambda2 * (s - target(step: step)) }

    mutating func ascend(sparsity s: Double, step: Int) {
        let gap = s - target(step: step)
        lambda1 += rate * gap
        lambda2 += rate * gap * gap
    }
}

/// Which sequences each step runs: every input length cut into slices of about
/// `sequencesPerStep / lengths` sequences, each length's slices visited in a seeded order that is
/// reshuffled once they are all used. One slice of each length per step while there are at most
/// `sequencesPerStep` lengths; past that, `sequencesPerStep` lengths per step in a seeded rotation,
/// so a step's work stays bounded however long the sequences may be.
struct StepSchedule {
    var slices: [[CircuitTask.Part]]
    var cursor: [Int]
    var lengths: [Int]
    var lengthCursor = 0
    let lengthsPerStep: Int

    init(task: CircuitTask, sequencesPerStep: Int) {
        slices = task.parts(size: max(1, sequencesPerStep / max(1, task.groups.count)))
        cursor = [Int](repeating: 0, count: slices.count)
        lengths = Array(slices.indices)
        lengthsPerStep = min(slices.count, max(1, sequencesPerStep))
    }

    mutating func next(_ random: inout SplitMix64) -> [CircuitTask.Part] {
        chosenLengths(&random).map { g in
            if cursor[g] % slices[g].count == 0 { random.shuffle(&slices[g]) }
            defer { cursor[g] += 1 }
            return slices[g][cursor[g] % slices[g].count]
        }
    }

    private mutating func chosenLengths(_ random: inout SplitMix64) -> [Int] {
        guard lengthsPerStep < lengths.count else { return lengths }
        var chosen: [Int] = []
        for _ in 0..<lengthsPerStep {
            if lengthCursor % lengths.count == 0 { random.shuffle(&lengths) }
            chosen.append(lengths[lengthCursor % lengths.count])
            lengthCursor += 1
        }
        return chosen.sorted()
    }
}

/// One Edge Pruning run in progress: gates, optimisers, the Lagrangian and the schedule.
struct PruningTrainer {
    let task: CircuitTask
    let configuration: PruningConfiguration
    var random: SplitMix64
    var edges: GateSet
    var nodes: GateSet
    var edgeAdam: Adam
    var nodeAdam: Adam
    var lagrangian: SparsityLagrangian
    var schedule: StepSchedule
    /// The faithfulness multiplier on the objective (1 unless `faithfulnessRate` > 0).
    var faithfulnessWeight = 1.0

    init(task: CircuitTask, configuration c: PruningConfiguration, seed: UInt64) {
        self.task = task
        configuration = c
        random = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        edges = GateSet(count: task.edgeCount, initial: c.initialLogAlpha, &random)
        nodes = GateSet(count: task.graph.writers.count, initial: c.initialLogAlpha, &random)
        edgeAdam = Adam(count: task.edgeCount, learningRate: c.learningRate)
        nodeAdam = Adam(count: task.graph.writers.count, learningRate: c.learningRate)
        lagrangian = SparsityLagrangian(rate: c.lambdaLearningRate, finalTarget: c.targetSparsity,
                                        rampSteps: max(1, Int(Double(c.steps) * c.warmupFraction)))
        schedule = StepSchedule(task: task, sequencesPerStep: c.sequencesPerStep)
    }

    /// One step: estimate the faithfulness gradient in the gates' parameters, add the sparsity term's,
    /// and move the parameters (Adam) and the multipliers (ascent).
    mutating func step(_ step: Int) -> TrainingPoint {
        switch configuration.estimator {
        case .hardConcrete, .straightThrough: return hardConcreteStep(step)
        case .disarm: return disarmStep(step)
        case .hybrid:
            let point = hardConcreteStep(step, extra: disarmGradient(step).gradient)
            return point
        }
    }

    /// DisARM (Dong, Mnih, Tucker 2020, eq. 4) for binary gates b_e = 1[u_e < sigmoid(phi_e)], phi the
    /// log-alpha, with the antithetic b~_e = 1[1 - u_e < sigmoid(phi_e)]:
    /// dE[L]/dphi_e ~ 1/2 (L(b) - L(b~)) (-1)^{b~_e} 1[b_e != b~_e] sigmoid(|phi_e|), one draw of u per
    /// step. An edge gets a signal only when the two circuits differ on it. The expected density is
    /// mean sigmoid(phi).
    mutating func disarmStep(_ step: Int) -> TrainingPoint {
        let c = configuration
        let (disarm, loss) = disarmGradient(step)
        let phi = edges.logAlpha
        let density = phi.reduce(0) { $0 + sigmoid($1) } / Double(max(1, phi.count))
        let sparsity = 1 - density
        let perEdge = sparsityWeight(sparsity: sparsity, step: step)
        let gradient = phi.indices.map { e -> Double in
            let p = sigmoid(phi[e])
            return disarm[e] + perEdge * p * (1 - p)
        }
        let warmup = min(1, Double(step + 1) / Double(max(1, c.steps / 20)))
        edgeAdam.update(&edges.logAlpha, gradient: gradient, scale: warmup)
        if c.penalty == nil, !isRestoring(step) { lagrangian.ascend(sparsity: sparsity, step: step) }
        return TrainingPoint(step: step + 1, loss: loss, sparsity: sparsity)
    }

    /// Whether `step` is in the last `restoreFraction` of the steps, where the sparsity term is off and
    /// only the objective moves the gates: edges the circuit needs come back, the others stay out.
    func isRestoring(_ step: Int) -> Bool { isInLast(configuration.restoreFraction, step) }

    /// Whether `step` is in the last `hardenFraction` of the steps, where the gates are hardened.
    func isHardened(_ step: Int) -> Bool { isInLast(configuration.hardenFraction, step) }

    /// Whether `step` is in the last `fraction` of the steps (never when it is 0).
    func isInLast(_ fraction: Double, _ step: Int) -> Bool {
        fraction > 0 && Double(step) >= Double(configuration.steps) * (1 - fraction)
    }

    /// The DisARM estimate of dE[L]/dphi, and the mean of the two losses.
    mutating func disarmGradient(_ step: Int) -> (gradient: [Double], loss: Double) {
        let c = configuration
        let u = (0..<task.edgeCount).map { _ in random.nextUnit() }
        let phi = edges.logAlpha
        let b = phi.indices.map { u[$0] < sigmoid(phi[$0]) ? 1.0 : 0.0 }
        let antithetic = phi.indices.map { 1 - u[$0] < sigmoid(phi[$0]) ? 1.0 : 0.0 }
        let parts = schedule.next(&random)
        let objective = Objective(c.objective, temperature: c.temperature, marginFraction: c.marginFraction)
        let scale = attentionScale(step)
        let l1 = task.loss(masks: b, parts: parts, objective: objective, attentionScale: scale)
        let l2 = b == antithetic ? l1 : task.loss(masks: antithetic, parts: parts, objective: objective, attentionScale: scale)
        let gradient = phi.indices.map { e -> Double in
            b[e] == antithetic[e] ? 0 : 0.5 * (l1 - l2) * (antithetic[e] == 1 ? -1 : 1) * sigmoid(abs(phi[e]))
        }
        return (gradient, (l1 + l2) / 2)
    }

    func sigmoid(_ x: Double) -> Double { 1 / (1 + Double.exponential(-x)) }

    /// d(sparsity term)/dp_e at `step`: the Lagrangian's slope in s = 1 - mean p, or the ramped penalty.
    func sparsityWeight(sparsity: Double, step: Int) -> Double {
        if isRestoring(step), configuration.restoreFreezes == false { return 0 }
        return configuration.penalty.map { $0 * min(1, Double(step + 1) / Double(lagrangian.rampSteps)) }
            ?? -lagrangian.slope(sparsity: sparsity, step: step) / Double(task.edgeCount)
    }

    /// The paper's step: sample hard-concrete gates and differentiate through the sample.
    mutating func hardConcreteStep(_ step: Int, extra: [Double]? = nil) -> TrainingPoint {
        let graph = task.graph, c = configuration
        let hardened = isHardened(step), straightThrough = c.estimator == .straightThrough
        edges.draw(hardened: hardened, bound: c.hardenedBound, straightThrough: straightThrough, &random)
        if c.nodeMasks { nodes.draw(hardened: hardened, bound: c.hardenedBound, straightThrough: straightThrough, &random) }
        let masks = graph.edges.indices.map { edges.z[$0] * nodes.z[graph.edges[$0].writer] }
        // A gate sampled at exactly 0 (or 1) has no derivative: its edge's mask gradient is not needed.
        let wanted = graph.edges.indices.map { e in
            edges.derivative[e] != 0 || (c.nodeMasks && nodes.derivative[graph.edges[e].writer] != 0 && edges.z[e] != 0)
        }
        let (loss, dm) = task.lossAndGradient(masks: masks, parts: schedule.next(&random), objective: Objective(c.objective, temperature: c.temperature, marginFraction: c.marginFraction),
                                              wanted: wanted, attentionScale: attentionScale(step))

        let (density, dDensity) = edges.expectedDensity()
        let sparsity = 1 - density
        let perEdge = sparsityWeight(sparsity: sparsity, step: step)
        var gradient = [Double](repeating: 0, count: task.edgeCount)
        for e in gradient.indices {
            let w = graph.edges[e].writer
            gradient[e] = faithfulnessWeight * dm[e] * nodes.z[w] * edges.derivative[e] + perEdge * dDensity[e] + (extra?[e] ?? 0)
        }
        let warmup = min(1, Double(step + 1) / Double(max(1, c.steps / 20)))
        edgeAdam.update(&edges.logAlpha, gradient: gradient, scale: warmup)
        if c.nodeMasks {
            var nodeGradient = [Double](repeating: 0, count: graph.writers.count)
            for (e, edge) in graph.edges.enumerated() {
                nodeGradient[edge.writer] += faithfulnessWeight * dm[e] * edges.z[e] * nodes.derivative[edge.writer]
            }
            nodeAdam.update(&nodes.logAlpha, gradient: nodeGradient, scale: warmup)
        }
        if c.penalty == nil, !isRestoring(step) { lagrangian.ascend(sparsity: sparsity, step: step) }
        if step >= lagrangian.rampSteps { faithfulnessWeight += c.faithfulnessRate * loss }
        return TrainingPoint(step: step + 1, loss: loss, sparsity: sparsity)
    }

    /// The attention logit scale at `step`: rising linearly from `attentionStart` to 1, or 1.
    func attentionScale(_ step: Int) -> Double {
        let c = configuration
        guard c.attentionWarmup > 0 else { return 1 }
        let ramp = max(1.0, c.attentionWarmup * Double(c.steps))
        return min(1, c.attentionStart + (1 - c.attentionStart) * Double(step) / ramp)
    }

    /// Each edge's score: its log-alpha, lowered to its writer's when node masks are on.
    var scores: [Double] {
        guard configuration.nodeMasks else { return edges.logAlpha }
        return task.graph.edges.indices.map { min(edges.logAlpha[$0], nodes.logAlpha[task.graph.edges[$0].writer]) }
    }
}
