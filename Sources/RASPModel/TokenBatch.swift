/// Sequences of token ids of one length, BOS (id 0) first, stored row-major.
public struct TokenBatch: Sendable {
    public var tokens: [Int32]
    public var count: Int
    /// Positions per sequence, including BOS.
    public var length: Int

    public init(tokens: [Int32], count: Int, length: Int) {
        precondition(tokens.count == count * length, "token storage does not match the batch shape")
        self.tokens = tokens
        self.count = count
        self.length = length
    }

    /// The sequences with indices `range`.
    public func slice(_ range: Range<Int>) -> TokenBatch {
        TokenBatch(tokens: Array(tokens[range.lowerBound * length..<range.upperBound * length]), count: range.count, length: length)
    }
}

/// A sparse copy of a matrix's rows (compressed sparse rows), for embedding lookups.
struct SparseRows {
    var start: [Int]
    var columns: [Int]
    var values: [Double]

    init(_ m: Matrix) {
        start = [0]
        columns = []
        values = []
        for r in 0..<m.rows {
            for c in 0..<m.columns where m[r, c] != 0 {
                columns.append(c)
                values.append(m[r, c])
            }
            start.append(columns.count)
        }
    }
}
