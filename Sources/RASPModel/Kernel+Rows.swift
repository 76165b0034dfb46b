/// A matrix's nonzero entries row by row (compressed sparse rows), at stable addresses: compiled
/// weights are mostly zero (a reader reads a few subspaces, a writer writes a few), and a product
/// that skips them does a few multiply-adds where the dense kernel does a row.
public final class SparseRows: @unchecked Sendable {
    public let rows: Int
    public let columns: Int
    /// Row i's entries are `starts[i] ..< starts[i + 1]` of `indices` (their columns, increasing) and `values`.
    let starts: UnsafeMutablePointer<Int32>
    let indices: UnsafeMutablePointer<Int32>
    let values: UnsafeMutablePointer<Double>

    /// The nonzero entries of `m`, or nil when more than a quarter of them are nonzero (the dense kernels
    /// are faster from about there).
    public init?(_ m: Matrix) {
        let nonzero = m.nonzeroCount
        guard 4 * nonzero <= m.rows * m.columns else { return nil }
        rows = m.rows
        columns = m.columns
        starts = .allocate(capacity: rows + 1)
        indices = .allocate(capacity: max(1, nonzero))
        values = .allocate(capacity: max(1, nonzero))
        var k: Int32 = 0
        for i in 0..<rows {
            starts[i] = k
            for j in 0..<columns where m[i, j] != 0 {
                indices[Int(k)] = Int32(j)
                values[Int(k)] = m[i, j]
                k += 1
            }
        }
        starts[rows] = k
    }

    deinit {
        starts.deallocate()
        indices.deallocate()
        values.deallocate()
    }
}

/// Products with a `SparseRows` matrix. Only its zero entries are skipped and every sum keeps the
/// order of the dense kernel it replaces, so the results are that kernel's bits.
extension Kernel {
    /// `multiplyAdd(a, b, out, scale:)` for a sparse b (`b.rows x b.columns`): out[p, j] += sum_i
    /// (a[p, i] * scale) b[i, j], i in order, over the columns of a listed for row p in `units`
    /// (`b.rows` slots a row, `counts[p]` of them) or over all of them.
    @inline(__always)
    public static func multiplyAdd(_ a: UnsafePointer<Double>, _ b: SparseRows, _ out: UnsafeMutablePointer<Double>, rows: Int,
                                   scale: Double = 1, units: UnsafePointer<Int32>? = nil, counts: UnsafePointer<Int32>? = nil) {
        let inner = b.rows, columns = b.columns, starts = b.starts, indices = b.indices, values = b.values
        @inline(__always) func add(_ p: Int, _ i: Int) {
            let x = a[p &* inner &+ i] * scale
            if x == 0 { return }
            let orow = out + p &* columns
            for k in Int(starts[i])..<Int(starts[i &+ 1]) { orow[Int(indices[k])] += x * values[k] }
        }
        for p in 0..<rows {
            if let units, let counts {
                for q in 0..<Int(counts[p]) { add(p, Int(units[p &* inner &+ q])) }
            } else {
                for i in 0..<inner { add(p, i) }
            }
        }
    }

    /// out[p, i] = sum_j a[p, j] b[i, j], j in order, for a sparse b: the entries `multiplyAdd(a, bᵀ,
    /// out)` gives into a zeroed out, at the i listed for row p in `units` (`b.rows` slots a row) or
    /// at all of them.
    @inline(__always)
    public static func transposedProduct(_ a: UnsafePointer<Double>, _ b: SparseRows, _ out: UnsafeMutablePointer<Double>, rows: Int,
                                         units: UnsafePointer<Int32>? = nil, counts: UnsafePointer<Int32>? = nil) {
        let inner = b.columns, columns = b.rows, starts = b.starts, indices = b.indices, values = b.values
        @inline(__always) func entry(_ p: Int, _ i: Int) {
            let arow = a + p &* inner
            var s = 0.0
            for k in Int(starts[i])..<Int(starts[i &+ 1]) { s += arow[Int(indices[k])] * values[k] }
            out[p &* columns &+ i] = s
        }
        for p in 0..<rows {
            if let units, let counts {
                for q in 0..<Int(counts[p]) { entry(p, Int(units[p &* columns &+ q])) }
            } else {
                for i in 0..<columns { entry(p, i) }
            }
        }
    }
}
