import RASPLanguage

/// The predicate of one compiled attention head, over the (possibly tuple) values of its keys and queries.
///
/// A plain `select` reads its keys and queries directly. A combined selector (RASP.md 3.5) reads tuples
/// built by zip s-ops; each leaf then reads one component of the key tuple and one of the query tuple.
public struct HeadSelector: Sendable {
    public var keys: Int
    public var queries: Int
    var formula: SelectorFormula
    /// For each leaf, the component of the key tuple it reads (nil: the key is not a tuple).
    var keyComponent: [Int?]
    var queryComponent: [Int?]

    func selects(key: Value, query: Value) throws(ValueError) -> Bool {
        if key.isNone || query.isNone { return false }
        return try formula.selects(keys: { component(key, keyComponent[$0]) }, queries: { component(query, queryComponent[$0]) })
    }

    /// The selector on every pair of query and key values (a none key or query, or a none component,
    /// is never selected, as in `selects`).
    func evaluator(queries: [Value], keys: [Value]) -> SelectorEvaluator {
        SelectorEvaluator(formula, queryCount: queries.count, keyCount: keys.count,
                          query: { component(queries[$1], queryComponent[$0]) }, key: { component(keys[$1], keyComponent[$0]) })
    }

    private func component(_ v: Value, _ c: Int?) -> Value {
        if let c, case .tuple(let items) = v { return items[c] }
        return v
    }
}

/// An s-op the compiler builds: a live s-op of the program, or a tuple s-op for a combined selector.
public struct CompileNode: Sendable {
    public enum Operation: Sendable {
        case tokens
        case indices
        case map(MapFunction, input: Int)
        case sequenceMap(Lambda, Int, Int)
        case linearSequenceMap(Int, Int, Double, Double)
        case aggregate(HeadSelector, input: Int)
        case selectorWidth(HeadSelector)
    }

    public var label: String
    public var encoding: Encoding
    public var operation: Operation
    public var values: ValueSet
    public var location: SourceLocation
    /// The program node this stands for; nil for the tuple s-ops of combined selectors.
    public var programNode: Int?

    /// The s-ops this node reads, through its selector too (for depth and for the order of tracr's graph).
    var children: [Int] {
        switch operation {
        case .tokens, .indices: return []
        case .map(_, let x): return [x]
        case .sequenceMap(_, let a, let b), .linearSequenceMap(let a, let b, _, _): return [a, b]
        case .aggregate(let s, let x): return [s.keys, s.queries, x]
        case .selectorWidth(let s): return [s.keys, s.queries]
        }
    }

    public var isPrimitive: Bool {
        switch operation {
        case .tokens, .indices: return true
        default: return false
        }
    }

    /// Which sub-layers the node occupies.
    enum Component { case attention, mlp, attentionAndMLP, none }

    var component: Component {
        switch operation {
        case .tokens, .indices: return .none
        case .map, .sequenceMap, .linearSequenceMap: return .mlp
        case .aggregate: return .attention
        case .selectorWidth: return .attentionAndMLP
        }
    }
}

/// The live part of a program as compile nodes (topologically ordered), with combined selectors
/// lowered to one `select` over tuples (RASP.md 3.5).
struct CompileGraph {
    var nodes: [CompileNode] = []
    var output = 0
    /// Compile node of each program node (live ones).
    var nodeOfProgramNode: [Int: Int] = [:]
    private var zipCache: [[Int]: Int] = [:]

    init(program: Program) throws(CompileError) {
        for (id, node) in program.nodes.enumerated() where program.isLive[id] {
            let op: CompileNode.Operation
            switch node.operation {
            case .tokens: op = .tokens
            case .indices: op = .indices
            case .map(let f, let x): op = .map(f, input: nodeOfProgramNode[x]!)
            case .sequenceMap(let f, let a, let b): op = .sequenceMap(f, nodeOfProgramNode[a]!, nodeOfProgramNode[b]!)
            case .linearSequenceMap(let a, let b, let p, let q):
                op = .linearSequenceMap(nodeOfProgramNode[a]!, nodeOfProgramNode[b]!, p.number!, q.number!)
            case .aggregate(let s, let x, _):
                op = .aggregate(try headSelector(program, s), input: nodeOfProgramNode[x]!)
            case .selectorWidth(let s):
                op = .selectorWidth(try headSelector(program, s))
            }
            nodes.append(CompileNode(label: node.label, encoding: node.encoding, operation: op, values: program.valueSets[id],
                                     location: node.location, programNode: id))
            nodeOfProgramNode[id] = nodes.count - 1
        }
        output = nodeOfProgramNode[program.output]!
    }

    /// Lowers a selector to keys, queries and a predicate, adding tuple s-ops when the selector combines
    /// several `select`s. A side that is the same s-op in every leaf is not zipped.
    private mutating func headSelector(_ program: Program, _ s: Int) throws(CompileError) -> HeadSelector {
        let formula = SelectorFormula(program: program, selector: s)
        func side(_ ids: [Int]) throws(CompileError) -> (node: Int, component: [Int?]) {
            var distinct: [Int] = []
            for id in ids where !distinct.contains(id) { distinct.append(id) }
            if distinct.count == 1 { return (nodeOfProgramNode[distinct[0]]!, ids.map { _ in nil }) }
            let node = try zip(distinct.map { nodeOfProgramNode[$0]! }, at: formula.location)
            return (node, ids.map { distinct.firstIndex(of: $0) })
        }
        let k = try side(formula.leaves.map(\.keys))
        let q = try side(formula.leaves.map(\.queries))
        return HeadSelector(keys: k.node, queries: q.node, formula: formula, keyComponent: k.component, queryComponent: q.component)
    }

    /// A tuple s-op of `inputs` built by sequence maps: (a, b), then ((a, b), c) -> (a, b, c).
    private mutating func zip(_ inputs: [Int], at location: SourceLocation) throws(CompileError) -> Int {
        if let cached = zipCache[inputs] { return cached }
        var acc = inputs[0]
        var built = [inputs[0]]
        for x in inputs.dropFirst() {
            built.append(x)
            if let cached = zipCache[built] { acc = cached; continue }
            let first = built.count == 2
            let body: ValueCode = first ? .tuple([.parameter(0), .parameter(1)]) : .binary(.add, .parameter(0), .tuple([.parameter(1)]))
            let f = Lambda(arity: 2, body: body, location: location)
            var values: [Value] = []
            let total = nodes[acc].values.count * nodes[x].values.count
            guard total <= Limits.maximumValueSetSize else {
                throw CompileError("the tuples (\(built.map { nodes[$0].label }.joined(separator: ", "))) for a combined selector have \(total) values; the limit is \(Limits.maximumValueSetSize)", at: location)
            }
            for a in nodes[acc].values.values {
                for b in nodes[x].values.values {
                    do throws(ValueError) { values.append(try f([a, b])) } catch {
                        throw CompileError(error.message, at: location)
                    }
                }
            }
            let label = "zip(" + built.map { nodes[$0].label }.joined(separator: ",") + ")"
            nodes.append(CompileNode(label: label, encoding: .categorical, operation: .sequenceMap(f, acc, x),
                                     values: ValueSet(values), location: location, programNode: nil))
            acc = nodes.count - 1
            zipCache[built] = acc
        }
        return acc
    }
}
