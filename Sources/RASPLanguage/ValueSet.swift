/// The set of values an s-op can take, sorted by `Value.order`, with constant-time lookup of a value's rank.
public struct ValueSet: Sendable {
    public let values: [Value]
    private let ranks: [Value: Int]

    public init<S: Sequence>(_ items: S) where S.Element == Value {
        var unique: [Value] = []
        var seen = Set<Value>()
        for v in items where seen.insert(v).inserted { unique.append(v) }
        values = unique.sorted(by: Value.order)
        var r: [Value: Int] = [:]
        for (i, v) in values.enumerated() { r[v] = i }
        ranks = r
    }

    public var count: Int { values.count }
    public func contains(_ v: Value) -> Bool { ranks[v] != nil }
    /// The position of `v` in `values` (equal values under Python equality share a position).
    public func index(of v: Value) -> Int? { ranks[v] }
}

/// Limits from RASP.md section 2: beyond them a program is refused with a diagnostic, never allocated.
public enum Limits {
    public static let maximumValueSetSize = 10_000
    public static let maximumResidualWidth = 100_000
    /// Most function evaluations spent on one value set (a product of two large sets, a mean's sums).
    public static let maximumEvaluations = 2_000_000
    public static let maximumSeqLen = 1_000
    /// Most lambdas one map may fuse (a chain of maps of maps).
    public static let maximumFusedMaps = 10_000
}
