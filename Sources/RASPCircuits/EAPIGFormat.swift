import RASPLanguage
import RASPModel

/// EAP-IG / MIB circuit JSON (RASP.md 3.9): `{"cfg": {...}, "nodes": {name: {"in_graph": b}},
/// "edges": {name: {"score": x, "in_graph": b}}}`, nodes `input`, `a{L}.h{H}`, `m{L}`, `logits`,
/// edges `input->a0.h0<q>`, `a0.h0->m0`, `m3->logits`. Its `input` node is `tok` and `pos` together,
/// so such a circuit is judged with the two merged (`Circuit.mergedInput`).
enum EAPIGFormat {
    static func read(_ json: JSON, program: String, graph: ComputeGraph) throws(Circuit.FormatError) -> Circuit {
        guard let edges = json["edges"]?.objectValue else { throw Circuit.FormatError(message: "missing \"edges\" (an object of edge names)") }
        let nodes = json["nodes"]?.objectValue ?? [:]
        func nodeIn(_ name: String) -> Bool { nodes[name]?["in_graph"]?.boolValue ?? true }
        var listed: [ForeignEdges.Edge] = []
        var merged = false
        for name in edges.keys.sorted() {
            let value = edges[name]!
            let parts = name.components(separatedBy: "->")
            guard parts.count == 2, let to = reader(parts[1]), let from = writers(parts[0]) else {
                throw Circuit.FormatError(message: "edge '\(name)': expected 'writer->reader' with writers input, a{L}.h{H}, m{L} "
                    + "and readers a{L}.h{H}<q|k|v>, m{L}, logits", otherGraph: true)
            }
            if value["in_graph"] != nil, value["in_graph"]?.boolValue == nil {
                throw Circuit.FormatError(message: "edge '\(name)': \"in_graph\" must be true or false")
            }
            let kept = (value["in_graph"]?.boolValue ?? true) && nodeIn(parts[0]) && nodeIn(readerNode(parts[1]))
            let score = value["score"]?.doubleValue
            merged = merged || parts[0] == "input"
            for f in from { listed.append(ForeignEdges.Edge(from: f, to: to, score: score, kept: kept)) }
        }
        return try ForeignEdges.circuit(listed, program: program, graph: graph, merged: merged)
    }

    /// Our writers for an EAP-IG writer name (`input` is both embeddings).
    static func writers(_ name: String) -> [String]? {
        if name == "input" { return ["tok", "pos"] }
        return name.hasPrefix("a") || name.hasPrefix("m") ? [name] : nil
    }

    static func reader(_ name: String) -> String? {
        if name == "logits" { return "out" }
        for x in ["q", "k", "v"] where name.hasSuffix("<\(x)>") { return String(name.dropLast(3)) + "." + x }
        return name.hasPrefix("m") ? name : nil
    }

    /// The node a reader belongs to (`a0.h0<q>` -> `a0.h0`).
    static func readerNode(_ name: String) -> String { name.firstIndex(of: "<").map { String(name[..<$0]) } ?? name }

    static func writerName(_ ours: String) -> String { ours == "tok" || ours == "pos" ? "input" : ours }

    static func readerName(_ ours: String) -> String {
        if ours == "out" { return "logits" }
        for x in ["q", "k", "v"] where ours.hasSuffix(".\(x)") { return String(ours.dropLast(2)) + "<\(x)>" }
        return ours
    }

    /// The golden circuit as EAP-IG JSON at `input`-node granularity: every edge of the merged graph,
    /// `in_graph` for the circuit's edges (an `input` edge when `tok` or `pos` is in it there), with
    /// score 1 in the graph and 0 outside it; nodes in the graph when an edge in the graph touches them.
    static func write(_ golden: Circuit, graph: ComputeGraph) -> JSON {
        let required = golden.edgeKeys
        var edges: [String: Bool] = [:]
        var nodesIn: Set<String> = []
        for i in graph.edges.indices {
            let (from, to) = graph.edgeName(i)
            let name = "\(writerName(from))->\(readerName(to))"
            let kept = (edges[name] ?? false) || required.contains("\(from) -> \(to)")
            edges[name] = kept
            if kept { nodesIn.insert(writerName(from)); nodesIn.insert(readerNode(readerName(to))) }
        }
        var nodes: [String: JSON] = ["input": .object(["in_graph": .bool(nodesIn.contains("input"))]),
                                     "logits": .object(["in_graph": .bool(nodesIn.contains("logits"))])]
        for w in graph.writers.indices.dropFirst(2) {
            let n = graph.writerName(w)
            nodes[n] = .object(["in_graph": .bool(nodesIn.contains(n))])
        }
        return .object([
            "cfg": .object(["n_layers": .int(graph.layers), "n_heads": .int(graph.headSlots), "parallel_attn_mlp": .bool(false)]),
            "nodes": .object(nodes),
            "edges": .object(edges.mapValues { .object(["score": .double($0 ? 1 : 0), "in_graph": .bool($0)]) }),
        ])
    }
}
