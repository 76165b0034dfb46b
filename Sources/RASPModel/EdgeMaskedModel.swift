/// The disentangled residual stream of Edge Pruning (Bhaskar et al. 2024) on a dense transformer:
/// every writer keeps its output apart, and every reader's input is a masked sum over the writers
/// before it,
///
///     x_r = sum_w  m(w->r) y_w + (1 - m(w->r)) a_w,
///
/// with `a_w` what a pruned edge carries instead (zero, the writer's mean output, or its output on a
/// corrupted input). With every mask at 1 this is the ordinary forward pass.
///
/// The sum is computed in each side's own coordinates, which is exact for any weights: writer w's
/// output is `y_w = z_w O_w` (z_w a one-hot token or position, a head's value-space output, an MLP's
/// hidden activations) and reader r uses `x_r W_r`, so edge w->r adds `m z_w (O_w W_r)` to the
/// reader's input. Where a side is wider than the residual stream it works in the residual stream
/// instead (its matrix is the identity). An edge whose `O_w W_r` is exactly zero is skipped, which in
/// a compiled model (disjoint subspaces) is most edges and in a noisy one none.
public struct EdgeMaskedModel: Sendable {
    public let graph: ComputeGraph
    let model: DenseTransformer

    /// How a writer's output is held: a row lookup (embeddings), its own coordinates z_w, or the
    /// residual stream y_w.
    enum WriterForm: Sendable, Equatable { case lookup, native, residual }

    /// How edge w->r adds to the reader: not at all (O_w W_r = 0), the identity (both sides in the
    /// residual stream), or through C = O_w W_r, kept with its transpose for the backward pass (both
    /// in `denseValues`, at these offsets), or as its nonzero entries when at most a quarter are
    /// (compiled weights; never for an embedding). Offsets rather than matrices, so that the passes'
    /// switch over an edge's connection copies no counted reference.
    enum Connection: Sendable {
        case none
        case identity
        case dense(offset: Int, transposedOffset: Int)
        case sparse(SparseRows)
    }

    let writerForm: [WriterForm]
    /// Columns of each writer's block in the tape (0 for lookups), and the blocks' starts.
    let writerWidth: [Int]
    let writerStart: [Int]
    /// The width of each writer's own coordinates (value dimensions, hidden units, vocabulary).
    let writerNativeWidth: [Int]
    /// Per reader: whether it gathers in the residual stream (then projects by W_r), its gather width
    /// and start, and the width and start of its projected input (residual readers only).
    let readerResidual: [Bool]
    let readerWidth: [Int]
    let readerStart: [Int]
    let inputWidth: [Int]
    let inputStart: [Int]
    let connections: [Connection]
    /// Every dense connection's C and C^T, row-major, one after another.
    let denseValues: [Double]
    /// Per head writer: whether its value or output map is exactly zero, so that it writes zero
    /// whatever it attends to (an empty slot of a compiled model).
    let silent: [Bool]
    /// The first edge into each reader (edges are grouped by reader, in writer order).
    let readerEdgeStart: [Int]
    /// Per reader, its projection W_r when it gathers in the residual stream.
    let readerProjection: [Matrix?]
    let readerProjectionTransposed: [Matrix?]
    /// Per writer, O_w when it writes the residual stream, and its transpose.
    let writerProjection: [Matrix?]
    let writerProjectionTransposed: [Matrix?]
    /// The same projections as their nonzero entries, when at most a quarter are.
    let readerProjectionRows: [SparseRows?]
    let writerProjectionRows: [SparseRows?]

    public init(model: DenseTransformer) {
        let graph = ComputeGraph(layers: model.layers.count, headSlots: model.headSlots)
        self.graph = graph
        self.model = model
        let d = model.width
        var forms: [WriterForm] = [], native: [Int] = []
        for writer in graph.writers {
            let rows = model.writerMatrix(writer).rows
            native.append(rows)
            switch writer {
            case .tokens, .positions: forms.append(.lookup)
            default: forms.append(rows > d ? .residual : .native)
            }
        }
        writerForm = forms
        writerNativeWidth = native
        writerWidth = zip(forms, native).map { form, n in form == .lookup ? 0 : (form == .residual ? d : n) }
        writerStart = writerWidth.reduce(into: [0]) { $0.append($0.last! + $1) }
        let readerNative = graph.readers.map { model.readerMatrix($0).columns }
        // `out` always gathers in its own coordinates: its input is the logits.
        let residualReader = graph.readers.indices.map { r in graph.readers[r] != .output && readerNative[r] > d }
        readerResidual = residualReader
        let gatherWidth = graph.readers.indices.map { residualReader[$0] ? d : readerNative[$0] }
        readerWidth = gatherWidth
        readerStart = gatherWidth.reduce(into: [0]) { $0.append($0.last! + $1) }
        let projected = graph.readers.indices.map { residualReader[$0] ? readerNative[$0] : 0 }
        inputWidth = projected
        inputStart = projected.reduce(into: [0]) { $0.append($0.last! + $1) }
        let readerMatrices = graph.readers.indices.map { residualReader[$0] ? model.readerMatrix(graph.readers[$0]) : nil }
        readerProjection = readerMatrices
        readerProjectionTransposed = readerMatrices.map { $0?.transposed }
        readerProjectionRows = readerMatrices.map { $0.flatMap { SparseRows($0) } }
        let writerMatrices = graph.writers.indices.map { forms[$0] == .residual ? model.writerMatrix(graph.writers[$0]) : nil }
        writerProjection = writerMatrices
        writerProjectionTransposed = writerMatrices.map { $0?.transposed }
        writerProjectionRows = writerMatrices.map { $0.flatMap { SparseRows($0) } }
        var connections: [Connection] = [], dense: [Double] = []
        for edge in graph.edges {
            let wr = graph.writers[edge.writer], rd = graph.readers[edge.reader]
            let o = forms[edge.writer] == .residual ? nil : model.writerMatrix(wr)
            let w = residualReader[edge.reader] ? nil : model.readerMatrix(rd)
            let lookup = forms[edge.writer] == .lookup
            switch (o, w) {
            case (nil, nil): connections.append(.identity)
            case (let o?, nil): connections.append(EdgeMaskedModel.connection(o, lookup: lookup, into: &dense))
            case (nil, let w?): connections.append(EdgeMaskedModel.connection(w, lookup: false, into: &dense))
            case (let o?, let w?): connections.append(EdgeMaskedModel.connection(o.multiplied(by: w), lookup: lookup, into: &dense))
            }
        }
        self.connections = connections
        denseValues = dense
        var starts: [Int] = [], e = 0
        for reader in graph.readers {
            starts.append(e)
            e += graph.writerCount(before: reader)
        }
        readerEdgeStart = starts
        silent = graph.writers.map { w in
            guard case .head(let l, let h) = w else { return false }
            return model.layers[l].heads[h].value.isZero || model.layers[l].heads[h].output.isZero
        }
    }

    /// The connection through C, appending C and C^T to `dense` when it is dense.
    static func connection(_ c: Matrix, lookup: Bool, into dense: inout [Double]) -> Connection {
        if c.isZero { return .none }
        if !lookup, let rows = SparseRows(c) { return .sparse(rows) }
        let offset = dense.count
        dense.append(contentsOf: c.values)
        dense.append(contentsOf: c.transposed.values)
        return .dense(offset: offset, transposedOffset: offset + c.values.count)
    }

    public var readout: Readout { model.readout }
    var layers: Int { model.layers.count }
    var widestProjectedWriter: Int {
        writerNativeWidth.indices.filter { writerForm[$0] == .residual }.map { writerNativeWidth[$0] }.max() ?? 0
    }
    public var outputWidth: Int { model.outputWidth }
    public var causal: Bool { model.causal }
    public var outputReader: Int { graph.readers.count - 1 }
    var totalWriterWidth: Int { writerStart.last! }
    var totalReaderWidth: Int { readerStart.last! }
    var totalInputWidth: Int { inputStart.last! }

    /// The readers of head `h` of layer `l` (query, key, value), and of the MLP of layer `l`.
    func readers(ofHead l: Int, _ h: Int) -> (q: Int, k: Int, v: Int) {
        let base = l * (3 * graph.headSlots + 1) + 3 * h
        return (base, base + 1, base + 2)
    }

    func reader(ofMLP l: Int) -> Int { l * (3 * graph.headSlots + 1) + 3 * graph.headSlots }
    func writer(ofHead l: Int, _ h: Int) -> Int { 2 + l * (graph.headSlots + 1) + h }
    func writer(ofMLP l: Int) -> Int { 2 + l * (graph.headSlots + 1) + graph.headSlots }

    /// Values a tape holds per position (forward and backward buffers together).
    public func valuesPerPosition(length: Int) -> Int {
        2 * (totalWriterWidth + totalReaderWidth + totalInputWidth) + model.layers.count * model.headSlots * length
    }

    /// How many sequences of `length` positions a batch may hold, at most `preferred`, so that a tape
    /// and its backward buffers stay within 4 million values (32 MB).
    public func batchLimit(length: Int, preferred: Int) -> Int {
        max(1, min(preferred, 4_000_000 / max(1, length * valuesPerPosition(length: length))))
    }
}

/// What pruned edges carry instead of their writer's output (RASP.md 3.4).
public struct Ablation: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case zero, mean, resample }
    public var kind: Kind
    /// Writer blocks of the replacement outputs, laid out as a tape's writer arena: one row per position
    /// of the batch (resample) or per position of one sequence, shared by all (mean).
    public var values: [Double]
    /// Resample: the partner sequences' token ids, as the batch's.
    public var partnerTokens: [Int32]
    /// Mean: per position of one sequence, the frequency of each token id (`length x vocabulary`).
    public var tokenFrequencies: [Double]

    public static let zero = Ablation(kind: .zero, values: [], partnerTokens: [], tokenFrequencies: [])

    public init(kind: Kind, values: [Double], partnerTokens: [Int32], tokenFrequencies: [Double]) {
        self.kind = kind
        self.values = values
        self.partnerTokens = partnerTokens
        self.tokenFrequencies = tokenFrequencies
    }
}

/// Flat storage of doubles at a stable address, zeroed, owned by one tape or workspace: hot loops keep
/// its pointer for a whole pass.
public final class Buffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Double>

    public init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(1, count))
        pointer.initialize(repeating: 0, count: max(1, count))
    }

    deinit { pointer.deallocate() }

    public func zero() { pointer.update(repeating: 0, count: count) }
    public var array: [Double] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}

/// Everything the masked forward pass computes for one batch, kept for the backward pass.
public final class MaskedTape: @unchecked Sendable {
    public let count: Int
    public let length: Int
    public var positions: Int { count * length }
    /// The batch's token ids, and the attention logit scale of the pass.
    var tokens: [Int32]
    var attentionScale = 1.0
    /// Arenas: writer blocks, reader gathers, projected inputs (see `EdgeMaskedModel`); each block is
    /// `positions` rows of its width, starting at `positions * start`.
    let writers: Buffer
    let readers: Buffer
    let inputs: Buffer
    /// Attention probabilities, `positions x length` per head slot (layer-major).
    let attention: Buffer
    /// A component's own output before it is projected to the residual stream.
    let scratch: Buffer
    /// Which hidden units of each MLP fire at each position, for the sparse kernels.
    let firing: FiringUnits
    let outputStart: Int
    public let outputWidth: Int

    public init(model: EdgeMaskedModel, count: Int, length: Int) {
        self.count = count
        self.length = length
        let n = count * length
        tokens = [Int32](repeating: 0, count: n)
        writers = Buffer(count: n * model.totalWriterWidth)
        readers = Buffer(count: n * model.totalReaderWidth)
        inputs = Buffer(count: n * model.totalInputWidth)
        attention = Buffer(count: n * length * model.layers * model.graph.headSlots)
        scratch = Buffer(count: n * model.widestProjectedWriter)
        firing = FiringUnits(widths: model.mlpWidths, rows: n)
        outputStart = n * model.readerStart[model.outputReader]
        outputWidth = model.readerWidth[model.outputReader]
    }

    /// The logits, `count x length x outputs`, valid until the tape's next pass.
    public var logitPointer: UnsafePointer<Double> { UnsafePointer(readers.pointer + outputStart) }

    /// A copy of the logits.
    public var logits: [Double] { Array(UnsafeBufferPointer(start: logitPointer, count: positions * outputWidth)) }

    /// The writer blocks (the layout an ablation's `values` uses), as a copy.
    public var writerValues: [Double] { writers.array }
}
