/// The graph Edge Pruning searches (RASP.md 3.2): writers are the embeddings, every head slot and every
/// MLP; readers are every head's query, key and value, every MLP, and the unembedding `out`. An edge
/// joins a writer to each later reader: a head of layer L reads `tok`, `pos` and layers before L; the
/// MLP of layer L also reads the heads of layer L; `out` reads everything.
public struct ComputeGraph: Sendable, Equatable {
    public enum Writer: Sendable, Hashable {
        case tokens
        case positions
        case head(layer: Int, slot: Int)
        case mlp(layer: Int)
    }

    public enum Reader: Sendable, Hashable {
        case query(layer: Int, slot: Int)
        case key(layer: Int, slot: Int)
        case value(layer: Int, slot: Int)
        case mlp(layer: Int)
        case output
    }

    public struct Edge: Sendable, Hashable {
        public var writer: Int
        public var reader: Int
    }

    public let layers: Int
    public let headSlots: Int
    public private(set) var writers: [Writer] = []
    public private(set) var readers: [Reader] = []
    /// Edges grouped by reader, in reader order, writers in writer order.
    public private(set) var edges: [Edge] = []
    private var edgeIndex: [Edge: Int] = [:]

    public init(layers: Int, headSlots: Int) {
        self.layers = layers
        self.headSlots = headSlots
        writers = [.tokens, .positions]
        for l in 0..<layers {
            for h in 0..<headSlots { writers.append(.head(layer: l, slot: h)) }
            writers.append(.mlp(layer: l))
        }
        for l in 0..<layers {
            for h in 0..<headSlots {
                readers.append(.query(layer: l, slot: h))
                readers.append(.key(layer: l, slot: h))
                readers.append(.value(layer: l, slot: h))
            }
            readers.append(.mlp(layer: l))
        }
        readers.append(.output)
        for (r, reader) in readers.enumerated() {
            for w in 0..<writerCount(before: reader) {
                edgeIndex[Edge(writer: w, reader: r)] = edges.count
                edges.append(Edge(writer: w, reader: r))
            }
        }
    }

    public init(model: Transformer) {
        self.init(layers: model.layers.count, headSlots: model.headSlots)
    }

    /// How many writers (a prefix of `writers`) a reader reads.
    public func writerCount(before reader: Reader) -> Int {
        switch reader {
        case .query(let l, _), .key(let l, _), .value(let l, _): return 2 + l * (headSlots + 1)
        case .mlp(let l): return 2 + l * (headSlots + 1) + headSlots
        case .output: return writers.count
        }
    }

    public func index(of edge: Edge) -> Int? { edgeIndex[edge] }

    /// The writer whose input a reader is: the head of a query, key or value, the MLP of an MLP input;
    /// nil for `out`.
    public func owner(ofReader r: Int) -> Int? {
        switch readers[r] {
        case .output: return nil
        case .query(let l, let h), .key(let l, let h), .value(let l, let h): return 2 + l * (headSlots + 1) + h
        case .mlp(let l): return 2 + l * (headSlots + 1) + headSlots
        }
    }

    public func writerIndex(named name: String) -> Int? { writers.firstIndex { ComputeGraph.name(of: $0) == name } }
    public func readerIndex(named name: String) -> Int? { readers.firstIndex { ComputeGraph.name(of: $0) == name } }

    /// The edge `from -> to` given by node names (`tok`, `a1.h0`, `m2` -> `a3.h0.q`, `m0`, `out`).
    public func edge(from: String, to: String) -> Int? {
        guard let w = writerIndex(named: from), let r = readerIndex(named: to) else { return nil }
        return index(of: Edge(writer: w, reader: r))
    }

    public static func name(of writer: Writer) -> String {
        switch writer {
        case .tokens: return "tok"
        case .positions: return "pos"
        case .head(let l, let h): return "a\(l).h\(h)"
        case .mlp(let l): return "m\(l)"
        }
    }

    public static func name(of reader: Reader) -> String {
        switch reader {
        case .query(let l, let h): return "a\(l).h\(h).q"
        case .key(let l, let h): return "a\(l).h\(h).k"
        case .value(let l, let h): return "a\(l).h\(h).v"
        case .mlp(let l): return "m\(l)"
        case .output: return "out"
        }
    }

    public func writerName(_ w: Int) -> String { ComputeGraph.name(of: writers[w]) }
    public func readerName(_ r: Int) -> String { ComputeGraph.name(of: readers[r]) }
    public func edgeName(_ e: Int) -> (from: String, to: String) { (writerName(edges[e].writer), readerName(edges[e].reader)) }

    public static func == (a: ComputeGraph, b: ComputeGraph) -> Bool { a.layers == b.layers && a.headSlots == b.headSlots }
}

extension Transformer {
    /// The residual dimensions a writer of the graph writes.
    public func dimensions(written writer: ComputeGraph.Writer) -> [Int] {
        switch writer {
        case .tokens: return (0..<residualWidth).filter { tokenEmbedding.columnIsNonzero($0) }
        case .positions: return (0..<residualWidth).filter { positionEmbedding.columnIsNonzero($0) }
        case .head(let l, let h): return layers[l].heads[h]?.outputs ?? []
        case .mlp(let l): return layers[l].mlp?.outputs ?? []
        }
    }

    /// The residual dimensions a reader of the graph reads.
    public func dimensions(read reader: ComputeGraph.Reader) -> [Int] {
        switch reader {
        case .query(let l, let h): return layers[l].heads[h]?.queryInputs ?? []
        case .key(let l, let h): return layers[l].heads[h]?.keyInputs ?? []
        case .value(let l, let h): return layers[l].heads[h]?.valueInputs ?? []
        case .mlp(let l): return layers[l].mlp?.inputs ?? []
        case .output: return outputDimensions
        }
    }
}
