import RASPModel
import RASPCompiler
import RASPCircuits

/// A circuit as a picture: the edges to draw, each with its class, and the components they join,
/// labelled with the s-ops they compute. Only circuit edges are drawn (the golden ones, and with a
/// recovered circuit the ones it keeps), never the whole graph: `shuffle_dyck2` has 2,102 edges and
/// 31 required ones. `svg` lays it out by layer (`CircuitPicture+SVG.swift`).
public struct CircuitPicture: Sendable {
    /// How an edge is drawn. Without a recovered circuit only `required` and `optional` occur.
    public enum Style: String, Sendable, CaseIterable, Comparable {
        /// Golden optional (or required but unidentifiable under the ablation), not kept.
        case optional
        /// Golden required (no recovered circuit given).
        case required
        /// Kept by the recovered circuit, golden optional (or unidentifiable).
        case recoveredOptional = "recovered-optional"
        /// Kept, golden required.
        case recovered
        /// Golden required and identifiable, not kept.
        case missing
        /// Kept, not in the golden circuit.
        case extra

        public static func < (a: Style, b: Style) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

        public var legend: String {
            switch self {
            case .optional: return "golden optional"
            case .required: return "golden required"
            case .recoveredOptional: return "recovered, golden optional"
            case .recovered: return "recovered, golden required"
            case .missing: return "missing (golden required, not recovered)"
            case .extra: return "extra (recovered, not golden)"
            }
        }
    }

    public struct Line: Sendable, Equatable {
        public var from: String
        public var to: String
        public var style: Style
        public var carries: [String]
    }

    public var title: String
    public var subtitle: String
    public var graph: ComputeGraph
    /// Writer name (`tok`, `a0.h1`, `m2`) to the s-op it computes; absent for an empty slot.
    public var labels: [String: String]
    /// Sorted by style (optional first, so the others are drawn over them), then by `from`, `to`.
    public var lines: [Line]

    /// The golden circuit alone, or compared with a recovered one (its kept edges). `unidentifiable`:
    /// required edges that count as optional under the ablation judged (RASP.md 3.4).
    public init(golden: Circuit, recovered: Circuit? = nil, unidentifiable: Set<String> = [], graph: ComputeGraph,
                labels: [String: String], title: String, subtitle: String = "") {
        let golden = recovered?.mergedInput == true ? golden.mergingInput(graph: graph) : golden
        self.title = title
        self.subtitle = subtitle
        self.graph = graph
        self.labels = labels
        let kept = recovered?.edgeKeys
        var lines: [Line] = []
        var goldenKeys = Set<String>()
        for e in golden.edges {
            goldenKeys.insert(e.key)
            let required = e.kind == .required && !unidentifiable.contains(e.key)
            let style: Style
            switch (kept.map { $0.contains(e.key) }, required) {
            case (nil, true): style = .required
            case (nil, false), (false?, false): style = .optional
            case (true?, true): style = .recovered
            case (true?, false): style = .recoveredOptional
            case (false?, true): style = .missing
            }
            lines.append(Line(from: e.from, to: e.to, style: style, carries: e.carries ?? []))
        }
        for e in recovered?.kept ?? [] where !goldenKeys.contains(e.key) {
            lines.append(Line(from: e.from, to: e.to, style: .extra, carries: []))
        }
        self.lines = lines.sorted { ($0.style, $0.from, $0.to) < ($1.style, $1.from, $1.to) }
    }

    /// How many edges of each style the picture draws.
    public var counts: [Style: Int] {
        var out: [Style: Int] = [:]
        for l in lines { out[l.style, default: 0] += 1 }
        return out
    }

    /// What each component of a compiled model computes: `tokens` and `indices` for the embeddings,
    /// a head's aggregate or selector width, the s-ops an MLP computes (joined by commas).
    public static func labels(of compiled: CompiledProgram) -> [String: String] {
        var out = ["tok": "tokens", "pos": "indices"]
        for (l, slots) in compiled.heads.enumerated() {
            for (h, role) in slots.enumerated() {
                guard let role else { continue }
                out["a\(l).h\(h)"] = role.label + (role.isSelectorWidth ? " (width head)" : "")
            }
        }
        for (l, nodes) in compiled.mlpNodes.enumerated() where !nodes.isEmpty {
            out["m\(l)"] = nodes.map { compiled.nodes[$0].label }.joined(separator: ", ")
        }
        return out
    }
}
