/// The program as a graph of s-ops and selectors, built by `Lowering` from the syntax tree.
///
/// Nodes are stored in creation order, and a node only refers to earlier nodes, so every pass
/// iterates by index (no recursion over the graph, however long the program).
public struct SOpNode: Sendable {
    public enum Operation: Sendable {
        case tokens
        case indices
        case map(MapFunction, input: Int)
        /// A non-linear element-wise function of two s-ops (tracr's SequenceMap).
        case sequenceMap(Lambda, Int, Int)
        /// `a * x + b * y` on numerical s-ops (tracr's LinearSequenceMap).
        case linearSequenceMap(Int, Int, Value, Value)
        /// `default` is `none` (categorical) or 0 (numerical mean).
        case aggregate(selector: Int, input: Int, default: Value)
        case selectorWidth(selector: Int)
    }

    public var label: String
    public var encoding: Encoding
    public var operation: Operation
    public var location: SourceLocation

    /// The s-ops this node reads directly (not through selectors).
    public var inputs: [Int] {
        switch operation {
        case .tokens, .indices, .selectorWidth: return []
        case .map(_, let x): return [x]
        case .sequenceMap(_, let a, let b), .linearSequenceMap(let a, let b, _, _): return [a, b]
        case .aggregate(_, let x, _): return [x]
        }
    }

    /// The selector this node reads, if it is an aggregate or a selector width.
    public var selector: Int? {
        switch operation {
        case .aggregate(let s, _, _), .selectorWidth(let s): return s
        default: return nil
        }
    }

    /// tracr's name for the node's class, used in messages and placement reports.
    public var kindName: String {
        switch operation {
        case .tokens: return "tokens"
        case .indices: return "indices"
        case .map: return "map"
        case .sequenceMap: return "sequence_map"
        case .linearSequenceMap: return "linear_sequence_map"
        case .aggregate: return "aggregate"
        case .selectorWidth: return "selector_width"
        }
    }

    public var isPrimitive: Bool {
        switch operation {
        case .tokens, .indices: return true
        default: return false
        }
    }
}

public struct SelectorNode: Sendable {
    public enum Operation: Sendable {
        case select(keys: Int, queries: Int, predicate: Predicate)
        case and(Int, Int)
        case or(Int, Int)
        case not(Int)
    }

    public var operation: Operation
    public var location: SourceLocation
}

/// An `example` line: an input and the output the program must give.
public struct Example: Sendable {
    public var input: [Value]
    public var output: [Value]
    public var location: SourceLocation
}
