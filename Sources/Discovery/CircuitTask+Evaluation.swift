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

/// The objective a gradient is taken of, over the non-BOS positions, averaged over positions:
/// - `kl`: KL(full || circuit) of the softmax of the output block at inverse temperature
///   `temperature` (categorical), or the squared error (numerical), as `OutputDivergence` computes it;
/// - `margin`: the readout-aware hinge of `OutputMargin`, zero once the circuit decodes as the full
///   model with half its margin;
/// - `both`: their sum;
/// - `cross-entropy`: `OutputCrossEntropy`, against the full model's decoded output, whose gradient is
///   not zero at the full model (attribution methods use it).
public struct Objective: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case kl, margin, both
        case crossEntropy = "cross-entropy"
    }
    public var kind: Kind
    public var temperature: Double
    /// The fraction of the reference's margin the margin objective asks the circuit to keep.
    public var marginFraction: Double

    public init(_ kind: Kind = .kl, temperature: Double, marginFraction: Double = 0.5) {
        self.kind = kind
        self.temperature = temperature
        self.marginFraction = marginFraction
    }

    public init(temperature: Double) { self.init(.kl, temperature: temperature) }

    /// The loss at one output block, with `scale` times its gradient written to `gradient`.
    @inline(__always)
    func at(reference: UnsafePointer<Double>, circuit: UnsafePointer<Double>, width: Int, readout: Readout,
            gradient: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>, scale: Double) -> Double {
        switch kind {
        case .kl:
            return OutputDivergence.at(reference: reference, circuit: circuit, width: width, numerical: readout.isNumerical,
                                       temperature: temperature, gradient: gradient, scale: scale)
        case .margin:
            return OutputMargin.at(reference: reference, circuit: circuit, width: width, readout: readout, fraction: marginFraction,
                                  gradient: gradient, scale: scale)
        case .crossEntropy:
            return OutputCrossEntropy.at(reference: reference, circuit: circuit, width: width, readout: readout, gradient: gradient, scale: scale)
        case .both:
            let kl = OutputDivergence.at(reference: reference, circuit: circuit, width: width, numerical: readout.isNumerical,
                                         temperature: temperature, gradient: gradient, scale: scale)
            let margin = OutputMargin.at(reference: reference, circuit: circuit, width: width, readout: readout, fraction: marginFraction,
                                              gradient: scratch, scale: scale)
            for k in 0..<width { gradient[k] += scratch[k] }
            return kl + margin
        }
    }
}

extension CircuitTask {
    /// Runs the circuit given by `masks` (1 keeps an edge, 0 ablates it) on every evaluation input.
    /// Slices run on all cores; results are combined in slice order.
    public func evaluate(masks: [Double]) -> Faithfulness {
        var parts = [(Faithfulness, Double)](repeating: (Faithfulness(), 0), count: slices.count)
        parts.withUnsafeMutableBufferPointer { out in
            let slots = out.baseAddress!
            let box = SendableBox(slots)
            forEachPart(slices) { s, space in box.pointer[s] = self.score(slices[s], masks: masks, stopAtMismatch: false, space) }
        }
        var result = Faithfulness(numerical: readout.isNumerical)
        for (part, divergence) in parts { result.add(part, divergence: divergence) }
        result.meanDivergence = result.positions == 0 ? 0 : result.meanDivergence / Double(result.positions)
        return result
    }

    /// The mean squared difference of the circuit's logits from the full model's, over the non-BOS
    /// positions and output dimensions of every input: ACDC's L2 metric on its tracr tasks.
    public func squaredError(masks: [Double]) -> Double {
        var parts = [Double](repeating: 0, count: slices.count)
        parts.withUnsafeMutableBufferPointer { out in
            let box = SendableBox(out.baseAddress!)
            forEachPart(slices) { s, space in
                let part = self.slices[s]
                let (tape, _) = self.run(part, masks: masks, space)
                let t = tape.length, o = self.outputWidth
                var sum = 0.0
                self.groups[part.group].reference.withUnsafeBufferPointer { rb in
                    let reference = rb.baseAddress! + self.referenceOffset(part), circuit = tape.logitPointer
                    for b in 0..<tape.count {
                        for i in ((b * t + 1) * o)..<((b + 1) * t * o) { sum += (circuit[i] - reference[i]) * (circuit[i] - reference[i]) }
                    }
                }
                box.pointer[s] = sum
            }
        }
        let values = sequenceCount == 0 ? 0 : groups.reduce(0) { $0 + $1.batch.count * ($1.batch.length - 1) } * outputWidth
        return parts.reduce(0, +) / Double(max(1, values))
    }

    /// Whether the circuit reproduces the full model's decoded output on every input; stops at the
    /// first slice that shows it does not.
    public func isFaithful(masks: [Double]) -> Bool {
        let failed = Counter()
        forEachPart(slices) { s, space in
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
    /// `attentionScale` multiplies every attention logit in these passes (1: the model itself).
    public func lossAndGradient(masks: [Double], parts: [Part], objective: Objective, wanted: [Bool]? = nil,
                                attentionScale: Double = 1) -> (loss: Double, gradient: [Double]) {
        let positions = parts.reduce(0) { $0 + $1.range.count * (groups[$1.group].batch.length - 1) }
        let scale = 1 / Double(max(1, positions))
        var losses = [Double](repeating: 0, count: parts.count)
        var gradients = [[Double]](repeating: [], count: parts.count)
        losses.withUnsafeMutableBufferPointer { lb in
            gradients.withUnsafeMutableBufferPointer { gb in
                let l = SendableBox(lb.baseAddress!), g = SendableBox(gb.baseAddress!)
                forEachPart(parts) { k, space in
                    (l.pointer[k], g.pointer[k]) = self.partGradient(parts[k], masks: masks, objective: objective, scale: scale,
                                                                      wanted: wanted, attentionScale: attentionScale, space)
                }
            }
        }
        var total = [Double](repeating: 0, count: edgeCount)
        for part in gradients { for e in total.indices { total[e] += part[e] } }
        return (losses.reduce(0, +), total)
    }

    /// The objective's mean over the non-BOS positions of `parts` under `masks`, without a gradient
    /// (forward passes only).
    public func loss(masks: [Double], parts: [Part], objective: Objective, attentionScale: Double = 1) -> Double {
        let positions = parts.reduce(0) { $0 + $1.range.count * (groups[$1.group].batch.length - 1) }
        var losses = [Double](repeating: 0, count: parts.count)
        losses.withUnsafeMutableBufferPointer { lb in
            let l = SendableBox(lb.baseAddress!)
            forEachPart(parts) { k, space in
                let (tape, _) = self.run(parts[k], masks: masks, space, attentionScale: attentionScale)
                l.pointer[k] = self.partLoss(parts[k], tape: tape, objective: objective, gradient: nil)
            }
        }
        return losses.reduce(0, +) / Double(max(1, positions))
    }

    /// The objective summed over the non-BOS positions of a part whose logits `tape` holds; with
    /// `gradient`, `scale` times its gradient in the logits is written there.
    func partLoss(_ part: Part, tape: MaskedTape, objective: Objective, gradient: UnsafeMutablePointer<Double>?, scale: Double = 1) -> Double {
        let t = tape.length, o = outputWidth
        var scratch = [Double](repeating: 0, count: 2 * o)
        var loss = 0.0
        groups[part.group].reference.withUnsafeBufferPointer { rb in
            scratch.withUnsafeMutableBufferPointer { sb in
                let reference = rb.baseAddress! + referenceOffset(part), circuit = tape.logitPointer
                for b in 0..<tape.count {
                    for p in 1..<t {
                        let at = (b * t + p) * o
                        loss += objective.at(reference: reference + at, circuit: circuit + at, width: o, readout: readout,
                                             gradient: gradient.map { $0 + at } ?? sb.baseAddress! + o, scratch: sb.baseAddress!, scale: scale)
                    }
                }
            }
        }
        return loss
    }

    private func partGradient(_ part: Part, masks: [Double], objective: Objective, scale: Double, wanted: [Bool]?,
                              attentionScale: Double, _ space: Workspace) -> (Double, [Double]) {
        let (tape, ablation) = run(part, masks: masks, space, attentionScale: attentionScale)
        var logitGradient = [Double](repeating: 0, count: tape.positions * outputWidth)
        let loss = logitGradient.withUnsafeMutableBufferPointer {
            partLoss(part, tape: tape, objective: objective, gradient: $0.baseAddress!, scale: scale)
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
