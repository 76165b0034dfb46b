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
    /// Rows go four at a time: the inputs i that are not zero in all four rows are listed first (the
    /// others are skipped: compiled activations are mostly one-hot), then the block's outputs are
    /// computed four columns at a time in registers over that list (`tiledBlock`); fewer than six
    /// columns go to `narrowMultiplyAdd`, rows past the last block to `remainingRows`. Each output is
    /// summed over i in order, whatever the blocking, so results do not depend on it.
    @inline(__always)
    public static func multiplyAdd(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>,
                                   rows: Int, inner: Int, columns: Int, scale: Double = 1) {
        if columns < 6 { return narrowMultiplyAdd(a, b, out, rows: rows, inner: inner, columns: columns, scale: scale) }
        withUnsafeTemporaryAllocation(of: SIMD2<Double>.self, capacity: 4 * max(1, inner)) { xb in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, inner)) { ob in
            var p = 0
            while p &+ 4 <= rows {
                tiledBlock(a + p &* inner, b, out + p &* columns, inner: inner, columns: columns, scale: scale,
                           xs: xb.baseAddress!, offsets: ob.baseAddress!)
                p &+= 4
            }
            remainingRows(a, b, out, from: p, rows: rows, inner: inner, columns: columns, scale: scale)
        }}
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
