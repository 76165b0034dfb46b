import RASPLanguage
import RASPModel

/// A program compiled to a transformer, with what is needed to read it: the residual layout, which
/// component computes which s-op, and how to encode inputs and decode outputs.
public struct CompiledProgram: Sendable {
    /// What occupies one head slot of one layer.
    public struct HeadRole: Sendable {
        /// The compile node the head computes (an aggregate or a selector width).
        public var node: Int
        public var label: String
        public var isSelectorWidth: Bool
        /// The head's selector selects all keys or none for every query (`true`, `false`).
        public var hasConstantSelector: Bool
    }

    public var program: Program
    public var model: Transformer
    public var layout: ResidualLayout
    public var nodes: [CompileNode]
    public var outputNode: Int
    /// Per layer, per head slot: the head's role, or nil for an empty slot.
    public var heads: [[HeadRole?]]
    /// Per layer, the compile nodes whose MLPs form the layer's MLP.
    public var mlpNodes: [[Int]]
    /// The program's tokens in id order (id 0 is BOS, so token i has id i + 1).
    public var tokens: [Value]
    private var tokenIds: [Value: Int32]

    init(program: Program, model: Transformer, layout: ResidualLayout, nodes: [CompileNode], outputNode: Int,
         heads: [[HeadRole?]], mlpNodes: [[Int]]) {
        self.program = program
        self.model = model
        self.layout = layout
        self.nodes = nodes
        self.outputNode = outputNode
        self.heads = heads
        self.mlpNodes = mlpNodes
        self.tokens = program.vocab
        var ids: [Value: Int32] = [:]
        for (i, v) in program.vocab.enumerated() { ids[v] = Int32(i + 1) }
        self.tokenIds = ids
    }

    public var layerCount: Int { model.layers.count }
    public var headsPerLayer: [Int] { heads.map { $0.compactMap { $0 }.count } }
    public var mlpHiddenPerLayer: [Int] { model.layers.map { $0.mlp?.hidden ?? 0 } }
    public var outputIsNumerical: Bool { nodes[outputNode].encoding == .numerical }

    /// The token ids of an input with BOS first.
    public func encode(_ input: [Value]) -> [Int32] {
        [0] + input.map { tokenIds[$0] ?? 0 }
    }

    /// Batches of same-length inputs, in the order given (their positions in `inputs` alongside).
    public func batches(_ inputs: [[Value]]) -> [(batch: TokenBatch, indices: [Int])] {
        var byLength: [Int: [Int]] = [:]
        for (i, x) in inputs.enumerated() { byLength[x.count, default: []].append(i) }
        return byLength.keys.sorted().map { n in
            let members = byLength[n]!
            var tokens: [Int32] = []
            tokens.reserveCapacity(members.count * (n + 1))
            for i in members { tokens += encode(inputs[i]) }
            return (TokenBatch(tokens: tokens, count: members.count, length: n + 1), members)
        }
    }

    /// Decodes one position of the output block: the number (numerical), the value of the largest
    /// one-hot entry (categorical), or `none` when the block is all near zero.
    public func decode(_ block: UnsafeBufferPointer<Double>) -> Value {
        decode(block, node: outputNode)
    }

    /// Decodes one position of compile node `node`'s block of residual dimensions (in the order of
    /// `layout.nodeDimensions[node]`) by the same rule as the output.
    public func decode(_ block: UnsafeBufferPointer<Double>, node: Int) -> Value {
        if nodes[node].encoding == .numerical { return .real(block[0]) }
        let best = Readout.compiledCategorical.category(block.baseAddress!, width: block.count)
        return best < 0 ? .none : nodes[node].values.values[best]
    }

    /// Decodes every non-BOS position of a batch's output array.
    public func decode(outputs: [Double], batch: TokenBatch) -> [[Value]] {
        let o = model.outputDimensions.count
        return outputs.withUnsafeBufferPointer { all in
            (0..<batch.count).map { b in
                (1..<batch.length).map { p in
                    decode(UnsafeBufferPointer(rebasing: all[((b * batch.length + p) * o)..<((b * batch.length + p + 1) * o)]))
                }
            }
        }
    }

    /// The readout of the output s-op: numerical, or categorical with `none` below 1/2.
    public var readout: Readout { outputIsNumerical ? .compiledNumerical : .compiledCategorical }

    /// The compiled weights on the full residual stream: the `compiled` variant.
    public var dense: DenseTransformer { DenseTransformer(compact: model, readout: readout) }

    /// Runs a model of this program (the compiled one unless another variant is given) on inputs and
    /// decodes its outputs (one array per input, without BOS).
    public func run(_ inputs: [[Value]], on masked: EdgeMaskedModel? = nil) -> [[Value]] {
        let runner = masked ?? EdgeMaskedModel(model: dense)
        var results = [[Value]](repeating: [], count: inputs.count)
        for (batch, members) in batches(inputs) {
            let decoded = decode(outputs: runner.outputs(batch), batch: batch)
            for (k, i) in members.enumerated() { results[i] = decoded[k] }
        }
        return results
    }
}
