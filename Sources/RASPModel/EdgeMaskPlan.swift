/// The disentangled residual stream of Edge Pruning (Bhaskar et al. 2024, RASP.md 3.2): every writer
/// keeps its output apart, and every reader input is a masked sum over the writers before it,
///
///     x_r = sum_w  m(w->r) * out_w + (1 - m(w->r)) * ablated_w,
///
/// with `ablated_w` zero, the writer's dataset mean, or its output on a corrupted input. With every mask
/// at 1 this is the ordinary forward pass. The plan lists, for each reader input dimension, which writer
/// column feeds it and through which edge; edges whose writer writes nothing the reader reads carry
/// nothing and have no entries.
///
/// Buffers are arenas: all writers' outputs in one flat array, writer w's block starting at
/// `positions * writerStart[w]` and holding `positions x writerDimensions[w].count` (row per position);
/// likewise for readers.
public struct EdgeMaskPlan: Sendable {
    public let graph: ComputeGraph
    public let model: Transformer
    /// Residual dimensions each writer writes and each reader reads (compact columns of the buffers).
    public let writerDimensions: [[Int]]
    public let readerDimensions: [[Int]]
    /// Prefix sums of the widths: block starts per position.
    public let writerStart: [Int]
    public let readerStart: [Int]
    public let writerWidth: [Int]
    public let readerWidth: [Int]
    /// Entries grouped by reader: `entryStart[r]..<entryStart[r + 1]`.
    public let entryStart: [Int]
    public let entrySlot: [Int]
    public let entryWriter: [Int]
    public let entryColumn: [Int]
    public let entryEdge: [Int]

    public init(model: Transformer) {
        let graph = ComputeGraph(model: model)
        self.graph = graph
        self.model = model
        writerDimensions = graph.writers.map { model.dimensions(written: $0) }
        readerDimensions = graph.readers.map { model.dimensions(read: $0) }
        writerWidth = writerDimensions.map(\.count)
        readerWidth = readerDimensions.map(\.count)
        writerStart = writerWidth.reduce(into: [0]) { $0.append($0.last! + $1) }
        readerStart = readerWidth.reduce(into: [0]) { $0.append($0.last! + $1) }
        var start = [0], slot: [Int] = [], writer: [Int] = [], column: [Int] = [], edgeOf: [Int] = []
        for (r, reader) in graph.readers.enumerated() {
            for (i, dim) in readerDimensions[r].enumerated() {
                for w in 0..<graph.writerCount(before: reader) {
                    if let c = writerDimensions[w].firstIndex(of: dim) {
                        slot.append(i)
                        writer.append(w)
                        column.append(c)
                        edgeOf.append(graph.index(of: ComputeGraph.Edge(writer: w, reader: r))!)
                    }
                }
            }
            start.append(slot.count)
        }
        entryStart = start
        entrySlot = slot
        entryWriter = writer
        entryColumn = column
        entryEdge = edgeOf
    }

    /// How many sequences of `length` positions a batch may hold, at most `preferred`, so that its tape
    /// (writer and reader arenas) stays within 4 million values (32 MB).
    public func batchLimit(length: Int, preferred: Int) -> Int {
        max(1, min(preferred, 4_000_000 / max(1, length * (totalWriterWidth + totalReaderWidth))))
    }

    /// Total width of all writers (and readers): the arena holds `positions` times this many values.
    public var totalWriterWidth: Int { writerStart.last! }
    public var totalReaderWidth: Int { readerStart.last! }

    /// Whether an edge carries anything at all (the reader reads some dimension the writer writes).
    public var edgeCarries: [Bool] {
        var carries = [Bool](repeating: false, count: graph.edges.count)
        for e in entryEdge { carries[e] = true }
        return carries
    }

    /// The readers of a head's query, key and value, and of an MLP's input.
    public func readers(ofHead layer: Int, _ slot: Int) -> (q: Int, k: Int, v: Int) {
        let base = layer * (3 * graph.headSlots + 1) + 3 * slot
        return (base, base + 1, base + 2)
    }

    public func reader(ofMLP layer: Int) -> Int { layer * (3 * graph.headSlots + 1) + 3 * graph.headSlots }
    public var outputReader: Int { graph.readers.count - 1 }
    public func writer(ofHead layer: Int, _ slot: Int) -> Int { graph.owner(ofReader: readers(ofHead: layer, slot).q)! }
    public func writer(ofMLP layer: Int) -> Int { graph.owner(ofReader: reader(ofMLP: layer))! }
}

/// What pruned edges carry instead of their writer's output.
public struct Ablation: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case zero, mean, resample }
    public var kind: Kind
    /// A writer arena of replacement outputs: for `positions` rows (resample: one per sequence position)
    /// or for `length` rows shared by every sequence (mean). Empty for zero ablation.
    public var values: [Double]
    /// True when `values` has a row per position of the batch; false when rows repeat per sequence.
    public var perSequence: Bool

    public static let zero = Ablation(kind: .zero, values: [], perSequence: false)

    public init(kind: Kind, values: [Double], perSequence: Bool) {
        self.kind = kind
        self.values = values
        self.perSequence = perSequence
    }
}

/// Everything the masked forward pass computes for one batch, kept for the backward pass.
public final class MaskedTape: @unchecked Sendable {
    public let count: Int
    public let length: Int
    public var positions: Int { count * length }
    /// Writer and reader arenas (see `EdgeMaskPlan`); the last reader's block is the logits.
    public var writers: [Double]
    public var readers: [Double]
    /// Per head writer: attention probabilities `positions x length`, the query projected through
    /// W_QK `positions x keys`, and the values projected through W_OV `positions x outputs`.
    public var attention: [[Double]]
    public var queryProjection: [[Double]]
    public var valueProjection: [[Double]]
    /// Per MLP writer: hidden pre-activations `positions x hidden`.
    public var preActivations: [[Double]]
    let outputStart: Int
    let outputWidth: Int
    /// Scratch for the nonzero entries of each key position (one sequence at a time).
    var keyNonzero: [Int]
    var keyCounts: [Int]

    public init(plan: EdgeMaskPlan, count: Int, length: Int) {
        self.count = count
        self.length = length
        let n = count * length
        writers = [Double](repeating: 0, count: n * plan.totalWriterWidth)
        readers = [Double](repeating: 0, count: n * plan.totalReaderWidth)
        outputStart = n * plan.readerStart[plan.outputReader]
        outputWidth = plan.readerWidth[plan.outputReader]
        attention = Array(repeating: [], count: plan.graph.writers.count)
        queryProjection = Array(repeating: [], count: plan.graph.writers.count)
        valueProjection = Array(repeating: [], count: plan.graph.writers.count)
        preActivations = Array(repeating: [], count: plan.graph.writers.count)
        let widestKey = plan.model.layers.flatMap(\.heads).compactMap { $0?.keyInputs.count }.max() ?? 0
        keyNonzero = [Int](repeating: 0, count: length * max(1, widestKey))
        keyCounts = [Int](repeating: 0, count: length)
        for (w, writer) in plan.graph.writers.enumerated() {
            switch writer {
            case .head(let l, let h):
                if let head = plan.model.layers[l].heads[h] {
                    attention[w] = [Double](repeating: 0, count: n * length)
                    queryProjection[w] = [Double](repeating: 0, count: n * head.keyInputs.count)
                    valueProjection[w] = [Double](repeating: 0, count: n * head.outputs.count)
                }
            case .mlp(let l):
                if let mlp = plan.model.layers[l].mlp { preActivations[w] = [Double](repeating: 0, count: n * mlp.hidden) }
            default:
                break
            }
        }
    }

    /// A copy of the logits (the output s-op's dimensions): `count x length x outputs`.
    public var logits: [Double] { Array(readers[outputStart..<(outputStart + positions * outputWidth)]) }
}
