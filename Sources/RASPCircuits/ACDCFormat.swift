import Foundation
import RASPLanguage
import RASPModel

/// ACDC's edges in TransformerLens hook names, as `acdc/tracr_task/utils.py` lists them:
/// `((child_hook, child_index, parent_hook, parent_index), present)`, e.g.
/// `(("blocks.3.hook_resid_post", (None,), "blocks.3.attn.hook_result", (None, None, 0)), True)`.
/// Read from JSON (a list of such entries, tuples as arrays, None as null, or entries of four or five
/// items) or from the Python text itself (`OrderedDict([...])` included).
///
/// Writers: `hook_embed` (tok), `hook_pos_embed` (pos), `blocks.L.attn.hook_result` [H] (aL.hH),
/// `blocks.L.hook_mlp_out` (mL). Readers: `blocks.L.hook_q_input` [H] (and k, v), `blocks.L.hook_mlp_in`,
/// `blocks.L.hook_resid_post` of the last layer (out). ACDC's edges inside a component (`hook_q_input`
/// -> `hook_q` -> `hook_result`, `hook_mlp_in` -> `hook_mlp_out`) are not edges of our graph; when a file
/// lists any, an edge into a component's input counts only if the edges inside carry it on.
enum ACDCFormat {
    struct Hook: Hashable {
        var name: String
        var head: Int?
    }

    static func read(_ text: String, json: JSON?) throws(Circuit.FormatError) -> [ForeignEdges.Edge] {
        let entries = try self.entries(text, json: json)
        var crossing: [(parent: Hook, child: Hook)] = []
        var inside: Set<[Hook]> = []
        for (parent, child, present) in entries where present {
            if isInternal(parent: parent.name, child: child.name) { inside.insert([parent, child]) } else { crossing.append((parent, child)) }
        }
        var edges: [ForeignEdges.Edge] = []
        for edge in crossing {
            guard let from = writer(edge.parent), let to = reader(edge.child) else {
                throw Circuit.FormatError(message: "ACDC edge \(edge.child.name) <- \(edge.parent.name): not a hook of our graph", otherGraph: true)
            }
            if inside.isEmpty || carriedOn(edge.child, inside) { edges.append(ForeignEdges.Edge(from: from, to: to, score: nil, kept: true)) }
        }
        return edges
    }

    static func isInternal(parent: String, child: String) -> Bool {
        child.hasSuffix("attn.hook_result") && !parent.hasSuffix("hook_result") && parent.contains(".attn.hook_")
            || child.contains(".attn.hook_") && parent.hasSuffix("_input")
            || child.hasSuffix("hook_mlp_out") && parent.hasSuffix("hook_mlp_in")
    }

    /// Whether the edges inside the reader's component pass its input on to its output.
    static func carriedOn(_ child: Hook, _ inside: Set<[Hook]>) -> Bool {
        guard let l = layer(child.name) else { return false }
        let prefix = "blocks.\(l)"
        if child.name.hasSuffix("hook_mlp_in") { return inside.contains([child, Hook(name: prefix + ".hook_mlp_out", head: nil)]) }
        for x in ["q", "k", "v"] where child.name.hasSuffix("hook_\(x)_input") {
            let inner = Hook(name: prefix + ".attn.hook_\(x)", head: child.head)
            return inside.contains([child, inner]) && inside.contains([inner, Hook(name: prefix + ".attn.hook_result", head: child.head)])
        }
        return true
    }

    static func writer(_ h: Hook) -> String? {
        if h.name == "hook_embed" { return "tok" }
        if h.name == "hook_pos_embed" { return "pos" }
        guard let l = layer(h.name) else { return nil }
        if h.name == "blocks.\(l).attn.hook_result", let head = h.head { return "a\(l).h\(head)" }
        return h.name == "blocks.\(l).hook_mlp_out" ? "m\(l)" : nil
    }

    static func reader(_ h: Hook) -> String? {
        guard let l = layer(h.name) else { return nil }
        if h.name == "blocks.\(l).hook_resid_post" { return "out" }
        if h.name == "blocks.\(l).hook_mlp_in" { return "m\(l)" }
        for x in ["q", "k", "v"] where h.name == "blocks.\(l).hook_\(x)_input" { return h.head.map { "a\(l).h\($0).\(x)" } }
        return nil
    }

    static func layer(_ name: String) -> Int? {
        let parts = name.split(separator: ".")
        return parts.count >= 3 && parts[0] == "blocks" ? Int(parts[1]) : nil
    }

    // MARK: Entries

    static func entries(_ text: String, json parsed: JSON?) throws(Circuit.FormatError) -> [(parent: Hook, child: Hook, present: Bool)] {
        let json: JSON
        if let parsed { json = parsed } else {
            guard let converted = PythonLiteral.json(text), let parsed = try? JSON.parse(converted) else {
                throw Circuit.FormatError(message: "an ACDC circuit is JSON or a Python list of ((child, index, parent, index), present) entries")
            }
            json = parsed
        }
        guard let list = json.arrayValue ?? json["edges"]?.arrayValue else {
            throw Circuit.FormatError(message: "an ACDC circuit is a list of ((child, index, parent, index), present) entries")
        }
        var out: [(parent: Hook, child: Hook, present: Bool)] = []
        for (i, item) in list.enumerated() {
            var fields = item.arrayValue ?? []
            var present = true
            if fields.count == 2, let inner = fields[0].arrayValue { present = fields[1].boolValue ?? true; fields = inner }
            if fields.count == 5 { present = fields[4].boolValue ?? true; fields.removeLast() }
            guard fields.count == 4, let child = fields[0].stringValue, let parent = fields[2].stringValue else {
                throw Circuit.FormatError(message: "ACDC entry \(i + 1): expected ((child, index, parent, index), present)")
            }
            out.append((Hook(name: parent, head: head(fields[3])), Hook(name: child, head: head(fields[1])), present))
        }
        return out
    }

    /// The head of a TorchIndex `(None, None, H)`; nil for `(None,)`.
    static func head(_ index: JSON) -> Int? {
        guard let items = index.arrayValue, items.count == 3 else { return nil }
        return items[2].intValue
    }
}
