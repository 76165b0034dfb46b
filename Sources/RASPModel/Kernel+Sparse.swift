/// Kernels for products with an operand that is zero outside listed entries (an MLP's firing units):
/// they skip only exact zeros and keep every sum in `multiplyAdd`'s order, so their results are its
/// bits (an accumulator that starts at +0 never holds -0, so a zero term changes nothing).
extension Kernel {
    /// `multiplyAdd` for an `a` whose row p is zero outside the columns `units[p * inner ..< p * inner +
    /// counts[p]]` (increasing): out[p, j] += sum over those i of (a[p, i] * scale) b[i, j], i in order.
    /// Row by row, the nonzero terms are gathered first (each value duplicated into a pair); then eight
    /// outputs at a time stay in registers over all of them (each load of b serves one row, but no
    /// output is stored more than once and no value is broadcast inside the loop).
    @inline(__always)
    public static func sparseMultiplyAdd(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>,
                                         rows: Int, inner: Int, columns: Int, scale: Double = 1,
                                         units: UnsafePointer<Int32>, counts: UnsafePointer<Int32>) {
        withUnsafeTemporaryAllocation(of: SIMD2<Double>.self, capacity: max(1, inner)) { xb in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, inner)) { ob in
            let xs = xb.baseAddress!, offsets = ob.baseAddress!
            for p in 0..<rows {
                let arow = a + p &* inner, list = units + p &* inner
                var c = 0
                for q in 0..<Int(counts[p]) {
                    let i = Int(list[q]), x = arow[i] * scale
                    if x == 0 { continue }
                    xs[c] = SIMD2(repeating: x)
                    offsets[c] = i &* columns
                    c &+= 1
                }
                if c > 0 { gatheredRow(xs, offsets, c, b, out + p &* columns, columns) }
            }
        }}
    }

    /// o[j] += sum_q x[q] b[offset[q] + j] for j < columns, q in order: eight, then two, then one
    /// output at a time held in registers.
    @inline(__always)
    static func gatheredRow(_ x: UnsafePointer<SIMD2<Double>>, _ offset: UnsafePointer<Int>, _ count: Int, _ b: UnsafePointer<Double>,
                            _ o: UnsafeMutablePointer<Double>, _ columns: Int) {
        var j = 0
        while j &+ 8 <= columns {
            var c0 = SIMD2(o[j], o[j &+ 1]), c1 = SIMD2(o[j &+ 2], o[j &+ 3])
            var c2 = SIMD2(o[j &+ 4], o[j &+ 5]), c3 = SIMD2(o[j &+ 6], o[j &+ 7])
            for q in 0..<count {
                let xq = x[q], br = b + (offset[q] &+ j)
                c0 += xq * SIMD2(br[0], br[1])
                c1 += xq * SIMD2(br[2], br[3])
                c2 += xq * SIMD2(br[4], br[5])
                c3 += xq * SIMD2(br[6], br[7])
            }
            o[j] = c0[0]; o[j &+ 1] = c0[1]; o[j &+ 2] = c1[0]; o[j &+ 3] = c1[1]
            o[j &+ 4] = c2[0]; o[j &+ 5] = c2[1]; o[j &+ 6] = c3[0]; o[j &+ 7] = c3[1]
            j &+= 8
        }
        while j &+ 2 <= columns {
            var c0 = SIMD2(o[j], o[j &+ 1])
            for q in 0..<count {
                let br = b + (offset[q] &+ j)
                c0 += x[q] * SIMD2(br[0], br[1])
            }
            o[j] = c0[0]; o[j &+ 1] = c0[1]
            j &+= 2
        }
        if j < columns {
            var s = o[j]
            for q in 0..<count { s += x[q][0] * b[offset[q] &+ j] }
            o[j] = s
        }
    }

    /// out[p, i] = sum_j a[p, j] b[i, j], j in order, for the columns i listed for row p in `units[p *
    /// columns ..< p * columns + counts[p]]`; other entries of out are left as they are. These are the
    /// entries `multiplyAdd(a, bᵀ, out)` gives into a zeroed out, to the bit (its skipped terms are zero),
    /// for a caller that needs only some of them. Each sum is a chain of dependent additions, so eight
    /// listed columns run at once (a short last group repeats its last column, writing it twice).
    @inline(__always)
    public static func sparseTransposedProduct(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>,
                                               rows: Int, inner: Int, columns: Int,
                                               units: UnsafePointer<Int32>, counts: UnsafePointer<Int32>) {
        for p in 0..<rows {
            let arow = a + p &* inner, orow = out + p &* columns, list = units + p &* columns
            let count = Int(counts[p])
            var q = 0
            while q < count {
                let last = count &- 1
                if count &- q <= 4 {
                    dots4(arow, b, inner, orow, list, q, last)
                    q &+= 4
                } else {
                    dots8(arow, b, inner, orow, list, q, last)
                    q &+= 8
                }
            }
        }
    }

    /// o[i] = sum_j x[j] b[i * inner + j] for the listed i at list[q ..< q + 4] (past `last`: list[last]).
    @inline(__always)
    static func dots4(_ x: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ inner: Int, _ o: UnsafeMutablePointer<Double>,
                      _ list: UnsafePointer<Int32>, _ q: Int, _ last: Int) {
        let i0 = Int(list[q]), i1 = Int(list[min(q &+ 1, last)]), i2 = Int(list[min(q &+ 2, last)]), i3 = Int(list[min(q &+ 3, last)])
        let b0 = b + i0 &* inner, b1 = b + i1 &* inner, b2 = b + i2 &* inner, b3 = b + i3 &* inner
        var s01 = SIMD2<Double>(), s23 = SIMD2<Double>()
        for j in 0..<inner {
            let xj = SIMD2(repeating: x[j])
            s01 += xj * SIMD2(b0[j], b1[j])
            s23 += xj * SIMD2(b2[j], b3[j])
        }
        o[i0] = s01[0]; o[i1] = s01[1]; o[i2] = s23[0]; o[i3] = s23[1]
    }

    /// `dots4` for the eight listed columns at list[q ..< q + 8].
    @inline(__always)
    static func dots8(_ x: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ inner: Int, _ o: UnsafeMutablePointer<Double>,
                      _ list: UnsafePointer<Int32>, _ q: Int, _ last: Int) {
        var i = (0, 0, 0, 0, 0, 0, 0, 0)
        i.0 = Int(list[q]); i.1 = Int(list[q &+ 1]); i.2 = Int(list[q &+ 2]); i.3 = Int(list[q &+ 3])
        i.4 = Int(list[q &+ 4]); i.5 = Int(list[min(q &+ 5, last)]); i.6 = Int(list[min(q &+ 6, last)]); i.7 = Int(list[min(q &+ 7, last)])
        let b0 = b + i.0 &* inner, b1 = b + i.1 &* inner, b2 = b + i.2 &* inner, b3 = b + i.3 &* inner
        let b4 = b + i.4 &* inner, b5 = b + i.5 &* inner, b6 = b + i.6 &* inner, b7 = b + i.7 &* inner
        var s01 = SIMD2<Double>(), s23 = SIMD2<Double>(), s45 = SIMD2<Double>(), s67 = SIMD2<Double>()
        for j in 0..<inner {
            let xj = SIMD2(repeating: x[j])
            s01 += xj * SIMD2(b0[j], b1[j])
            s23 += xj * SIMD2(b2[j], b3[j])
            s45 += xj * SIMD2(b4[j], b5[j])
            s67 += xj * SIMD2(b6[j], b7[j])
        }
        o[i.0] = s01[0]; o[i.1] = s01[1]; o[i.2] = s23[0]; o[i.3] = s23[1]
        o[i.4] = s45[0]; o[i.5] = s45[1]; o[i.6] = s67[0]; o[i.7] = s67[1]
    }

    /// `dot(a, b, rows * columns)` where a is zero outside the listed entries (the columns of row p in
    /// `units[p * columns ..< p * columns + counts[p]]`): each listed term goes to the partial sum
    /// `dot` gives it, in the same order, so the result is its bits whatever b holds elsewhere.
    @inline(__always)
    public static func sparseDot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, rows: Int, columns: Int,
                                 units: UnsafePointer<Int32>, counts: UnsafePointer<Int32>) -> Double {
        var s = (0.0, 0.0, 0.0, 0.0)
        let n = rows &* columns, blocked = n & ~3
        for p in 0..<rows {
            let list = units + p &* columns, start = p &* columns
            for q in 0..<Int(counts[p]) {
                let f = start &+ Int(list[q]), x = a[f] * b[f]
                switch f < blocked ? f & 3 : 0 {
                case 0: s.0 += x
                case 1: s.1 += x
                case 2: s.2 += x
                default: s.3 += x
                }
            }
        }
        return (s.0 + s.1) + (s.2 + s.3)
    }

    /// y[f] += scale * x[f] at the listed entries f (as `sparseDot` lists them).
    @inline(__always)
    public static func sparseAxpy(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, rows: Int, columns: Int, scale: Double,
                                  units: UnsafePointer<Int32>, counts: UnsafePointer<Int32>) {
        if scale == 0 { return }
        for p in 0..<rows {
            let list = units + p &* columns, start = p &* columns
            for q in 0..<Int(counts[p]) {
                let f = start &+ Int(list[q])
                y[f] += scale * x[f]
            }
        }
    }
}
