import RASPCore

/// The transformations behind the model variants of RASP.md 3.6: a change of basis of the residual
/// stream, and noise on every weight.
extension DenseTransformer {
    /// The widest residual stream a rotation is built for (its QR takes width^3 steps).
    public static let maximumRotatedWidth = 1_024

    /// The model in the residual basis R (orthonormal, `width x width`): every writer matrix O becomes
    /// O R and every reader matrix W becomes R^T W, so O W, and with it the function, is unchanged up to
    /// rounding while no reader reads an axis-aligned subspace.
    public func rotated(by r: Matrix) -> DenseTransformer {
        precondition(r.rows == width && r.columns == width, "a rotation of the residual stream is width x width")
        let rt = r.transposed
        return transformed(writer: { m, _ in m = m.multiplied(by: r) }, reader: { m, _ in m = rt.multiplied(by: m) })
    }

    /// A random orthonormal matrix: Gram-Schmidt (twice, for accuracy) on the columns of a seeded
    /// Gaussian matrix, which gives a Haar-distributed rotation (Mezzadri 2007, up to column signs).
    public static func randomRotation(width n: Int, seed: UInt64) -> Matrix {
        var random = SplitMix64(seed: seed ^ 0x0A7A_7E5E_ED00_0001)
        var q = Matrix(rows: n, columns: n)
        for i in 0..<(n * n) { q.values[i] = random.nextGaussian() }
        for c in 0..<n {
            for _ in 0..<2 {
                for prior in 0..<c {
                    var d = 0.0
                    for r in 0..<n { d += q[r, prior] * q[r, c] }
                    for r in 0..<n { q[r, c] -= d * q[r, prior] }
                }
            }
            let norm = q.columnNorm(c)
            for r in 0..<n { q[r, c] /= norm }
        }
        return q
    }

    /// Unit-scaled noise for every weight matrix, in the layout of `transformed`: a writer row (a
    /// reader column) `w` of length n gets entries N(0, (norm(w) / sqrt(n))^2), so that adding `e`
    /// times it perturbs each unit by about `e` of its own size. A unit of norm 0 (an empty head slot,
    /// the BOS position) is scaled by the mean norm of the nonzero units of its kind in the model.
    public func noise(seed: UInt64) -> [Matrix] {
        var random = SplitMix64(seed: seed ^ 0x0015_E5EE_D000_0002)
        let means = meanUnitNorms()
        var draws: [Matrix] = []
        _ = transformed(writer: { m, role in
            draws.append(DenseTransformer.draw(m, units: .rows, fallback: means[role] ?? 1, &random))
        }, reader: { m, role in
            draws.append(DenseTransformer.draw(m, units: .columns, fallback: means[role] ?? 1, &random))
        })
        return draws
    }

    /// The model plus `scale` times `noise` (as `noise(seed:)` lays it out).
    public func adding(_ noise: [Matrix], scale: Double) -> DenseTransformer {
        var i = 0
        func add(_ m: inout Matrix, _ role: WeightRole) {
            let n = noise[i]
            i += 1
            for k in m.values.indices { m.values[k] += scale * n.values[k] }
        }
        return transformed(writer: add, reader: add)
    }

    enum Units { case rows, columns }

    static func draw(_ m: Matrix, units: Units, fallback: Double, _ random: inout SplitMix64) -> Matrix {
        var out = Matrix(rows: m.rows, columns: m.columns)
        let count = units == .rows ? m.rows : m.columns, length = units == .rows ? m.columns : m.rows
        for u in 0..<count {
            let norm = units == .rows ? m.rowNorm(u) : m.columnNorm(u)
            let sigma = (norm > 0 ? norm : fallback) / Double(length).squareRoot()
            for i in 0..<length {
                let x = sigma * random.nextGaussian()
                if units == .rows { out[u, i] = x } else { out[i, u] = x }
            }
        }
        return out
    }

    /// Per kind of weight matrix, the mean norm of its nonzero units over the whole model.
    func meanUnitNorms() -> [WeightRole: Double] {
        var sums: [WeightRole: (Double, Int)] = [:]
        func collect(_ m: Matrix, _ role: WeightRole, _ units: Units) {
            let count = units == .rows ? m.rows : m.columns
            for u in 0..<count {
                let norm = units == .rows ? m.rowNorm(u) : m.columnNorm(u)
                if norm > 0 { sums[role, default: (0, 0)].0 += norm; sums[role, default: (0, 0)].1 += 1 }
            }
        }
        _ = transformed(writer: { m, role in collect(m, role, .rows) }, reader: { m, role in collect(m, role, .columns) })
        var means = sums.mapValues { $0.0 / Double($0.1) }
        // A kind with no nonzero unit at all (no program uses it) takes the mean of all kinds.
        let all = sums.values.reduce((0.0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        for role in WeightRole.allCases where means[role] == nil { means[role] = all.1 > 0 ? all.0 / Double(all.1) : 1 }
        return means
    }
}
