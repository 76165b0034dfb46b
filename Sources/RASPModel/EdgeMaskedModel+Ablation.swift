/// What pruned edges carry, built from the full model (RASP.md 3.4).
extension EdgeMaskedModel {
    /// Every mask 1: the full model.
    public var allEdges: [Double] { [Double](repeating: 1, count: graph.edges.count) }

    /// Resample ablation: every writer's output on the partner sequences (one partner per sequence of
    /// the batch, same length), run through the full model on `tape`.
    public func resampleAblation(partners: TokenBatch, tape: MaskedTape) -> Ablation {
        forward(partners, masks: allEdges, ablation: .zero, tape: tape)
        return Ablation(kind: .resample, values: tape.writerValues, partnerTokens: partners.tokens, tokenFrequencies: [])
    }

    /// Mean ablation: every writer's mean output over the sequences of `batches` (all of one length),
    /// position by position, and the frequency of each token id at each position.
    public func meanAblation(_ batches: [TokenBatch]) -> Ablation {
        guard let t = batches.first?.length else { return .zero }
        let vocabulary = model.vocabularySize
        var sums = [Double](repeating: 0, count: t * totalWriterWidth)
        var frequencies = [Double](repeating: 0, count: t * vocabulary)
        var sequences = 0
        for batch in batches {
            precondition(batch.length == t, "a mean ablation is taken over sequences of one length")
            let tape = MaskedTape(model: self, count: batch.count, length: t)
            forward(batch, masks: allEdges, ablation: .zero, tape: tape)
            let n = batch.count * t
            for w in graph.writers.indices where writerWidth[w] > 0 {
                let width = writerWidth[w], block = tape.writers.pointer + n * writerStart[w]
                for b in 0..<batch.count {
                    for i in 0..<(t * width) { sums[t * writerStart[w] + i] += block[b * t * width + i] }
                }
            }
            for (i, id) in batch.tokens.enumerated() { frequencies[(i % t) * vocabulary + Int(id)] += 1 }
            sequences += batch.count
        }
        let scale = 1 / Double(max(1, sequences))
        return Ablation(kind: .mean, values: sums.map { $0 * scale }, partnerTokens: [], tokenFrequencies: frequencies.map { $0 * scale })
    }
}

extension EdgeMaskedModel {
    /// The residual stream a full forward pass leaves in `tape` after the embeddings and the first
    /// `layers` layers (`positions x width`): the sum of those writers' outputs y_w = z_w O_w.
    public func residualStream(_ tape: MaskedTape, layers: Int) -> [Double] {
        let n = tape.positions, t = tape.length, d = model.width
        let out = Buffer(count: n * d)
        let last = 2 + min(layers, model.layers.count) * (graph.headSlots + 1)
        for w in 0..<last {
            let o = model.writerMatrix(graph.writers[w])
            o.values.withUnsafeBufferPointer { ob in
                switch writerForm[w] {
                case .lookup:
                    for p in 0..<n {
                        let row = w == 0 ? Int(tape.tokens[p]) : p % t
                        Kernel.axpy(ob.baseAddress! + row * d, out.pointer + p * d, d, scale: 1)
                    }
                case .native:
                    Kernel.multiplyAdd(tape.writers.pointer + n * writerStart[w], ob.baseAddress!, out.pointer, rows: n, inner: o.rows, columns: d)
                case .residual:
                    Kernel.axpy(tape.writers.pointer + n * writerStart[w], out.pointer, n * d, scale: 1)
                }
            }
        }
        return out.array
    }
}

extension EdgeMaskedModel {
    /// Values a batch's writer arena holds per sequence of `length` positions.
    public func arenaValues(length: Int) -> Int { length * totalWriterWidth }

    /// The full model's writer arena for the whole batch (as a tape of `batch.count` sequences would
    /// lay it out), computed in chunks of at most `chunk` sequences.
    public func writerArena(_ batch: TokenBatch, chunk: Int = 256) -> [Double] {
        let t = batch.length, n = batch.count * t
        var arena = [Double](repeating: 0, count: n * totalWriterWidth)
        var start = 0
        while start < batch.count {
            let range = start..<min(batch.count, start + batchLimit(length: t, preferred: chunk))
            let tape = MaskedTape(model: self, count: range.count, length: t)
            forward(batch.slice(range), masks: allEdges, ablation: .zero, tape: tape)
            let m = range.count * t
            for w in graph.writers.indices where writerWidth[w] > 0 {
                let width = writerWidth[w]
                for i in 0..<(m * width) { arena[n * writerStart[w] + range.lowerBound * t * width + i] = tape.writers.pointer[m * writerStart[w] + i] }
            }
            start = range.upperBound
        }
        return arena
    }

    /// A resample ablation for sequences `range` of a batch of `count` sequences whose partners'
    /// writer arena is `arena` (from `writerArena`) and whose partner token ids are `partnerTokens`.
    public func resampleAblation(arena: [Double], count: Int, length t: Int, range: Range<Int>, partnerTokens: [Int32]) -> Ablation {
        let n = count * t, m = range.count * t
        var values = [Double](repeating: 0, count: m * totalWriterWidth)
        for w in graph.writers.indices where writerWidth[w] > 0 {
            let width = writerWidth[w]
            let from = n * writerStart[w] + range.lowerBound * t * width, to = m * writerStart[w]
            values.replaceSubrange(to..<(to + m * width), with: arena[from..<(from + m * width)])
        }
        return Ablation(kind: .resample, values: values, partnerTokens: Array(partnerTokens[(range.lowerBound * t)..<(range.upperBound * t)]),
                        tokenFrequencies: [])
    }
}
