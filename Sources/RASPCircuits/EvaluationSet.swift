import Foundation
import RASPLanguage
import RASPModel
import RASPCompiler

/// A program's inputs prepared for running circuits: cut into slices of same-length sequences, with the
/// full model's outputs and what a pruned edge carries under the chosen ablation: zero; the mean output
/// over the inputs of the same length, position by position; or the output on a corrupted input of the
/// same length (a seeded pairing). Used by the verifier and by Edge Pruning.
///
/// Memory stays bounded: buffers exist per slice shape, not per input, and a resampled writer output is
/// recomputed from the partner sequences when a slice runs.
public final class EvaluationSet: @unchecked Sendable {
    public struct Slice: Sendable {
        public var batch: TokenBatch
        /// The corrupted partner of each sequence (resample ablation), as a batch of the same shape.
        public var partners: TokenBatch?
        /// The full model's logits and decoded outputs.
        public var reference: [Double]
        public var referenceOutputs: [[Value]]
    }

    public let compiled: CompiledProgram
    public let plan: EdgeMaskPlan
    public let inputs: [[Value]]
    public let ablationKind: Ablation.Kind
    public private(set) var slices: [Slice] = []
    /// Mean ablation: per sequence length (with BOS), the mean writer arena over `length` rows.
    public private(set) var means: [Int: [Double]] = [:]
    private let pools: [TapePool]
    /// Every edge kept: the full model.
    private let allEdges: [Double]

    public static let sliceSize = 64

    public init(compiled: CompiledProgram, inputs: [[Value]], ablation: Ablation.Kind, seed: UInt64 = 0, sliceSize: Int = EvaluationSet.sliceSize) {
        self.compiled = compiled
        self.plan = EdgeMaskPlan(model: compiled.model)
        self.inputs = inputs
        self.ablationKind = ablation
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        pools = (0..<workers).map { _ in TapePool() }
        allEdges = [Double](repeating: 1, count: plan.graph.edges.count)
        slices = EvaluationSet.slices(compiled: compiled, plan: plan, inputs: inputs, ablation: ablation, seed: seed,
                                      size: sliceSize, pool: pools[0], means: &means)
    }

    /// Cuts `inputs` into slices of at most `size` sequences of one length, computing references, the
    /// partners of a resample ablation, and (into `means`) the mean writer outputs per length.
    public static func slices(compiled: CompiledProgram, plan: EdgeMaskPlan, inputs: [[Value]], ablation: Ablation.Kind, seed: UInt64,
                              size: Int, pool: TapePool, means: inout [Int: [Double]]) -> [Slice] {
        var random = SplitMix64(seed: seed ^ 0x5EED_AB1A)
        let ones = [Double](repeating: 1, count: plan.graph.edges.count)
        var result: [Slice] = []
        for (batch, _) in compiled.batches(inputs) {
            let t = batch.length
            // Resample: each sequence's partner is another sequence of the same length.
            var partnerOf = Array(0..<batch.count)
            if ablation == .resample, batch.count > 1 {
                partnerOf = (0..<batch.count).map { i in
                    let j = Int(random.next() % UInt64(batch.count - 1))
                    return j >= i ? j + 1 : j
                }
            }
            var sum = [Double](repeating: 0, count: ablation == .mean ? t * plan.totalWriterWidth : 0)
            var start = 0
            let limit = plan.batchLimit(length: t, preferred: size)
            while start < batch.count {
                let range = start..<min(batch.count, start + limit)
                start = range.upperBound
                let slice = batch.slice(range)
                let tape = pool.tape(plan: plan, count: slice.count, length: t)
                plan.forward(slice, masks: ones, ablation: .zero, tape: tape)
                let reference = tape.logits
                if ablation == .mean {
                    let n = slice.count * t
                    for w in 0..<plan.graph.writers.count {
                        let nw = plan.writerWidth[w]
                        for b in 0..<slice.count {
                            for i in 0..<(t * nw) { sum[t * plan.writerStart[w] + i] += tape.writers[n * plan.writerStart[w] + b * t * nw + i] }
                        }
                    }
                }
                var partners: TokenBatch? = nil
                if ablation == .resample {
                    var tokens: [Int32] = []
                    for i in range { tokens += batch.tokens[(partnerOf[i] * t)..<((partnerOf[i] + 1) * t)] }
                    partners = TokenBatch(tokens: tokens, count: range.count, length: t)
                }
                result.append(Slice(batch: slice, partners: partners, reference: reference,
                                    referenceOutputs: compiled.decode(outputs: reference, batch: slice)))
            }
            if ablation == .mean { means[t] = sum.map { $0 / Double(batch.count) } }
        }
        return result
    }

    /// What pruned edges carry for a slice; a resample runs the full model on the partners into `partnerTape`.
    public func ablation(for slice: Slice, partnerTape: MaskedTape?) -> Ablation {
        switch ablationKind {
        case .zero: return .zero
        case .mean: return Ablation(kind: .mean, values: means[slice.batch.length] ?? [], perSequence: false)
        case .resample:
            guard let partners = slice.partners, let partnerTape else { return .zero }
            plan.forward(partners, masks: allEdges, ablation: .zero, tape: partnerTape)
            return Ablation(kind: .resample, values: partnerTape.writers, perSequence: true)
        }
    }

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

        public var accuracy: Double { positions == 0 ? 1 : Double(positionsCorrect) / Double(positions) }
        public var isFaithful: Bool { sequencesCorrect == sequences }
    }

    /// Runs the circuit given by `masks` (1 keeps an edge, 0 ablates it) on every input. Slices run on all
    /// cores; results are combined in slice order, so they do not depend on the scheduling.
    public func evaluate(masks: [Double]) -> Faithfulness {
        let parts = run(masks: masks, stopAtMismatch: false)
        var result = Faithfulness(numerical: compiled.outputIsNumerical)
        var divergence = 0.0
        for (part, d) in parts {
            result.sequencesCorrect += part.sequencesCorrect
            result.sequences += part.sequences
            result.positionsCorrect += part.positionsCorrect
            result.positions += part.positions
            divergence += d
        }
        result.meanDivergence = result.positions == 0 ? 0 : divergence / Double(result.positions)
        return result
    }

    /// Whether the circuit reproduces the full model on every input (stops each slice at its first mismatch).
    public func isFaithful(masks: [Double]) -> Bool {
        run(masks: masks, stopAtMismatch: true).allSatisfy { $0.0.isFaithful }
    }

    private func run(masks: [Double], stopAtMismatch: Bool) -> [(Faithfulness, Double)] {
        var parts = [(Faithfulness, Double)](repeating: (Faithfulness(), 0), count: slices.count)
        let workers = min(pools.count, slices.count)
        parts.withUnsafeMutableBufferPointer { pb in
            let out = ResultSlots(base: pb.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                // Worker w takes slices w, w + workers, ...: each pool is used by one thread only.
                for s in stride(from: worker, to: self.slices.count, by: workers) {
                    out.base[s] = self.evaluate(slice: s, masks: masks, stopAtMismatch: stopAtMismatch, pool: self.pools[worker])
                }
            }
        }
        return parts
    }

    private func evaluate(slice s: Int, masks: [Double], stopAtMismatch: Bool, pool: TapePool) -> (Faithfulness, Double) {
        let slice = slices[s]
        let t = slice.batch.length
        let tape = pool.tape(plan: plan, count: slice.batch.count, length: t)
        let partnerTape = ablationKind == .resample ? pool.tape(plan: plan, count: slice.batch.count, length: t, partner: true) : nil
        plan.forward(slice.batch, masks: masks, ablation: ablation(for: slice, partnerTape: partnerTape), tape: tape)
        let logits = tape.logits
        let decoded = compiled.decode(outputs: logits, batch: slice.batch)
        let o = compiled.model.outputDimensions.count
        var part = Faithfulness(numerical: compiled.outputIsNumerical)
        var divergence = 0.0
        for b in 0..<slice.batch.count {
            var all = true
            for p in 1..<t {
                if decoded[b][p - 1].matches(slice.referenceOutputs[b][p - 1], tolerance: 1e-4) { part.positionsCorrect += 1 } else { all = false }
                part.positions += 1
                if !stopAtMismatch {
                    divergence += EvaluationSet.divergence(reference: slice.reference, circuit: logits, at: (b * t + p) * o,
                                                           width: o, numerical: part.numerical)
                }
            }
            if all { part.sequencesCorrect += 1 }
            part.sequences += 1
            if stopAtMismatch && !all { break }
        }
        return (part, divergence)
    }

    /// The divergence of `circuit` from `reference` at the output block starting at `base`.
    static func divergence(reference: [Double], circuit: [Double], at base: Int, width: Int, numerical: Bool) -> Double {
        reference.withUnsafeBufferPointer { r in
            circuit.withUnsafeBufferPointer { c in
                OutputDivergence.at(reference: r.baseAddress! + base, circuit: c.baseAddress! + base, width: width, numerical: numerical)
            }
        }
    }
}

/// Tapes reused across runs, one per batch shape (and one more per shape for resample partners).
/// A pool belongs to one thread at a time.
public final class TapePool: @unchecked Sendable {
    private var tapes: [String: MaskedTape] = [:]

    public init() {}

    public func tape(plan: EdgeMaskPlan, count: Int, length: Int, partner: Bool = false) -> MaskedTape {
        let key = "\(count)x\(length)\(partner ? "p" : "")"
        if let t = tapes[key] { return t }
        let t = MaskedTape(plan: plan, count: count, length: length)
        tapes[key] = t
        return t
    }
}

/// Result slots written by worker threads, one slot each.
private struct ResultSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<(EvaluationSet.Faithfulness, Double)>
}
