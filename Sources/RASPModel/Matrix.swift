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

extension Matrix {
    /// The n x n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for r in 0..<rows { for c in 0..<columns { t[c, r] = self[r, c] } }
        return t
    }

    /// The product `self * other` (rows x other.columns), summed in index order.
    public func multiplied(by other: Matrix) -> Matrix {
        precondition(columns == other.rows, "matrix shapes do not chain")
        var out = Matrix(rows: rows, columns: other.columns)
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                out.values.withUnsafeMutableBufferPointer { o in
                    Kernel.multiplyAdd(a.baseAddress!, b.baseAddress!, o.baseAddress!, rows: rows, inner: columns, columns: other.columns)
                }
            }
        }
        return out
    }

    /// The Frobenius norm, sqrt(sum of squares).
    public var norm: Double { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    public func rowNorm(_ r: Int) -> Double { (0..<columns).reduce(0) { $0 + self[r, $1] * self[r, $1] }.squareRoot() }
    public func columnNorm(_ c: Int) -> Double { (0..<rows).reduce(0) { $0 + self[$1, c] * self[$1, c] }.squareRoot() }
    public var isZero: Bool { values.allSatisfy { $0 == 0 } }
}
