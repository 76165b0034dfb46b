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
