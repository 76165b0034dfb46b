/// The blockings of `Kernel.multiplyAdd`. Each keeps the blocks of four rows, skips the same inputs
/// (zero in all four rows) and sums every output over i in order; they differ only in which outputs
/// sit in registers while the sum runs.
extension Kernel {
    /// Four rows of out (`a` and `out` at their first row): the inputs i not zero in all four rows,
    /// with their scaled values a[p + r, i] * scale each duplicated into a pair (`xs`, four pairs per
    /// i) and b's row offsets, then every four columns of the block in eight registers over that list:
    /// each pair of b loaded serves four rows, no output is stored more than once and no value is
    /// broadcast inside the loop. The last one to three columns go one at a time.
    @inline(__always)
    static func tiledBlock(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>,
                           inner: Int, columns: Int, scale: Double,
                           xs: UnsafeMutablePointer<SIMD2<Double>>, offsets: UnsafeMutablePointer<Int>) {
        let a0 = a, a1 = a0 + inner, a2 = a1 + inner, a3 = a2 + inner
        var count = 0
        for i in 0..<inner {
            let x0 = a0[i] * scale, x1 = a1[i] * scale, x2 = a2[i] * scale, x3 = a3[i] * scale
            if x0 == 0 && x1 == 0 && x2 == 0 && x3 == 0 { continue }
            let s = xs + 4 &* count
            s[0] = SIMD2(repeating: x0)
            s[1] = SIMD2(repeating: x1)
            s[2] = SIMD2(repeating: x2)
            s[3] = SIMD2(repeating: x3)
            offsets[count] = i &* columns
            count &+= 1
        }
        var j = 0
        while j &+ 4 <= columns {
            tile(xs, offsets, count, b + j, out + j, columns)
            j &+= 4
        }
        while j < columns {
            let o = out + j
            var s0 = o[0], s1 = o[columns], s2 = o[2 &* columns], s3 = o[3 &* columns]
            for q in 0..<count {
                let y = b[offsets[q] &+ j], s = xs + 4 &* q
                s0 += s[0][0] * y
                s1 += s[1][0] * y
                s2 += s[2][0] * y
                s3 += s[3][0] * y
            }
            o[0] = s0; o[columns] = s1; o[2 &* columns] = s2; o[3 &* columns] = s3
            j &+= 1
        }
    }

    /// out[r, 0..<4] += sum_q x_r[q] b[offset[q] + 0..<4] for the four rows r, in registers.
    @inline(__always)
    static func tile(_ xs: UnsafePointer<SIMD2<Double>>, _ offsets: UnsafePointer<Int>, _ count: Int, _ b: UnsafePointer<Double>,
                     _ o: UnsafeMutablePointer<Double>, _ columns: Int) {
        let o1 = o + columns, o2 = o1 + columns, o3 = o2 + columns
        var c00 = SIMD2(o[0], o[1]), c01 = SIMD2(o[2], o[3]), c10 = SIMD2(o1[0], o1[1]), c11 = SIMD2(o1[2], o1[3])
        var c20 = SIMD2(o2[0], o2[1]), c21 = SIMD2(o2[2], o2[3]), c30 = SIMD2(o3[0], o3[1]), c31 = SIMD2(o3[2], o3[3])
        for q in 0..<count {
            let br = b + offsets[q], s = xs + 4 &* q
            let y0 = SIMD2(br[0], br[1]), y1 = SIMD2(br[2], br[3])
            c00 += s[0] * y0
            c01 += s[0] * y1
            c10 += s[1] * y0
            c11 += s[1] * y1
            c20 += s[2] * y0
            c21 += s[2] * y1
            c30 += s[3] * y0
            c31 += s[3] * y1
        }
        o[0] = c00[0]; o[1] = c00[1]; o[2] = c01[0]; o[3] = c01[1]
        o1[0] = c10[0]; o1[1] = c10[1]; o1[2] = c11[0]; o1[3] = c11[1]
        o2[0] = c20[0]; o2[1] = c20[1]; o2[2] = c21[0]; o2[3] = c21[1]
        o3[0] = c30[0]; o3[1] = c30[1]; o3[2] = c31[0]; o3[3] = c31[1]
    }

    /// `multiplyAdd` for a few columns: a four-row block's outputs, one or two columns at a time, stay
    /// in registers over the whole inner loop instead of being loaded and stored for every i (a chain
    /// through memory). Same blocks, same skipped terms, same order.
    @inline(__always)
    static func narrowMultiplyAdd(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>,
                                  rows: Int, inner: Int, columns: Int, scale: Double) {
        var p = 0
        while p &+ 4 <= rows {
            let a0 = a + p &* inner, a1 = a0 + inner, a2 = a1 + inner, a3 = a2 + inner
            let o0 = out + p &* columns, o1 = o0 + columns, o2 = o1 + columns, o3 = o2 + columns
            var j = 0
            while j < columns {
                let two = j &+ 2 <= columns
                var c0 = SIMD2(o0[j], two ? o0[j &+ 1] : 0), c1 = SIMD2(o1[j], two ? o1[j &+ 1] : 0)
                var c2 = SIMD2(o2[j], two ? o2[j &+ 1] : 0), c3 = SIMD2(o3[j], two ? o3[j &+ 1] : 0)
                for i in 0..<inner {
                    let x0 = a0[i] * scale, x1 = a1[i] * scale, x2 = a2[i] * scale, x3 = a3[i] * scale
                    if x0 == 0 && x1 == 0 && x2 == 0 && x3 == 0 { continue }
                    let br = b + (i &* columns &+ j)
                    let y = SIMD2(br[0], two ? br[1] : 0)
                    c0 += x0 * y
                    c1 += x1 * y
                    c2 += x2 * y
                    c3 += x3 * y
                }
                o0[j] = c0[0]; o1[j] = c1[0]; o2[j] = c2[0]; o3[j] = c3[0]
                if two { o0[j &+ 1] = c0[1]; o1[j &+ 1] = c1[1]; o2[j &+ 1] = c2[1]; o3[j &+ 1] = c3[1] }
                j &+= 2
            }
            p &+= 4
        }
        remainingRows(a, b, out, from: p, rows: rows, inner: inner, columns: columns, scale: scale)
    }

    /// The rows past the last block of four, one at a time.
    @inline(__always)
    static func remainingRows(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>,
                              from start: Int, rows: Int, inner: Int, columns: Int, scale: Double) {
        var p = start
        while p < rows {
            let arow = a + p &* inner, orow = out + p &* columns
            for i in 0..<inner {
                let x = arow[i] * scale
                if x == 0 { continue }
                let brow = b + i &* columns
                for j in 0..<columns { orow[j] += x * brow[j] }
            }
            p &+= 1
        }
    }
}
