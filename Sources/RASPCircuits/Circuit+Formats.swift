import RASPLanguage
import RASPModel

extension Circuit {
    /// The golden circuit as judged at `input`-node granularity (`tok` and `pos` one node): at every
    /// reader, both embeddings' edges take the stronger kind of the two (required over optional).
    public func mergingInput(graph: ComputeGraph) -> Circuit {
        var byKey: [String: Edge] = [:]
        for e in edges { byKey[e.key] = e }
        for r in graph.readers.indices {
            let reader = graph.readerName(r)
            let tok = byKey["tok -> \(reader)"], pos = byKey["pos -> \(reader)"]
            let kind: Kind? = tok?.kind == .required || pos?.kind == .required ? .required : (tok ?? pos)?.kind
            guard tok != nil || pos != nil else { continue }
            let carries = Array(Set((tok?.carries ?? []) + (pos?.carries ?? []))).sorted()
            for w in ["tok", "pos"] { byKey["\(w) -> \(reader)"] = Edge(from: w, to: reader, kind: kind, carries: carries) }
        }
        var c = self
        c.edges = Circuit.sorted(Array(byKey.values))
        c.mergedInput = true
        return c
    }

    /// The circuit's edges in another tool's format (RASP.md 3.9), for `rasp circuit --format`: the
    /// edges it keeps, required and optional (the required ones alone need not reproduce the outputs);
    /// EAP-IG lists every edge of the graph, `in_graph` for those.
    public func exported(as format: CircuitFormat, graph: ComputeGraph) -> String {
        switch format {
        case .rasp: return text
        case .eapIG: return EAPIGFormat.write(self, graph: graph).pretty()
        case .edgePruning:
            let reverse = Dictionary(uniqueKeysWithValues: EdgeListFormat.names.map { ($1, $0) })
            return JSON.array(kept.map { .array([.string(reverse[$0.from] ?? $0.from), .string(reverse[$0.to] ?? $0.to)]) }).pretty()
        case .acdc: return JSON.array(ACDCFormat.entries(of: kept, graph: graph)).pretty()
        }
    }
}

extension ACDCFormat {
    /// A TransformerLens hook and its index, as ACDC names one end of an edge.
    typealias ExportedHook = (name: String, index: [Int?])

    /// ACDC's entries for our edges, with the edges inside each component they pass through.
    static func entries(of edges: [Circuit.Edge], graph: ComputeGraph) -> [JSON] {
        var out: [JSON] = []
        var inside: Set<String> = []
        func entry(_ child: ExportedHook, _ parent: ExportedHook) -> JSON {
            let index: ([Int?]) -> JSON = { .array($0.map { $0.map(JSON.int) ?? .null }) }
            return .array([.array([.string(child.name), index(child.index), .string(parent.name), index(parent.index)]), .bool(true)])
        }
        for e in edges {
            guard let w = graph.writerIndex(named: e.from), let r = graph.readerIndex(named: e.to) else { continue }
            out.append(entry(hook(graph.readers[r], layers: graph.layers), hook(graph.writers[w])))
            for node in [e.from, e.to] { inside.insert(node) }
        }
        for node in inside.sorted() {
            let steps = graph.writerIndex(named: node).map { internalEdges(graph.writers[$0]) }
                ?? graph.readerIndex(named: node).map { internalEdges(graph.readers[$0]) } ?? []
            out += steps.map { entry($0.child, $0.parent) }
        }
        return out
    }

    /// The edges ACDC's graph has inside a component: a head's result from its q, k and v; an MLP's
    /// output from its input.
    static func internalEdges(_ writer: ComputeGraph.Writer) -> [(child: ExportedHook, parent: ExportedHook)] {
        switch writer {
        case .tokens, .positions: return []
        case .head(let l, let h):
            return ["q", "k", "v"].map { (("blocks.\(l).attn.hook_result", [nil, nil, h]), ("blocks.\(l).attn.hook_\($0)", [nil, nil, h])) }
        case .mlp(let l): return [(("blocks.\(l).hook_mlp_out", [nil]), ("blocks.\(l).hook_mlp_in", [nil]))]
        }
    }

    /// A head input's hook from its `_input` hook; an MLP input's as the MLP's own.
    static func internalEdges(_ reader: ComputeGraph.Reader) -> [(child: ExportedHook, parent: ExportedHook)] {
        switch reader {
        case .output: return []
        case .mlp(let l): return internalEdges(ComputeGraph.Writer.mlp(layer: l))
        case .query(let l, let h), .key(let l, let h), .value(let l, let h):
            let x = inputLetter(reader)
            return [(("blocks.\(l).attn.hook_\(x)", [nil, nil, h]), ("blocks.\(l).hook_\(x)_input", [nil, nil, h]))]
        }
    }

    static func inputLetter(_ reader: ComputeGraph.Reader) -> String {
        switch reader {
        case .query: return "q"
        case .key: return "k"
        case .value: return "v"
        case .mlp, .output: return ""
        }
    }

    static func hook(_ writer: ComputeGraph.Writer) -> ExportedHook {
        switch writer {
        case .tokens: return ("hook_embed", [nil])
        case .positions: return ("hook_pos_embed", [nil])
        case .head(let l, let h): return ("blocks.\(l).attn.hook_result", [nil, nil, h])
        case .mlp(let l): return ("blocks.\(l).hook_mlp_out", [nil])
        }
    }

    static func hook(_ reader: ComputeGraph.Reader, layers: Int) -> ExportedHook {
        switch reader {
        case .output: return ("blocks.\(layers - 1).hook_resid_post", [nil])
        case .mlp(let l): return ("blocks.\(l).hook_mlp_in", [nil])
        case .query(let l, let h), .key(let l, let h), .value(let l, let h): return ("blocks.\(l).hook_\(inputLetter(reader))_input", [nil, nil, h])
        }
    }
}
