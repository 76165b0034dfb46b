/// tracr's layer allocation (`craft_graph_to_model._allocate_modules_to_layers`): each s-op's depth is
/// the longest path from `tokens`/`indices` counting s-ops (selectors pass depth through); a level of only
/// attention followed by a level of only MLPs is condensed into one layer; depth d then occupies the
/// attention sub-layer of layer d-1 and, for MLPs, its MLP sub-layer. A selector width takes both.
/// Heads in a layer are ordered as tracr orders them: breadth-first from the output.
struct LayerAllocation {
    var layerCount = 0
    /// Per layer, the nodes computed by its heads (in head order) and by its MLP.
    var heads: [[Int]] = []
    var mlps: [[Int]] = []
    /// The layer of each component node.
    var layerOfNode: [Int: Int] = [:]

    init(graph: CompileGraph) {
        let nodes = graph.nodes
        // Breadth-first order from the output, as tracr inserts nodes into its graph.
        var order: [Int] = []
        var seen = Set<Int>()
        var queue = [graph.output]
        seen.insert(graph.output)
        var head = 0
        while head < queue.count {
            let id = queue[head]
            head += 1
            order.append(id)
            for c in nodes[id].children where seen.insert(c).inserted { queue.append(c) }
        }
        // Longest path from the sources; nodes only read earlier nodes, so one pass in id order.
        var depth = [Int](repeating: 0, count: nodes.count)
        for (id, node) in nodes.enumerated() where !node.isPrimitive {
            depth[id] = 1 + (node.children.map { depth[$0] }.max() ?? 0)
        }
        let components = order.filter { nodes[$0].component != .none }
        guard !components.isEmpty else { return }
        var byDepth: [Int: [Int]] = [:]
        for id in components { byDepth[depth[id], default: []].append(id) }
        // Condense: attention-only level followed by an MLP-only level.
        let minDepth = byDepth.keys.min()!
        var maxDepth = byDepth.keys.max()!
        var d = minDepth
        while d < maxDepth {
            let attentionOnly = (byDepth[d] ?? []).allSatisfy { nodes[$0].component == .attention }
            let mlpOnly = (byDepth[d + 1] ?? []).allSatisfy { nodes[$0].component == .mlp }
            if attentionOnly && mlpOnly {
                for u in (d + 1)...maxDepth {
                    for id in byDepth[u] ?? [] { depth[id] = u - 1 }
                    byDepth[u - 1, default: []].append(contentsOf: byDepth[u] ?? [])
                    byDepth[u] = []
                }
                maxDepth -= 1
            }
            d += 1
        }
        // Depth d (from 1) is layer d - 1. Stable order: by depth, then breadth-first order.
        let sorted = components.enumerated().sorted { a, b in
            depth[a.element] != depth[b.element] ? depth[a.element] < depth[b.element] : a.offset < b.offset
        }.map(\.element)
        layerCount = components.map { depth[$0] }.max()!
        heads = Array(repeating: [], count: layerCount)
        mlps = Array(repeating: [], count: layerCount)
        for id in sorted {
            let layer = depth[id] - 1
            layerOfNode[id] = layer
            switch nodes[id].component {
            case .attention: heads[layer].append(id)
            case .mlp: mlps[layer].append(id)
            case .attentionAndMLP:
                heads[layer].append(id)
                mlps[layer].append(id)
            case .none: break
            }
        }
        // tracr counts layers up to the last one that holds a block.
        while let last = heads.indices.last, heads[last].isEmpty, mlps[last].isEmpty {
            heads.removeLast()
            mlps.removeLast()
            layerCount -= 1
        }
    }
}
