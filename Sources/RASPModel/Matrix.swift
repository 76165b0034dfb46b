/// A dense row-major matrix in flat storage.
public struct Matrix: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    public var values: [Double]

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        self.values = [Double](repeating: 0, count: rows * columns)
    }

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "matrix storage does not match its shape")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get { values[row &* columns &+ column] }
        set { values[row &* columns &+ column] = newValue }
    }

    /// How many entries are not zero.
    public var nonzeroCount: Int { values.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }

    /// Whether row `r` has a nonzero entry.
    public func rowIsNonzero(_ r: Int) -> Bool {
        for c in 0..<columns where values[r * columns + c] != 0 { return true }
        return false
    }

    /// Whether column `c` has a nonzero entry.
    public func columnIsNonzero(_ c: Int) -> Bool {
        for r in 0..<rows where values[r * columns + c] != 0 { return true }
        return false
    }
}
