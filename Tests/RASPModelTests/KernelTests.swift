import Testing
import RASPCore
import RASPModel

/// The kernels that skip work give the same bits as `multiplyAdd`, which sums every output in index
/// order: the circuits Edge Pruning finds must not depend on which kernel ran.
@Suite struct KernelTests {
    /// A `rows x columns` matrix of Gaussians with about `zeros` of its entries exactly 0.
    static func matrix(_ rows: Int, _ columns: Int, zeros: Double, _ random: inout SplitMix64) -> [Double] {
        (0..<(rows * columns)).map { _ in random.nextUnit() < zeros ? 0 : random.nextGaussian() }
    }

    /// Per row, the columns that are not zero (as `FiringUnits` lists them), and their counts.
    static func lists(_ a: [Double], rows: Int, width: Int) -> (units: [Int32], counts: [Int32]) {
        var units = [Int32](repeating: 0, count: rows * width), counts = [Int32](repeating: 0, count: rows)
        for p in 0..<rows {
            for i in 0..<width where a[p * width + i] != 0 {
                units[p * width + Int(counts[p])] = Int32(i)
                counts[p] += 1
            }
        }
        return (units, counts)
    }

    static func dense(_ a: [Double], _ b: [Double], rows: Int, inner: Int, columns: Int, scale: Double = 1, into out: [Double]) -> [Double] {
        var out = out
        out.withUnsafeMutableBufferPointer { Kernel.multiplyAdd(a, b, $0.baseAddress!, rows: rows, inner: inner, columns: columns, scale: scale) }
        return out
    }

    static let shapes = [(1, 1, 1), (3, 5, 2), (4, 7, 1), (9, 33, 17), (13, 272, 3), (16, 17, 40), (6, 2, 272)]

    @Test func theSparseMultiplyAddIsTheDenseOneToTheBit() {
        var random = SplitMix64(seed: 11)
        for (rows, inner, columns) in KernelTests.shapes {
            for zeros in [0.0, 0.5, 0.95, 1.0] {
                let a = KernelTests.matrix(rows, inner, zeros: zeros, &random), b = KernelTests.matrix(inner, columns, zeros: 0.1, &random)
                let start = KernelTests.matrix(rows, columns, zeros: 0.3, &random), scale = 0.3 + random.nextUnit()
                let (units, counts) = KernelTests.lists(a, rows: rows, width: inner)
                var out = start
                out.withUnsafeMutableBufferPointer {
                    Kernel.sparseMultiplyAdd(a, b, $0.baseAddress!, rows: rows, inner: inner, columns: columns, scale: scale, units: units, counts: counts)
                }
                let expected = KernelTests.dense(a, b, rows: rows, inner: inner, columns: columns, scale: scale, into: start)
                #expect(out.map(\.bitPattern) == expected.map(\.bitPattern), "\(rows)x\(inner)x\(columns), zeros \(zeros)")
            }
        }
    }

    @Test func theSparseTransposedProductIsTheDenseOneAtEveryListedEntry() {
        var random = SplitMix64(seed: 12)
        for (rows, inner, columns) in KernelTests.shapes {
            for zeros in [0.0, 0.5, 0.95, 1.0] {
                let a = KernelTests.matrix(rows, inner, zeros: 0.2, &random), b = KernelTests.matrix(columns, inner, zeros: 0.1, &random)
                let wanted = KernelTests.matrix(rows, columns, zeros: zeros, &random)
                let (units, counts) = KernelTests.lists(wanted, rows: rows, width: columns)
                var out = [Double](repeating: 0, count: rows * columns)
                out.withUnsafeMutableBufferPointer {
                    Kernel.sparseTransposedProduct(a, b, $0.baseAddress!, rows: rows, inner: inner, columns: columns, units: units, counts: counts)
                }
                let bt = (0..<(inner * columns)).map { b[($0 % columns) * inner + $0 / columns] }
                let expected = KernelTests.dense(a, bt, rows: rows, inner: inner, columns: columns, into: [Double](repeating: 0, count: rows * columns))
                let listed = expected.indices.map { wanted[$0] != 0 ? expected[$0] : 0 }
                #expect(out.map(\.bitPattern) == listed.map(\.bitPattern), "\(rows)x\(inner)x\(columns), zeros \(zeros)")
            }
        }
    }

    @Test func theSparseDotAndAxpyAreTheDenseOnesToTheBit() {
        var random = SplitMix64(seed: 13)
        for (rows, _, columns) in KernelTests.shapes {
            for zeros in [0.0, 0.5, 0.95, 1.0] {
                let a = KernelTests.matrix(rows, columns, zeros: zeros, &random), b = KernelTests.matrix(rows, columns, zeros: 0.1, &random)
                let (units, counts) = KernelTests.lists(a, rows: rows, width: columns)
                let dot = Kernel.sparseDot(a, b, rows: rows, columns: columns, units: units, counts: counts)
                #expect(dot.bitPattern == Kernel.dot(a, b, rows * columns).bitPattern, "\(rows)x\(columns), zeros \(zeros)")
                let start = KernelTests.matrix(rows, columns, zeros: 0.3, &random)
                var sparse = start, dense = start
                sparse.withUnsafeMutableBufferPointer {
                    Kernel.sparseAxpy(a, $0.baseAddress!, rows: rows, columns: columns, scale: 0.7, units: units, counts: counts)
                }
                dense.withUnsafeMutableBufferPointer { Kernel.axpy(a, $0.baseAddress!, rows * columns, scale: 0.7) }
                #expect(sparse.map(\.bitPattern) == dense.map(\.bitPattern))
            }
        }
    }

    /// The product as `multiplyAdd` was first written: blocks of four rows, an i skipped when it is 0
    /// in all four, every output summed over i in order in memory.
    static func reference(_ a: [Double], _ b: [Double], rows: Int, inner: Int, columns: Int, scale: Double, into start: [Double]) -> [Double] {
        var out = start, p = 0
        while p < rows {
            let block = p + 4 <= rows ? 4 : 1
            for i in 0..<inner {
                let x = (0..<block).map { a[(p + $0) * inner + i] * scale }
                if x.allSatisfy({ $0 == 0 }) { continue }
                for r in 0..<block { for j in 0..<columns { out[(p + r) * columns + j] += x[r] * b[i * columns + j] } }
            }
            p += block
        }
        return out
    }

    @Test func everyWidthOfTheDenseProductIsTheReferenceToTheBit() {
        var random = SplitMix64(seed: 14)
        for rows in [1, 3, 4, 9, 16] {
            for columns in 1...9 {
                for zeros in [0.0, 0.6] {
                    let inner = 1 + random.next(below: 40)
                    let a = KernelTests.matrix(rows, inner, zeros: zeros, &random), b = KernelTests.matrix(inner, columns, zeros: 0.2, &random)
                    let start = KernelTests.matrix(rows, columns, zeros: 0.3, &random)
                    let got = KernelTests.dense(a, b, rows: rows, inner: inner, columns: columns, scale: 0.6, into: start)
                    let expected = KernelTests.reference(a, b, rows: rows, inner: inner, columns: columns, scale: 0.6, into: start)
                    #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(rows)x\(inner)x\(columns)")
                }
            }
        }
    }

    @Test func productsWithTheNonzeroRowsOfAMatrixAreTheDenseOnesToTheBit() {
        var random = SplitMix64(seed: 15)
        for (rows, inner, columns) in KernelTests.shapes {
            let b = KernelTests.matrix(inner, columns, zeros: 0.9, &random)
            guard let sparse = SparseRows(Matrix(rows: inner, columns: columns, values: b)) else { continue }
            let a = KernelTests.matrix(rows, inner, zeros: 0.3, &random), start = KernelTests.matrix(rows, columns, zeros: 0.3, &random)
            var out = start
            out.withUnsafeMutableBufferPointer { Kernel.multiplyAdd(a, sparse, $0.baseAddress!, rows: rows, scale: 0.4) }
            let expected = KernelTests.dense(a, b, rows: rows, inner: inner, columns: columns, scale: 0.4, into: start)
            #expect(out.map(\.bitPattern) == expected.map(\.bitPattern), "\(rows)x\(inner)x\(columns)")
            // dx bᵀ for a dx of `rows x columns`, against the dense product with the transpose.
            let dx = KernelTests.matrix(rows, columns, zeros: 0.2, &random)
            var t = [Double](repeating: 0, count: rows * inner)
            t.withUnsafeMutableBufferPointer { Kernel.transposedProduct(dx, sparse, $0.baseAddress!, rows: rows) }
            let bt = (0..<(columns * inner)).map { b[($0 % inner) * columns + $0 / inner] }
            let dense = KernelTests.dense(dx, bt, rows: rows, inner: columns, columns: inner, into: [Double](repeating: 0, count: rows * inner))
            #expect(t.map(\.bitPattern) == dense.map(\.bitPattern), "\(rows)x\(inner)x\(columns) transposed")
        }
    }
}
