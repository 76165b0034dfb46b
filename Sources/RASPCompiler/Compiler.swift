import RASPLanguage
import RASPModel

/// Compiles a checked program into a transformer (RASP.md 3.1).
public enum Compiler {
    public static let defaultColdness = 40.0

    public static func compile(_ program: Program, coldness: Double = defaultColdness) throws(CompileError) -> CompiledProgram {
        let graph = try CompileGraph(program: program)
        let allocation = LayerAllocation(graph: graph)
        let layout = ResidualLayout(graph: graph, program: program)
        try checkSize(graph: graph, allocation: allocation, layout: layout)
        let build = Constructions(graph: graph, layout: layout, coldness: coldness)
        let headSlots = allocation.heads.map(\.count).max() ?? 0
        let attentionDimensions = Set(layout.attentionDimension.values)

        var layers: [Transformer.Layer] = []
        var roles: [[CompiledProgram.HeadRole?]] = []
        for l in 0..<allocation.layerCount {
            var heads: [Transformer.AttentionHead?] = []
            var layerRoles: [CompiledProgram.HeadRole?] = []
            for id in allocation.heads[l] {
                let node = graph.nodes[id]
                switch node.operation {
                case .aggregate(let s, _):
                    heads.append(try build.aggregateHead(node: id))
                    layerRoles.append(.init(node: id, label: node.label, isSelectorWidth: false, hasConstantSelector: build.isConstant(s)))
                case .selectorWidth(let s):
                    heads.append(try build.selectorWidthHead(node: id))
                    layerRoles.append(.init(node: id, label: node.label, isSelectorWidth: true, hasConstantSelector: build.isConstant(s)))
                default:
                    preconditionFailure("a head for \(node.label)")
                }
            }
            while heads.count < headSlots {
                heads.append(nil)
                layerRoles.append(nil)
            }
            var blocks: [MLPBlock] = []
            for id in allocation.mlps[l] {
                var block = try build.mlpBlock(node: id)
                block.silenceAtBOS(one: layout.one, bos: layout.bos, attentionDimensions: attentionDimensions)
                blocks.append(block)
            }
            layers.append(Transformer.Layer(heads: heads, mlp: blocks.isEmpty ? nil : MLPBlock.parallel(blocks)))
            roles.append(layerRoles)
        }

        // Token embedding: `one` at every position (BOS included) and the token's one-hot.
        let tokenDims = layout.tokenDimensions
        var tokenEmbedding = Matrix(rows: program.vocab.count + 1, columns: layout.width)
        tokenEmbedding[0, layout.one] = 1
        tokenEmbedding[0, layout.bos] = 1
        for i in program.vocab.indices {
            tokenEmbedding[i + 1, layout.one] = 1
            tokenEmbedding[i + 1, tokenDims[i]] = 1
        }
        // Position embedding: nothing at BOS, `indices:(p-1)` at position p.
        let indexDims = layout.indexDimensions
        var positionEmbedding = Matrix(rows: program.maxSeqLen + 1, columns: layout.width)
        for p in 1...program.maxSeqLen { positionEmbedding[p, indexDims[p - 1]] = 1 }

        let model = Transformer(residualLabels: layout.labels, tokenEmbedding: tokenEmbedding, positionEmbedding: positionEmbedding,
                                layers: layers, headSlots: headSlots, causal: program.causal,
                                outputDimensions: layout.nodeDimensions[graph.output])
        return CompiledProgram(program: program, model: model, layout: layout, nodes: graph.nodes, outputNode: graph.output,
                               heads: roles, mlpNodes: allocation.mlps)
    }

    /// Most weights a compiled model may have (200 MB of doubles); past it compiling is refused.
    public static let maximumWeights = 25_000_000

    /// Refuses, before anything is allocated, a model whose matrices would hold more than
    /// `maximumWeights` values, naming the s-op that contributes most.
    static func checkSize(graph: CompileGraph, allocation: LayerAllocation, layout: ResidualLayout) throws(CompileError) {
        func width(_ id: Int) -> Int { layout.nodeDimensions[id].count }
        var total = 0, largest = (weights: 0, node: graph.output)
        for l in 0..<allocation.layerCount {
            for id in allocation.heads[l] {
                var w = 0
                switch graph.nodes[id].operation {
                case .aggregate(let s, let x): w = (width(s.queries) + 1) * (width(s.keys) + 1) + width(x) * width(id)
                case .selectorWidth(let s): w = (width(s.queries) + 1) * (width(s.keys) + 1) + 1
                default: break
                }
                total += w
                if w > largest.weights { largest = (w, id) }
            }
            // A layer's MLP blocks are combined in parallel into one dense pair of matrices.
            var inputs = 0, hidden = 0, outputs = 0
            for id in allocation.mlps[l] {
                let node = graph.nodes[id]
                let out = width(id)
                var i = 0, h = 0
                switch node.operation {
                case .map(_, let x):
                    let n = graph.nodes[x].values.count
                    (i, h) = graph.nodes[x].encoding == .numerical ? (3, 2 * n + 1) : (width(x) + 1, node.encoding == .numerical ? 2 : out)
                case .sequenceMap(_, let a, let b):
                    (i, h) = a == b ? (width(a) + 1, out) : (width(a) + width(b) + 2, width(a) * width(b))
                case .linearSequenceMap:
                    (i, h) = (3, 4)
                case .selectorWidth:
                    (i, h) = (3, 2 * node.values.count + 1)
                default:
                    break
                }
                inputs += i
                hidden += h
                outputs += out
                if i * h + h * out > largest.weights { largest = (i * h + h * out, id) }
            }
            total += inputs * hidden + hidden * outputs
        }
        total += (graph.nodes.count + layout.width) * layout.width
        if total > maximumWeights {
            let node = graph.nodes[largest.node]
            throw CompileError("the compiled model would have about \(total) weights (the limit is \(maximumWeights)); '\(node.label)' alone needs \(largest.weights)", at: node.location)
        }
    }
}
