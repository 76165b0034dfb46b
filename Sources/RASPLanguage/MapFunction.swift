/// The function of a `map`: one or more one-argument lambdas applied in order (a map of a map is fused).
///
/// The lambdas are a shared chain, so fusing a map onto a map of k steps costs O(1), not a copy of
/// the k steps. A fused map that the output needs carries a `MapTable` of its results on every value
/// of its input's value set (built by the static checker, which computes each fused map's results
/// from its inner map's, one step per value), so calling it costs one lookup whatever its length.
public struct MapFunction: Sendable {
    final class Step: Sendable {
        let lambda: Lambda
        let previous: Step?
        let count: Int

        init(_ lambda: Lambda, after previous: Step?) {
            self.lambda = lambda
            self.previous = previous
            count = (previous?.count ?? 0) + 1
        }
    }

    private let last: Step
    var table: MapTable? = nil

    public init(steps: [Lambda]) {
        precondition(!steps.isEmpty, "a map has at least one step")
        var chain: Step? = nil
        for f in steps { chain = Step(f, after: chain) }
        last = chain!
    }

    private init(last: Step) { self.last = last }

    /// This map followed by `f` (sharing this map's steps).
    public func appending(_ f: Lambda) -> MapFunction { MapFunction(last: Step(f, after: last)) }

    /// The number of lambdas.
    public var count: Int { last.count }

    /// The lambdas in the order they apply (O(count)).
    public var steps: [Lambda] {
        var out = [Lambda](repeating: last.lambda, count: count)
        var step: Step? = last
        var i = count
        while let s = step { i -= 1; out[i] = s.lambda; step = s.previous }
        return out
    }

    /// The outermost lambda, applied last.
    public var lastStep: Lambda { last.lambda }

    /// Identifies this chain of lambdas, and the chain it extends (nil for a single lambda).
    var identity: ObjectIdentifier { ObjectIdentifier(last) }
    var prefixIdentity: ObjectIdentifier? { last.previous.map { ObjectIdentifier($0) } }

    public func callAsFunction(_ x: Value) throws(ValueError) -> Value {
        if let table, let y = table[x] { return y }
        if count == 1 { return try last.lambda([x]) }
        var v = x
        for step in steps {
            v = try step([v])
            if v.isNone { break }
        }
        return v
    }

    /// The index of the step that fails or first returns none on `x`, if any (O(count): for reports).
    public func failingStep(_ x: Value) -> Int? {
        var v = x
        for (i, step) in steps.enumerated() {
            guard let y = try? step([v]), !y.isNone else { return i }
            v = y
        }
        return nil
    }

    /// The location of the outermost lambda: where a diagnostic about this map points.
    public var location: SourceLocation { last.lambda.location }
}

/// A map's results on the values of its input's value set, looked up by exact value (`ExactValue`);
/// a value the set holds only in another form (1 for 1.0) is not found, and the map is evaluated.
struct MapTable: Sendable {
    private var index: [ExactValue: Int] = [:]
    private var outputs: [Value] = []

    init(inputs: [Value], outputs: [Value]) {
        for (i, v) in inputs.enumerated() { index[ExactValue(v)] = i }
        self.outputs = outputs
    }

    subscript(_ x: Value) -> Value? { index[ExactValue(x)].map { outputs[$0] } }
}
