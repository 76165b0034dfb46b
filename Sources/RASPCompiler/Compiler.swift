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
    /// `maximumWeights` values, stating the whole estimate and naming its largest part.
    static func checkSize(graph: CompileGraph, allocation: LayerAllocation, layout: ResidualLayout) throws(CompileError) {
        let parts = weightParts(graph: graph, allocation: allocation, layout: layout)
        let total = parts.reduce(0) { $0 + $1.weights }
        guard total > maximumWeights, let largest = parts.max(by: { $0.weights < $1.weights }) else { return }
        let what = describe(largest.subject, graph: graph, allocation: allocation, layout: layout)
        throw CompileError("the compiled model would have about \(grouped(total)) weights, more than the limit of \(grouped(maximumWeights)); the largest part is \(what) (\(grouped(largest.weights)) weights)", at: largest.location)
    }

    /// One part of the weight estimate: a head, one layer's MLP, or the embeddings. Only the largest
    /// part of a refused model is ever described, so the description is made then.
    struct WeightPart {
        enum Subject { case head(node: Int), mlp(layer: Int), embeddings }
        var weights: Int
        var subject: Subject
        var location: SourceLocation
    }

    static func describe(_ subject: WeightPart.Subject, graph: CompileGraph, allocation: LayerAllocation, layout: ResidualLayout) -> String {
        switch subject {
        case .head(let id): return "'\(graph.nodes[id].label)'"
        case .embeddings: return "the embeddings of the \(grouped(layout.width))-dimensional residual stream"
        case .mlp(let l):
            let labels = allocation.mlps[l].map { "'\(graph.nodes[$0].label)'" }
            return labels.count == 1 ? labels[0] : "the MLP of layer \(l) (m\(l)), which computes \(listed(labels))"
        }
    }

    /// The weights of every head and every layer's MLP, and of the matrices as wide as the residual stream.
    static func weightParts(graph: CompileGraph, allocation: LayerAllocation, layout: ResidualLayout) -> [WeightPart] {
        func width(_ id: Int) -> Int { layout.nodeDimensions[id].count }
        var parts: [WeightPart] = []
        for l in 0..<allocation.layerCount {
            for id in allocation.heads[l] {
                var w = 0
                switch graph.nodes[id].operation {
                case .aggregate(let s, let x): w = (width(s.queries) + 1) * (width(s.keys) + 1) + width(x) * width(id)
                case .selectorWidth(let s): w = (width(s.queries) + 1) * (width(s.keys) + 1) + 1
                default: break
                }
                parts.append(WeightPart(weights: w, subject: .head(node: id), location: graph.nodes[id].location))
            }
            if let mlp = mlpPart(layer: l, graph: graph, allocation: allocation, width: width) { parts.append(mlp) }
        }
        let embeddings = (graph.nodes.count + layout.width) * layout.width
        parts.append(WeightPart(weights: embeddings, subject: .embeddings, location: graph.nodes[graph.output].location))
        return parts
    }

    /// A layer's MLP blocks, combined in parallel into one dense pair of matrices.
    static func mlpPart(layer l: Int, graph: CompileGraph, allocation: LayerAllocation, width: (Int) -> Int) -> WeightPart? {
        var inputs = 0, hidden = 0, outputs = 0, largest = (weights: -1, node: 0)
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
        guard largest.weights >= 0 else { return nil }
        return WeightPart(weights: inputs * hidden + hidden * outputs, subject: .mlp(layer: l), location: graph.nodes[largest.node].location)
    }

    /// "'a'", "'a' and 'b'", "'a', 'b' and 'c'", "'a', 'b', 'c' and 4 more".
    static func listed(_ names: [String]) -> String {
        if names.count <= 3 { return names.dropLast().joined(separator: ", ") + (names.count > 1 ? " and " : "") + names.last! }
        return names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more"
    }
}
