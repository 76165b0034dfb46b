import Foundation
import RASPLanguage
import RASPModel

/// Circuit files of other tools (RASP.md 3.9), read into ours: EAP-IG / MIB JSON, the Edge Pruning
/// reference's edge lists, and ACDC's edges in TransformerLens hook names. Edges a file does not list,
/// or marks `in_graph: false`, are not in the circuit.
public enum CircuitFormat: String, CaseIterable, Sendable {
    case rasp
    case eapIG = "eap-ig"
    case edgePruning = "edge-pruning"
    case acdc

    /// The format of a file's text (`json`, when it is JSON): ours by its tag, EAP-IG by its `nodes` and
    /// `edges` objects, ACDC by its hook names, else an edge list.
    public static func detect(_ text: String, json: JSON? = nil) -> CircuitFormat {
        if let json = json ?? (try? JSON.parse(text)) {
            if json["format"] != nil { return .rasp }
            if json["edges"]?.objectValue != nil || json["nodes"]?.objectValue != nil { return .eapIG }
        }
        return text.contains("hook_") ? .acdc : (text.contains("\"format\"") ? .rasp : .edgePruning)
    }
}

extension Circuit {
    /// Reads a circuit file of any format of `CircuitFormat` (detected when `format` is nil) for
    /// `program` on `graph`. Foreign files carry no program name: they are taken to be `program`'s.
    /// The text is parsed as JSON once, for detection and reading alike.
    public static func read(_ text: String, format: CircuitFormat?, program: String, graph: ComputeGraph) throws(FormatError) -> Circuit {
        let json = try? JSON.parse(text)
        switch format ?? CircuitFormat.detect(text, json: json) {
        case .rasp: return try parse(json: try parsed(json, text), graph: graph)
        case .eapIG: return try EAPIGFormat.read(try parsed(json, text), program: program, graph: graph)
        case .edgePruning: return try ForeignEdges.circuit(try EdgeListFormat.read(text, json: json), program: program, graph: graph, merged: false)
        case .acdc: return try ForeignEdges.circuit(try ACDCFormat.read(text, json: json), program: program, graph: graph, merged: false)
        }
    }
}

extension Circuit {
    /// The text's JSON, already parsed when `json` is given, else why it is not JSON.
    fileprivate static func parsed(_ json: JSON?, _ text: String) throws(FormatError) -> JSON {
        if let json { return json }
        return try Circuit.json(text)
    }
}

/// Edges named by another tool, translated to ours, made into a circuit of the graph.
enum ForeignEdges {
    struct Edge {
        var from: String
        var to: String
        var score: Double?
        var kept: Bool
    }

    /// A circuit listing every edge of `graph`, each kept when the file keeps it; `merged` says the file
    /// had one `input` node for `tok` and `pos` (its edges arrive here as both).
    static func circuit(_ listed: [Edge], program: String, graph: ComputeGraph, merged: Bool) throws(Circuit.FormatError) -> Circuit {
        var byKey: [String: Edge] = [:]
        for e in listed {
            guard graph.edge(from: e.from, to: e.to) != nil else {
                throw Circuit.FormatError(message: "edge \(e.from) -> \(e.to) is not an edge of the model's graph "
                    + "(\(counted(graph.layers, "layer")), \(counted(graph.headSlots, "head")) per layer)", otherGraph: true)
            }
            let key = "\(e.from) -> \(e.to)"
            var combined = e
            if let old = byKey[key] { combined.kept = old.kept || e.kept; combined.score = old.score ?? e.score }
            byKey[key] = combined
        }
        let hasScores = listed.contains { $0.score != nil }
        let edges = graph.edges.indices.map { i -> Circuit.Edge in
            let (from, to) = graph.edgeName(i)
            let e = byKey["\(from) -> \(to)"]
            return Circuit.Edge(from: from, to: to, score: hasScores ? (e?.score ?? -Double.infinity) : nil, inCircuit: e?.kept ?? false)
        }
        var c = Circuit(program: program, graph: graph, edges: edges)
        c.mergedInput = merged
        return c
    }
}

/// The Edge Pruning reference's edge lists: a JSON array of `[from, to]` pairs or of `"from -> to"`
/// strings, or text with one edge a line (`from -> to` or `from to`), in its names (`token_embeds`,
/// `pos_embeds`, `resid_post`) or ours.
enum EdgeListFormat {
    static let names = ["token_embeds": "tok", "pos_embeds": "pos", "resid_post": "out"]

    static func read(_ text: String, json: JSON?) throws(Circuit.FormatError) -> [ForeignEdges.Edge] {
        var pairs: [(String, String)] = []
        if let json {
            guard let list = json.arrayValue ?? json["edges"]?.arrayValue else {
                throw Circuit.FormatError(message: "an edge list is a JSON array of [from, to] pairs or \"from -> to\" strings")
            }
            for (i, item) in list.enumerated() {
                if let pair = item.arrayValue, pair.count >= 2, let a = pair[0].stringValue, let b = pair[1].stringValue {
                    pairs.append((a, b))
                } else if let s = item.stringValue, let pair = split(s) {
                    pairs.append(pair)
                } else {
                    throw Circuit.FormatError(message: "edge \(i + 1) of the list is neither [from, to] nor \"from -> to\"")
                }
            }
        } else {
            for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                guard let pair = split(trimmed) else { throw Circuit.FormatError(message: "line \(n + 1): expected 'from -> to'") }
                pairs.append(pair)
            }
        }
        return pairs.map { ForeignEdges.Edge(from: names[$0.0] ?? $0.0, to: names[$0.1] ?? $0.1, score: nil, kept: true) }
    }

    static func split(_ s: String) -> (String, String)? {
        let parts = s.contains("->") ? s.components(separatedBy: "->") : s.split(separator: " ").map(String.init)
        let names = parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return names.count == 2 ? (names[0], names[1]) : nil
    }
}
