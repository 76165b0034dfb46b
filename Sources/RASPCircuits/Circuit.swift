import RASPLanguage
import RASPModel

/// A circuit file (RASP.md 3.3): the golden circuit the compiler derives, or one a method recovered.
public struct Circuit: Sendable, Equatable {
    public static let format = "rasp-circuit/1"

    public enum Kind: String, Sendable, Equatable { case required, optional }

    public struct Edge: Sendable, Equatable, Hashable {
        public var from: String
        public var to: String
        /// Golden circuits classify each edge; recovered circuits may leave it out.
        public var kind: Kind?
        /// The s-op labels (and `one`, `bos`) the edge carries.
        public var carries: [String]?
        /// A recovered circuit's per-edge score (the mask's log-alpha for Edge Pruning).
        public var score: Double?
        /// Whether the edge is in the circuit; a file without it keeps every edge it lists (RASP.md 3.8).
        public var inCircuit: Bool?

        public init(from: String, to: String, kind: Kind? = nil, carries: [String]? = nil, score: Double? = nil, inCircuit: Bool? = nil) {
            self.from = from
            self.to = to
            self.kind = kind
            self.carries = carries
            self.score = score
            self.inCircuit = inCircuit
        }

        public var isKept: Bool { inCircuit ?? true }

        public var key: String { "\(from) -> \(to)" }
    }

    public var program: String
    public var layers: Int
    /// Head slots per layer (every layer has the same number).
    public var heads: [Int]
    public var graphEdges: Int
    public var edges: [Edge]
    /// Recovered circuits: the method, ablation, seed and model variant that produced them, and
    /// whether the circuit is the method's own or the one `--repair` made of it.
    public var method: String?
    public var ablation: String?
    public var seed: Int?
    public var variant: String?
    public var variantSeed: Int?
    public var repaired: Bool?
    /// The file had one `input` node for `tok` and `pos` (EAP-IG, MIB): it is judged at that granularity.
    public var mergedInput = false

    public init(program: String, graph: ComputeGraph, edges: [Edge], method: String? = nil, ablation: String? = nil, seed: Int? = nil) {
        self.program = program
        self.layers = graph.layers
        self.heads = Array(repeating: graph.headSlots, count: graph.layers)
        self.graphEdges = graph.edges.count
        self.edges = Circuit.sorted(edges)
        self.method = method
        self.ablation = ablation
        self.seed = seed
    }

    /// A recovered circuit as `rasp prune` writes it (RASP.md 3.8): every edge of the graph with its
    /// score and whether it is in the circuit.
    public static func recovered(program: String, graph: ComputeGraph, scores: [Double], kept: [Bool], method: String,
                                 ablation: String, seed: Int, variant: String, variantSeed: Int, repaired: Bool) -> Circuit {
        let edges = graph.edges.indices.map { e in
            let (from, to) = graph.edgeName(e)
            return Edge(from: from, to: to, score: scores[e], inCircuit: kept[e])
        }
        var c = Circuit(program: program, graph: graph, edges: edges, method: method, ablation: ablation, seed: seed)
        c.variant = variant
        c.variantSeed = variantSeed
        c.repaired = repaired
        return c
    }

    /// The edges the circuit keeps.
    public var kept: [Edge] { edges.filter(\.isKept) }
    public var hasScores: Bool { edges.contains { $0.score != nil } }

    /// Edges sorted by (`to`, `from`), as files store them.
    static func sorted(_ edges: [Edge]) -> [Edge] {
        edges.sorted { ($0.to, $0.from) < ($1.to, $1.from) }
    }

    /// The keys (`from -> to`) of the edges the circuit keeps.
    public var edgeKeys: Set<String> { Set(kept.map(\.key)) }
    public func edges(of kind: Kind) -> [Edge] { edges.filter { $0.kind == kind } }

    // MARK: JSON

    public var json: JSON {
        var o: [String: JSON] = [
            "format": .string(Circuit.format),
            "program": .string(program),
            "graph": .object(["layers": .int(layers), "heads": .array(heads.map { .int($0) }), "edges": .int(graphEdges)]),
            "edges": .array(edges.map { e in
                var item: [String: JSON] = ["from": .string(e.from), "to": .string(e.to)]
                if let k = e.kind { item["kind"] = .string(k.rawValue) }
                if let c = e.carries { item["carries"] = .array(c.map { .string($0) }) }
                if let s = e.score { item["score"] = s.isFinite ? .double(s) : .null }
                if let k = e.inCircuit { item["in_circuit"] = .bool(k) }
                return .object(item)
            }),
        ]
        if let method { o["method"] = .string(method) }
        if let ablation { o["ablation"] = .string(ablation) }
        if let seed { o["seed"] = .int(seed) }
        if let variant { o["variant"] = .string(variant) }
        if let variantSeed { o["variant_seed"] = .int(variantSeed) }
        if let repaired { o["repaired"] = .bool(repaired) }
        return .object(o)
    }

    /// The file text: sorted keys, two-space indent, a trailing newline.
    public var text: String { json.pretty() }

    /// Why a circuit file could not be read.
    public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        /// The file is a well-formed circuit of another graph (for a golden file: out of date).
        public var otherGraph: Bool
        public var description: String { message }

        public init(message: String, otherGraph: Bool = false) {
            self.message = message
            self.otherGraph = otherGraph
        }
    }

    /// Reads a circuit file, checking its format tag and, when a graph is given, that every edge is an
    /// edge of that graph (names that are not nodes, readers that cannot read that writer).
    public static func parse(_ text: String, graph: ComputeGraph? = nil) throws(FormatError) -> Circuit {
        try parse(json: try json(text), graph: graph)
    }

    /// The JSON of a circuit file, or why it is not JSON.
    static func json(_ text: String) throws(FormatError) -> JSON {
        do throws(JSON.ParseError) { return try JSON.parse(text) } catch {
            throw FormatError(message: "not valid JSON (\(error))")
        }
    }

    /// `parse` of a file already read as JSON.
    static func parse(json: JSON, graph: ComputeGraph?) throws(FormatError) -> Circuit {
        guard json.objectValue != nil else { throw FormatError(message: "a circuit file is a JSON object") }
        guard let format = json["format"]?.stringValue else { throw FormatError(message: "missing \"format\": expected \"\(Circuit.format)\"") }
        guard format == Circuit.format else { throw FormatError(message: "unknown format \"\(format)\": expected \"\(Circuit.format)\"") }
        guard let program = json["program"]?.stringValue else { throw FormatError(message: "missing \"program\"") }
        guard let g = json["graph"], let layers = g["layers"]?.intValue, layers >= 0, layers <= 10_000,
              let heads = g["heads"]?.arrayValue?.compactMap(\.intValue), heads.count == layers,
              let graphEdges = g["edges"]?.intValue else {
            throw FormatError(message: "\"graph\" must be {\"layers\": N, \"heads\": [H, ...] (one per layer), \"edges\": E}")
        }
        if let graph, layers != graph.layers || !heads.allSatisfy({ $0 == graph.headSlots }) || graphEdges != graph.edges.count {
            throw FormatError(message: "the file's graph (\(counted(layers, "layer")), heads \(heads), \(counted(graphEdges, "edge"))) is not the model's (\(counted(graph.layers, "layer")), \(counted(graph.headSlots, "head")) per layer, \(counted(graph.edges.count, "edge")))",
                              otherGraph: true)
        }
        guard let list = json["edges"]?.arrayValue else { throw FormatError(message: "missing \"edges\" (an array)") }
        var edges: [Edge] = []
        var seen = Set<String>()
        for (i, item) in list.enumerated() {
            guard let from = item["from"]?.stringValue, let to = item["to"]?.stringValue else {
                throw FormatError(message: "edge \(i + 1) needs string \"from\" and \"to\"")
            }
            var edge = Edge(from: from, to: to)
            if let k = item["kind"] {
                guard let s = k.stringValue, let kind = Kind(rawValue: s) else {
                    throw FormatError(message: "edge \(from) -> \(to): \"kind\" must be \"required\" or \"optional\"")
                }
                edge.kind = kind
            }
            if let c = item["carries"] {
                guard let a = c.arrayValue, a.allSatisfy({ $0.stringValue != nil }) else {
                    throw FormatError(message: "edge \(from) -> \(to): \"carries\" must be an array of strings")
                }
                edge.carries = a.compactMap(\.stringValue)
            }
            if let s = item["score"], s != .null {
                guard let d = s.doubleValue else { throw FormatError(message: "edge \(from) -> \(to): \"score\" must be a number") }
                edge.score = d
            }
            if let k = item["in_circuit"] {
                guard let b = k.boolValue else { throw FormatError(message: "edge \(from) -> \(to): \"in_circuit\" must be true or false") }
                edge.inCircuit = b
            }
            if let graph {
                guard graph.writerIndex(named: from) != nil else {
                    throw FormatError(message: "edge \(from) -> \(to): '\(from)' is not a writer of the graph (\(counted(graph.layers, "layer")), \(counted(graph.headSlots, "head")) per layer)",
                                      otherGraph: true)
                }
                guard graph.readerIndex(named: to) != nil else {
                    throw FormatError(message: "edge \(from) -> \(to): '\(to)' is not a reader of the graph (\(counted(graph.layers, "layer")), \(counted(graph.headSlots, "head")) per layer)",
                                      otherGraph: true)
                }
                guard graph.edge(from: from, to: to) != nil else {
                    throw FormatError(message: "edge \(from) -> \(to) is not in the graph: '\(to)' does not read '\(from)'", otherGraph: true)
                }
            }
            guard seen.insert(edge.key).inserted else { throw FormatError(message: "edge \(from) -> \(to) is listed twice") }
            edges.append(edge)
        }
        var circuit = Circuit(program: program, graph: ComputeGraph(layers: layers, headSlots: heads.first ?? 0), edges: edges,
                              method: json["method"]?.stringValue, ablation: json["ablation"]?.stringValue, seed: json["seed"]?.intValue)
        circuit.heads = heads
        circuit.graphEdges = graphEdges
        circuit.variant = json["variant"]?.stringValue
        circuit.variantSeed = json["variant_seed"]?.intValue
        circuit.repaired = json["repaired"]?.boolValue
        return circuit
    }
}
