#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The numeric kernels every pass shares: the forward and backward passes of the edge-masked model,
/// for every variant. Row-major flat storage; callers hoist the pointers. Every sum runs in index
/// order, so results do not depend on how work is spread over cores.
public enum Kernel {
    /// out[p, j] += scale * sum_i a[p, i] b[i, j] for an a of `rows x inner` and a b of `inner x columns`.
    /// Rows go four at a time, so each row of b loaded serves four rows of out; the inner loop runs over
    /// j, contiguous in b and out, so it vectorises. Each output is summed over i in order, whatever
    /// the blocking. Inputs that are zero in all four rows are skipped (compiled activations are mostly
    /// one-hot). Fewer than six columns go to `narrowMultiplyAdd`.
    @inline(__always)
    public static func multiplyAdd(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>,
                                   rows: Int, inner: Int, columns: Int, scale: Double = 1) {
        if columns < 6 { return narrowMultiplyAdd(a, b, out, rows: rows, inner: inner, columns: columns, scale: scale) }
        var p = 0
        while p &+ 4 <= rows {
            let a0 = a + p &* inner, a1 = a0 + inner, a2 = a1 + inner, a3 = a2 + inner
            let o0 = out + p &* columns, o1 = o0 + columns, o2 = o1 + columns, o3 = o2 + columns
            for i in 0..<inner {
                let x0 = a0[i] * scale, x1 = a1[i] * scale, x2 = a2[i] * scale, x3 = a3[i] * scale
                if x0 == 0 && x1 == 0 && x2 == 0 && x3 == 0 { continue }
                let brow = b + i &* columns
                for j in 0..<columns {
                    let y = brow[j]
                    o0[j] += x0 * y
                    o1[j] += x1 * y
                    o2[j] += x2 * y
                    o3[j] += x3 * y
                }
            }
            p &+= 4
        }
        remainingRows(a, b, out, from: p, rows: rows, inner: inner, columns: columns, scale: scale)
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

    /// out[j, i] = a[i, j] for an a of `rows x columns`.
    @inline(__always)
    public static func transpose(_ a: UnsafePointer<Double>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Double>) {
        for j in 0..<columns {
            let orow = out + j &* rows
            for i in 0..<rows { orow[i] = a[i &* columns &+ j] }
        }
    }

    /// sum_i a[i] b[i] with four partial sums, combined in a fixed order.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i &+ 4 <= n {
            s0 += a[i] * b[i]
            s1 += a[i &+ 1] * b[i &+ 1]
            s2 += a[i &+ 2] * b[i &+ 2]
            s3 += a[i &+ 3] * b[i &+ 3]
            i &+= 4
        }
        while i < n {
            s0 += a[i] * b[i]
            i &+= 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// y[i] += scale * x[i].
    @inline(__always)
    public static func axpy(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int, scale: Double) {
        if scale == 0 { return }
        for i in 0..<n { y[i] += scale * x[i] }
    }

    /// Replaces `row[0..<count]` by its softmax, exp(x_i - max) / sum_j exp(x_j - max) (subtracting the
    /// maximum keeps every exponent at most 0). Compiled logits take few distinct values, so an argument
    /// equal to the previous one reuses its exponential.
    @inline(__always)
    public static func softmax(_ row: UnsafeMutablePointer<Double>, _ count: Int) {
        var maximum = -Double.infinity
        for k in 0..<count where row[k] > maximum { maximum = row[k] }
        var total = 0.0
        var lastDifference = 0.0, lastExp = 1.0
        for k in 0..<count {
            let difference = row[k] - maximum
            let e: Double
            if difference == lastDifference {
                e = lastExp
            } else {
                e = exp(difference)
                lastDifference = difference
                lastExp = e
            }
            row[k] = e
            total += e
        }
        let scale = 1 / total
        for k in 0..<count { row[k] *= scale }
    }

    /// Through a = softmax(s): ds_k = a_k (da_k - sum_j a_j da_j), in place of `da`.
    @inline(__always)
    public static func softmaxBackward(_ a: UnsafePointer<Double>, _ da: UnsafeMutablePointer<Double>, _ count: Int) {
        let inner = dot(a, UnsafePointer(da), count)
        for k in 0..<count { da[k] = a[k] * (da[k] - inner) }
    }
}

extension Double {
    /// exp, for modules that do not import the C library.
    @inline(__always) public static func exponential(_ x: Double) -> Double { exp(x) }
    /// The natural logarithm.
    @inline(__always) public static func logarithm(_ x: Double) -> Double { log(x) }
}
