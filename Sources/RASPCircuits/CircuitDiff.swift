import RASPLanguage

/// The difference between two circuits as edge sets, for golden-file checks and `rasp check`.
public struct CircuitDiff: Sendable, Equatable {
    /// Edges only in the new circuit, only in the old one, and in both with another kind or carried label.
    public var added: [Circuit.Edge] = []
    public var removed: [Circuit.Edge] = []
    public var changed: [(old: Circuit.Edge, new: Circuit.Edge)] = []
    public var graphChanged: String? = nil

    public init(old: Circuit, new: Circuit) {
        if old.layers != new.layers || old.heads != new.heads || old.graphEdges != new.graphEdges {
            graphChanged = "graph \(counted(old.layers, "layer")), heads \(old.heads), \(counted(old.graphEdges, "edge")) -> \(counted(new.layers, "layer")), heads \(new.heads), \(counted(new.graphEdges, "edge"))"
        }
        let before = Dictionary(uniqueKeysWithValues: old.edges.map { ($0.key, $0) })
        let after = Dictionary(uniqueKeysWithValues: new.edges.map { ($0.key, $0) })
        for e in new.edges {
            if let o = before[e.key] {
                if o.kind != e.kind || o.carries != e.carries { changed.append((o, e)) }
            } else {
                added.append(e)
            }
        }
        removed = old.edges.filter { after[$0.key] == nil }
    }

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty && graphChanged == nil }

    public static func == (a: CircuitDiff, b: CircuitDiff) -> Bool {
        a.added == b.added && a.removed == b.removed && a.graphChanged == b.graphChanged
            && a.changed.map(\.old) == b.changed.map(\.old) && a.changed.map(\.new) == b.changed.map(\.new)
    }

    /// One line per difference: `+ m0 -> m1 required [length]`, `- ...`, `~ ... optional -> required`.
    public var description: String {
        func show(_ e: Circuit.Edge) -> String {
            "\(e.key)" + (e.kind.map { " \($0.rawValue)" } ?? "") + (e.carries.map { " [\($0.joined(separator: ", "))]" } ?? "")
        }
        var lines: [String] = []
        if let graphChanged { lines.append("! " + graphChanged) }
        lines += removed.map { "- " + show($0) }
        lines += added.map { "+ " + show($0) }
        lines += changed.map { "~ \(show($0.old)) => \(show($0.new))" }
        return lines.joined(separator: "\n")
    }
}
