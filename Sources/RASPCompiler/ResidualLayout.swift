import RASPLanguage
import RASPModel

/// The named dimensions of the residual stream: `one`, the token and index one-hots, then the
/// dimensions of every compiled s-op (one per value if categorical, one if numerical), and one internal
/// dimension per selector width for its attention output.
public struct ResidualLayout: Sendable {
    public private(set) var labels: [String] = []
    /// What an edge reading the dimension carries: an s-op's label, or `one`, `bos`, `tokens`, `indices`.
    public private(set) var carriers: [String] = []
    /// The compile node whose values the dimension encodes (nil for `one` and `bos`).
    public private(set) var nodeOfDimension: [Int?] = []

    public private(set) var one = 0
    public private(set) var bos = 0
    /// Dimensions of each compile node: one per value (categorical) or one (numerical); empty if not compiled.
    public private(set) var nodeDimensions: [[Int]] = []
    /// The attention-output dimension of each selector width.
    public private(set) var attentionDimension: [Int: Int] = [:]

    init(graph: CompileGraph, program: Program) {
        nodeDimensions = Array(repeating: [], count: graph.nodes.count)
        one = add("one", carrier: "one", node: nil)
        bos = add("tokens:BOS", carrier: "bos", node: nil)
        for (id, node) in graph.nodes.enumerated() {
            switch node.operation {
            case .tokens:
                nodeDimensions[id] = program.vocab.map { add("tokens:\($0)", carrier: "tokens", node: id) }
            case .indices:
                nodeDimensions[id] = (0..<program.maxSeqLen).map { add("indices:\($0)", carrier: "indices", node: id) }
            default:
                if node.encoding == .numerical {
                    nodeDimensions[id] = [add(node.label, carrier: node.label, node: id)]
                } else {
                    nodeDimensions[id] = node.values.values.map { add("\(node.label):\($0)", carrier: node.label, node: id) }
                }
                if case .selectorWidth = node.operation {
                    attentionDimension[id] = add("\(node.label)_selector_width_attn_output", carrier: node.label, node: id)
                }
            }
        }
        // tokens and indices always exist, even when the output does not read them.
        if !graph.nodes.contains(where: { if case .tokens = $0.operation { return true } else { return false } }) {
            _ = program.vocab.map { add("tokens:\($0)", carrier: "tokens", node: nil) }
        }
        if !graph.nodes.contains(where: { if case .indices = $0.operation { return true } else { return false } }) {
            _ = (0..<program.maxSeqLen).map { add("indices:\($0)", carrier: "indices", node: nil) }
        }
    }

    private mutating func add(_ label: String, carrier: String, node: Int?) -> Int {
        labels.append(label)
        carriers.append(carrier)
        nodeOfDimension.append(node)
        return labels.count - 1
    }

    public var width: Int { labels.count }

    /// The token one-hot dimensions (in vocab order), wherever the layout put them.
    var tokenDimensions: [Int] { labels.indices.filter { carriers[$0] == "tokens" } }
    var indexDimensions: [Int] { labels.indices.filter { carriers[$0] == "indices" } }
}

/// An MLP for one s-op, on residual dimensions; a layer's blocks are combined in parallel.
struct MLPBlock {
    var inputs: [Int]
    var outputs: [Int]
    var w1: Matrix
    var w2: Matrix

    init(inputs: [Int], outputs: [Int], hidden: Int) {
        self.inputs = inputs
        self.outputs = outputs
        w1 = Matrix(rows: inputs.count, columns: hidden)
        w2 = Matrix(rows: hidden, columns: outputs.count)
    }

    /// Sets every hidden unit that could fire at BOS to stay silent there: at BOS the residual holds
    /// `one` = 1, `tokens:BOS` = 1, attention outputs of selector widths in [0, 1], and zero elsewhere,
    /// so a unit's pre-activation at BOS is at most `bound`; the unit gets `-bound` from `tokens:BOS`.
    /// Downstream heads then see no s-op values at the BOS position, which their default relies on.
    mutating func silenceAtBOS(one: Int, bos: Int, attentionDimensions: Set<Int>) {
        var bounds = [Double](repeating: 0, count: w1.columns)
        for (i, dim) in inputs.enumerated() {
            for h in 0..<w1.columns {
                let w = w1[i, h]
                if dim == one || dim == bos { bounds[h] += w } else if attentionDimensions.contains(dim) { bounds[h] += max(w, 0) }
            }
        }
        guard bounds.contains(where: { $0 > 0 }) else { return }
        var row = inputs.firstIndex(of: bos)
        if row == nil {
            inputs.append(bos)
            var grown = Matrix(rows: w1.rows + 1, columns: w1.columns)
            grown.values.replaceSubrange(0..<w1.values.count, with: w1.values)
            w1 = grown
            row = inputs.count - 1
        }
        for h in 0..<w1.columns where bounds[h] > 0 { w1[row!, h] -= bounds[h] }
    }

    /// Combines blocks in parallel: hidden units are concatenated, inputs and outputs merged.
    static func parallel(_ blocks: [MLPBlock]) -> Transformer.MLP {
        let inputs = Array(Set(blocks.flatMap(\.inputs))).sorted()
        let outputs = Array(Set(blocks.flatMap(\.outputs))).sorted()
        let hidden = blocks.reduce(0) { $0 + $1.w1.columns }
        var w1 = Matrix(rows: inputs.count, columns: hidden)
        var w2 = Matrix(rows: hidden, columns: outputs.count)
        let inputRow = Dictionary(uniqueKeysWithValues: inputs.enumerated().map { ($1, $0) })
        let outputColumn = Dictionary(uniqueKeysWithValues: outputs.enumerated().map { ($1, $0) })
        var offset = 0
        for b in blocks {
            for (i, dim) in b.inputs.enumerated() {
                for h in 0..<b.w1.columns { w1[inputRow[dim]!, offset + h] += b.w1[i, h] }
            }
            for h in 0..<b.w2.rows {
                for (o, dim) in b.outputs.enumerated() { w2[offset + h, outputColumn[dim]!] += b.w2[h, o] }
            }
            offset += b.w1.columns
        }
        return Transformer.MLP(inputs: inputs, outputs: outputs, w1: w1, w2: w2).droppingUnreadInputs()
    }
}

extension Transformer.MLP {
    /// Removes input dimensions whose row of W1 is zero, so `inputs` lists exactly what the MLP reads.
    func droppingUnreadInputs() -> Transformer.MLP {
        let keep = (0..<w1.rows).filter { w1.rowIsNonzero($0) }
        if keep.count == w1.rows { return self }
        var m = Matrix(rows: keep.count, columns: w1.columns)
        for (r, old) in keep.enumerated() { for c in 0..<w1.columns { m[r, c] = w1[old, c] } }
        return Transformer.MLP(inputs: keep.map { inputs[$0] }, outputs: outputs, w1: m, w2: w2)
    }
}

extension Transformer.AttentionHead {
    /// Removes query and key dimensions with zero rows/columns of W_QK and value dimensions with zero
    /// rows of W_OV, so the head's inputs list exactly what it reads.
    func droppingUnreadInputs() -> Transformer.AttentionHead {
        let q = (0..<wQK.rows).filter { wQK.rowIsNonzero($0) }
        let k = (0..<wQK.columns).filter { wQK.columnIsNonzero($0) }
        let v = (0..<wOV.rows).filter { wOV.rowIsNonzero($0) }
        var qk = Matrix(rows: q.count, columns: k.count)
        for (i, r) in q.enumerated() { for (j, c) in k.enumerated() { qk[i, j] = wQK[r, c] } }
        var ov = Matrix(rows: v.count, columns: wOV.columns)
        for (i, r) in v.enumerated() { for c in 0..<wOV.columns { ov[i, c] = wOV[r, c] } }
        return Transformer.AttentionHead(queryInputs: q.map { queryInputs[$0] }, keyInputs: k.map { keyInputs[$0] },
                                         valueInputs: v.map { valueInputs[$0] }, outputs: outputs, wQK: qk, wOV: ov)
    }
}
