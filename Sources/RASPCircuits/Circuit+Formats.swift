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
        case .acdc: return JSON.array(ACDCFormat.entries(of: kept, layers: graph.layers)).pretty()
        }
    }
}

extension ACDCFormat {
    /// ACDC's entries for our edges, with the edges inside each component they pass through.
    static func entries(of edges: [Circuit.Edge], layers: Int) -> [JSON] {
        var out: [JSON] = []
        var inside: Set<String> = []
        func entry(_ child: (String, [Int?]), _ parent: (String, [Int?])) -> JSON {
            let index: ([Int?]) -> JSON = { .array($0.map { $0.map(JSON.int) ?? .null }) }
            return .array([.array([.string(child.0), index(child.1), .string(parent.0), index(parent.1)]), .bool(true)])
        }
        for e in edges {
            guard let parent = hook(writer: e.from), let child = hook(reader: e.to, layers: layers) else { continue }
            out.append(entry(child, parent))
            for node in [e.from, e.to] { inside.insert(node) }
        }
        for node in inside.sorted() {
            let parts = node.split(separator: ".")
            guard let l = Int(parts[0].dropFirst()) else { continue }
            if parts.count == 1, parts[0].hasPrefix("m") {
                out.append(entry(("blocks.\(l).hook_mlp_out", [nil]), ("blocks.\(l).hook_mlp_in", [nil])))
            } else if parts.count >= 2, let h = Int(parts[1].dropFirst()) {
                let head: [Int?] = [nil, nil, h]
                if parts.count == 2 {
                    for x in ["q", "k", "v"] { out.append(entry(("blocks.\(l).attn.hook_result", head), ("blocks.\(l).attn.hook_\(x)", head))) }
                } else {
                    out.append(entry(("blocks.\(l).attn.hook_\(parts[2])", head), ("blocks.\(l).hook_\(parts[2])_input", head)))
                }
            }
        }
        return out
    }

    static func hook(writer: String) -> (String, [Int?])? {
        if writer == "tok" { return ("hook_embed", [nil]) }
        if writer == "pos" { return ("hook_pos_embed", [nil]) }
        let parts = writer.split(separator: ".")
        guard let l = Int(parts[0].dropFirst()) else { return nil }
        if parts.count == 2, let h = Int(parts[1].dropFirst()) { return ("blocks.\(l).attn.hook_result", [nil, nil, h]) }
        return ("blocks.\(l).hook_mlp_out", [nil])
    }

    static func hook(reader: String, layers: Int) -> (String, [Int?])? {
        if reader == "out" { return ("blocks.\(layers - 1).hook_resid_post", [nil]) }
        let parts = reader.split(separator: ".")
        guard let l = Int(parts[0].dropFirst()) else { return nil }
        if parts.count == 3, let h = Int(parts[1].dropFirst()) { return ("blocks.\(l).hook_\(parts[2])_input", [nil, nil, h]) }
        return ("blocks.\(l).hook_mlp_in", [nil])
    }
}
