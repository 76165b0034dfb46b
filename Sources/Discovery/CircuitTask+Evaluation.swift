import RASPModel

/// How well a circuit reproduces the full model.
public struct Faithfulness: Sendable, Equatable {
    /// Inputs whose every decoded position equals the full model's.
    public var sequencesCorrect = 0
    public var sequences = 0
    /// Decoded non-BOS positions equal to the full model's.
    public var positionsCorrect = 0
    public var positions = 0
    /// Mean over non-BOS positions of KL(full || circuit) of the softmax of the output block
    /// (categorical), or of the squared error (numerical).
    public var meanDivergence = 0.0
    public var numerical = false

    public init(numerical: Bool = false) { self.numerical = numerical }

    public var accuracy: Double { positions == 0 ? 1 : Double(positionsCorrect) / Double(positions) }
    public var isFaithful: Bool { sequencesCorrect == sequences }

    mutating func add(_ other: Faithfulness, divergence: Double) {
        sequencesCorrect += other.sequencesCorrect
        sequences += other.sequences
        positionsCorrect += other.positionsCorrect
        positions += other.positions
        meanDivergence += divergence
    }
}

/// The objective a gradient is taken of, over the non-BOS positions: KL(full || circuit) of the
/// softmax of the output block at inverse temperature `temperature` (categorical), or the squared
/// error (numerical), as `OutputDivergence` computes it; averaged over positions.
public struct Objective: Sendable {
    public var temperature: Double

    public init(temperature: Double) { self.temperature = temperature }
}

extension CircuitTask {
    /// Runs the circuit given by `masks` (1 keeps an edge, 0 ablates it) on every evaluation input.
    /// Slices run on all cores; results are combined in slice order.
    public func evaluate(masks: [Double]) -> Faithfulness {
        var parts = [(Faithfulness, Double)](repeating: (Faithfulness(), 0), count: slices.count)
        parts.withUnsafeMutableBufferPointer { out in
            let slots = out.baseAddress!
            let box = SendableBox(slots)
            forEachPart(slices.count) { s, space in box.pointer[s] = self.score(slices[s], masks: masks, stopAtMismatch: false, space) }
        }
        var result = Faithfulness(numerical: readout.isNumerical)
        for (part, divergence) in parts { result.add(part, divergence: divergence) }
        result.meanDivergence = result.positions == 0 ? 0 : result.meanDivergence / Double(result.positions)
        return result
    }

    /// Whether the circuit reproduces the full model's decoded output on every input; stops at the
    /// first slice that shows it does not.
    public func isFaithful(masks: [Double]) -> Bool {
        let failed = Counter()
        forEachPart(slices.count) { s, space in
            if failed.value > 0 { return }
            if !self.score(slices[s], masks: masks, stopAtMismatch: true, space).0.isFaithful { failed.add(1) }
        }
        return failed.value == 0
    }

    private func score(_ part: Part, masks: [Double], stopAtMismatch: Bool, _ space: Workspace) -> (Faithfulness, Double) {
        let (tape, _) = run(part, masks: masks, space)
        let t = tape.length, o = outputWidth, numerical = readout.isNumerical
        var result = Faithfulness(numerical: numerical)
        var divergence = 0.0
        groups[part.group].reference.withUnsafeBufferPointer { rb in
            let reference = rb.baseAddress! + referenceOffset(part), circuit = tape.logitPointer
            for b in 0..<tape.count {
                var all = true
                for p in 1..<t {
                    let at = (b * t + p) * o
                    if readout.agrees(reference: reference + at, circuit: circuit + at, width: o) { result.positionsCorrect += 1 } else { all = false }
                    result.positions += 1
                    if !stopAtMismatch {
                        divergence += OutputDivergence.at(reference: reference + at, circuit: circuit + at, width: o, numerical: numerical)
                    }
                }
                if all { result.sequencesCorrect += 1 }
                result.sequences += 1
                if stopAtMismatch && !all { break }
            }
        }
        return (result, divergence)
    }

    /// The objective's mean over the non-BOS positions of `parts` under `masks`, and its gradient in
    /// the masks. Each part's gradient is computed apart and they are summed in part order, so the
    /// result does not depend on the number of cores. With `wanted`, gradients of edges whose mask is
    /// 0 are left at 0 unless marked (a method whose gate is closed has no use for them).
    public func lossAndGradient(masks: [Double], parts: [Part], objective: Objective,
                                wanted: [Bool]? = nil) -> (loss: Double, gradient: [Double]) {
        let positions = parts.reduce(0) { $0 + $1.range.count * (groups[$1.group].batch.length - 1) }
        let scale = 1 / Double(max(1, positions))
        var losses = [Double](repeating: 0, count: parts.count)
        var gradients = [[Double]](repeating: [], count: parts.count)
        losses.withUnsafeMutableBufferPointer { lb in
            gradients.withUnsafeMutableBufferPointer { gb in
                let l = SendableBox(lb.baseAddress!), g = SendableBox(gb.baseAddress!)
                forEachPart(parts.count) { k, space in
                    (l.pointer[k], g.pointer[k]) = self.partGradient(parts[k], masks: masks, objective: objective, scale: scale,
                                                                      wanted: wanted, space)
                }
            }
        }
        var total = [Double](repeating: 0, count: edgeCount)
        for part in gradients { for e in total.indices { total[e] += part[e] } }
        return (losses.reduce(0, +), total)
    }

    private func partGradient(_ part: Part, masks: [Double], objective: Objective, scale: Double, wanted: [Bool]?,
                              _ space: Workspace) -> (Double, [Double]) {
        let (tape, ablation) = run(part, masks: masks, space)
        let t = tape.length, o = outputWidth, numerical = readout.isNumerical
        var logitGradient = [Double](repeating: 0, count: tape.positions * o)
        var loss = 0.0
        groups[part.group].reference.withUnsafeBufferPointer { rb in
            logitGradient.withUnsafeMutableBufferPointer { gb in
                let reference = rb.baseAddress! + referenceOffset(part), circuit = tape.logitPointer
                for b in 0..<tape.count {
                    for p in 1..<t {
                        let at = (b * t + p) * o
                        loss += OutputDivergence.at(reference: reference + at, circuit: circuit + at, width: o, numerical: numerical,
                                                    temperature: objective.temperature, gradient: gb.baseAddress! + at, scale: scale)
                    }
                }
            }
        }
        var gradient = [Double](repeating: 0, count: edgeCount)
        logitGradient.withUnsafeBufferPointer {
            modelBackward(tape: tape, masks: masks, ablation: ablation, logitGradient: $0.baseAddress!, wanted: wanted, space, into: &gradient)
        }
        return (loss * scale, gradient)
    }
}

/// A pointer handed to worker threads that write disjoint slots.
struct SendableBox<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
