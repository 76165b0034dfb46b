import Foundation
import RASPCore
import RASPModel

/// What a discovery method is given (RASP.md 3.7): an edge-masked model it can run forward and
/// backward under any mask vector, and evaluation inputs with the full model's outputs. The model is
/// a black box: its weights, which edges carry signal and the golden circuit are out of reach.
///
/// Built once per program, variant and ablation, and shared by every seed, every method and the
/// verifier. Inputs come in groups of one length; slices of a group are what runs at once.
public final class CircuitTask: @unchecked Sendable {
    /// The evaluation sequences of one length, with what the full model does on them.
    public struct Group: Sendable {
        public var batch: TokenBatch
        /// Resample ablation: each sequence's corrupted partner (another sequence of the same length).
        public var partners: TokenBatch?
        /// The full model's logits, `count x length x outputs`.
        public var reference: [Double]
    }

    /// A run of sequences inside one group.
    public struct Part: Sendable, Hashable {
        public var group: Int
        public var range: Range<Int>

        public init(group: Int, range: Range<Int>) {
            self.group = group
            self.range = range
        }
    }

    public let name: String
    public let graph: ComputeGraph
    public let ablation: Ablation.Kind
    public let readout: Readout
    public let outputWidth: Int
    public let groups: [Group]
    /// The evaluation slices: every group cut into runs the tapes' memory budget allows.
    public let slices: [Part]
    private let model: EdgeMaskedModel
    /// Mean ablation, per group.
    private let means: [Ablation]
    /// Resample ablation, per group: the partners' writer arenas when they fit the cache budget.
    private let partnerArenas: [[Double]?]

    /// Most values the resample cache holds (128 MB); past it partners are recomputed per pass.
    public static let partnerCacheLimit = 16_000_000
    private let workers: [Workspace]
    /// Model runs so far (one per sequence batch forward), for reports.
    private let counter = Counter()

    public static let sliceSize = 64

    /// Runs the full model over `batches` (sequences grouped by length) and, for resample ablation,
    /// pairs each sequence with another of its length by a draw seeded with `seed`. Parts run on
    /// `workers` threads (default: one per core); results do not depend on how many.
    public convenience init(name: String, model: DenseTransformer, batches: [TokenBatch], ablation: Ablation.Kind, seed: UInt64 = 0,
                            workers: Int? = nil) {
        self.init(name: name, masked: EdgeMaskedModel(model: model), batches: batches, ablation: ablation, seed: seed, workers: workers)
    }

    init(name: String, masked: EdgeMaskedModel, batches: [TokenBatch], ablation: Ablation.Kind, seed: UInt64, workers: Int? = nil) {
        self.name = name
        self.model = masked
        graph = masked.graph
        self.ablation = ablation
        readout = model.readout
        outputWidth = model.outputWidth
        let partners = ablation == .resample ? CircuitTask.partners(batches, seed: seed) : nil
        let built = batches.indices.map { g in
            Group(batch: batches[g], partners: partners?[g], reference: masked.outputs(batches[g]))
        }
        groups = built
        means = ablation == .mean ? built.map { CircuitTask.meanAblation(masked, $0.batch) } : []
        let cached = built.reduce(0) { $0 + $1.batch.count * masked.arenaValues(length: $1.batch.length) } <= CircuitTask.partnerCacheLimit
        partnerArenas = built.map { g in cached ? g.partners.map { masked.writerArena($0) } : nil }
        slices = built.indices.flatMap { g in
            CircuitTask.cut(count: built[g].batch.count, size: masked.batchLimit(length: built[g].batch.length, preferred: CircuitTask.sliceSize))
                .map { Part(group: g, range: $0) }
        }
        self.workers = (0..<max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)).map { _ in Workspace() }
    }

    /// A seeded sample of at most `limit` of the task's sequences, stratified by length (each length
    /// keeps its share, at least one), with their references and partners: for methods that evaluate
    /// many circuits and need only a metric, not the verdict.
    public func sample(limit: Int, seed: UInt64 = 0) -> CircuitTask {
        guard sequenceCount > limit else { return self }
        var random = SplitMix64(seed: seed ^ 0x5A3B_1E00_0000_0004)
        let batches = groups.map { g -> TokenBatch in
            let keep = max(1, g.batch.count * limit / sequenceCount)
            var order = Array(0..<g.batch.count)
            random.shuffle(&order)
            let rows = order.prefix(keep).sorted(), t = g.batch.length
            return TokenBatch(tokens: rows.flatMap { g.batch.tokens[($0 * t)..<(($0 + 1) * t)] }, count: rows.count, length: t)
        }
        return CircuitTask(name: name, masked: model, batches: batches, ablation: ablation, seed: seed, workers: workers.count)
    }

    /// The resample partners of the sequences of `batches` (each of one length), as the task draws
    /// them with `seed`: per batch, another sequence of the batch for each sequence.
    public static func partners(_ batches: [TokenBatch], seed: UInt64) -> [TokenBatch] {
        zip(batches, partnerIndices(batches, seed: seed)).map { batch, indices in
            let t = batch.length
            var tokens: [Int32] = []
            tokens.reserveCapacity(batch.count * t)
            for j in indices { tokens += batch.tokens[(j * t)..<((j + 1) * t)] }
            return TokenBatch(tokens: tokens, count: batch.count, length: t)
        }
    }

    /// Per batch, the index (in the batch) of each sequence's partner: another sequence of the batch
    /// drawn uniformly, or itself when it is the only one.
    public static func partnerIndices(_ batches: [TokenBatch], seed: UInt64) -> [[Int]] {
        var random = SplitMix64(seed: seed ^ 0x5EED_AB1A)
        return batches.map { batch in
            let n = batch.count
            return (0..<n).map { i in
                guard n > 1 else { return i }
                let j = random.next(below: n - 1)
                return j >= i ? j + 1 : j
            }
        }
    }

    static func cut(count: Int, size: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: max(1, size)).map { $0..<min(count, $0 + max(1, size)) }
    }

    static func pieces(_ batch: TokenBatch, size: Int) -> [TokenBatch] { cut(count: batch.count, size: size).map { batch.slice($0) } }

    /// The mean ablation of one group's sequences (all of one length), as the task uses it.
    public static func meanAblation(_ masked: EdgeMaskedModel, _ batch: TokenBatch) -> Ablation {
        masked.meanAblation(pieces(batch, size: 256))
    }

    public var edgeCount: Int { graph.edges.count }
    public var sequenceCount: Int { groups.reduce(0) { $0 + $1.batch.count } }
    /// Batch forward passes run on this task so far (evaluations and training steps).
    public var modelRuns: Int { counter.value }

    /// Parts of at most `size` sequences (and at most what a tape's budget allows) covering every group.
    public func parts(size: Int) -> [[Part]] {
        groups.indices.map { g in
            let limit = model.batchLimit(length: groups[g].batch.length, preferred: size)
            return CircuitTask.cut(count: groups[g].batch.count, size: limit).map { Part(group: g, range: $0) }
        }
    }

    // MARK: Running parts

    /// Buffers of one worker thread, per batch shape, least recently used dropped first once they pass
    /// `Workspace.budget` values (a task over many lengths would otherwise keep one tape per length).
    final class Workspace: @unchecked Sendable {
        /// Most values one worker's cached tapes and buffers hold (192 MB); a pass in progress keeps
        /// its own tape alive even if it is dropped from the cache.
        static let budget = 24_000_000
        private var entries: [String: (item: AnyObject, values: Int, used: Int)] = [:]
        private var held = 0
        private var clock = 0

        func tape(_ m: EdgeMaskedModel, _ count: Int, _ length: Int, partner: Bool = false) -> MaskedTape {
            cached("t\(count)x\(length)\(partner ? "p" : "")", values: count * length * (m.valuesPerPosition(length: length) + m.firingValuesPerPosition)) {
                MaskedTape(model: m, count: count, length: length)
            }
        }

        func buffers(_ m: EdgeMaskedModel, _ count: Int, _ length: Int) -> GradientBuffers {
            cached("g\(count)x\(length)", values: count * length * m.valuesPerPosition(length: length)) {
                GradientBuffers(model: m, count: count, length: length)
            }
        }

        private func cached<T: AnyObject>(_ key: String, values: Int, _ make: () -> T) -> T {
            clock += 1
            if let entry = entries[key], let item = entry.item as? T {
                entries[key]!.used = clock
                return item
            }
            while held + values > Workspace.budget, let oldest = entries.min(by: { $0.value.used < $1.value.used }) {
                held -= oldest.value.values
                entries[oldest.key] = nil
            }
            let item = make()
            entries[key] = (item, values, clock)
            held += values
            return item
        }
    }

    /// Runs `body(part index, worker)` for every part of `parts` on the workers, costliest first, each
    /// worker taking the next part when it is done with one: a worker that starts late (a woken
    /// thread) or draws short parts takes more. Results must be written per part, so they do not
    /// depend on which worker ran which.
    func forEachPart(_ parts: [Part], _ body: @Sendable (Int, Workspace) -> Void) {
        let n = min(workers.count, parts.count)
        if n <= 1 {
            for p in parts.indices { body(p, workers[0]) }
            return
        }
        let order = CircuitTask.costliestFirst(parts.map { $0.range.count * groups[$0.group].batch.length })
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: n) { w in
            while case let k = next.increment(), k < order.count { body(order[k], workers[w]) }
        }
    }

    /// The order to run parts of the given costs in (their positions: a pass's work grows with them):
    /// decreasing cost, in index order on a tie (longest first, so the last parts to finish are short).
    static func costliestFirst(_ costs: [Int]) -> [Int] {
        costs.indices.sorted { costs[$0] > costs[$1] || (costs[$0] == costs[$1] && $0 < $1) }
    }

    /// The forward pass of `part` under `masks`, with the ablation it needs; the tape holds the logits.
    func run(_ part: Part, masks: [Double], _ space: Workspace, attentionScale: Double = 1) -> (tape: MaskedTape, ablation: Ablation) {
        let group = groups[part.group], batch = group.batch.slice(part.range)
        let tape = space.tape(model, batch.count, batch.length)
        var ablation = Ablation.zero
        switch self.ablation {
        case .zero: break
        case .mean: ablation = means[part.group]
        case .resample:
            if let arena = partnerArenas[part.group] {
                ablation = model.resampleAblation(arena: arena, count: group.batch.count, length: batch.length, range: part.range,
                                                  partnerTokens: group.partners!.tokens)
            } else {
                ablation = model.resampleAblation(partners: group.partners!.slice(part.range),
                                                  tape: space.tape(model, batch.count, batch.length, partner: true))
                counter.add(1)
            }
        }
        model.forward(batch, masks: masks, ablation: ablation, tape: tape, attentionScale: attentionScale)
        counter.add(1)
        return (tape, ablation)
    }

    /// The backward pass of the part whose forward pass `tape` holds: dL/dm added to `gradient`.
    func modelBackward(tape: MaskedTape, masks: [Double], ablation: Ablation, logitGradient: UnsafePointer<Double>, wanted: [Bool]?,
                       _ space: Workspace, into gradient: inout [Double]) {
        model.backward(tape: tape, masks: masks, ablation: ablation, logitGradient: logitGradient,
                       buffers: space.buffers(model, tape.count, tape.length), wanted: wanted, into: &gradient)
    }

    /// The offset of a part's first logit in its group's reference.
    func referenceOffset(_ part: Part) -> Int { part.range.lowerBound * groups[part.group].batch.length * outputWidth }
}

/// A count shared by worker threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
    /// Adds one and returns the count before.
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; count += 1; return count - 1 }
}
