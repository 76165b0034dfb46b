/// The hidden units of an MLP that fire on a position: z = relu(u) is zero wherever u <= 0, and so is
/// dL/du, so the products that read z or dL/du (an MLP writer's edges forward, its projection, its
/// input's gradient) and those whose result is only read where u > 0 (the gradient of z) can run over
/// the firing units alone. In a noisy compiled model most units of a wide MLP are silent on any one
/// input (a lookup table's rows). Only exact zeros are skipped, so results are the same bits.
public final class FiringUnits: @unchecked Sendable {
    /// Per MLP, per row of the batch: how many units fire, and which (increasing), `width` slots a row.
    let counts: UnsafeMutablePointer<Int32>
    let units: UnsafeMutablePointer<Int32>
    /// Per MLP: the start of its rows in `units` (no rows for one narrower than `narrowest`), its
    /// width, and how many of its entries fire in all.
    let starts: [Int]
    let widths: [Int]
    var totals: [Int]
    let rows: Int

    init(widths: [Int], rows: Int) {
        self.widths = widths
        self.rows = rows
        starts = widths.reduce(into: [0]) { $0.append($0.last! + rows * FiringUnits.listed($1)) }
        counts = .allocate(capacity: max(1, widths.count * rows))
        counts.initialize(repeating: 0, count: max(1, widths.count * rows))
        units = .allocate(capacity: max(1, starts.last!))
        units.initialize(repeating: 0, count: max(1, starts.last!))
        totals = [Int](repeating: 0, count: widths.count)
    }

    deinit {
        counts.deallocate()
        units.deallocate()
    }

    /// Lists the units of MLP `l` with u > 0, row by row of its pre-activations `u` (`rows x width`).
    func record(_ l: Int, preActivations u: UnsafePointer<Double>) {
        let width = widths[l], list = units + starts[l], count = counts + l * rows
        guard width >= FiringUnits.narrowest else { return }
        var total = 0
        for p in 0..<rows {
            var c: Int32 = 0
            let row = u + p * width, slots = list + p * width
            for i in 0..<width where row[i] > 0 {
                slots[Int(c)] = Int32(i)
                c += 1
            }
            count[p] = c
            total += Int(c)
        }
        totals[l] = total
    }

    /// The narrowest MLP whose units are listed: below it the dense kernels are as fast.
    static let narrowest = 24

    /// The slots a row of an MLP of `width` units takes: its width, or none below `narrowest`.
    static func listed(_ width: Int) -> Int { width >= narrowest ? width : 0 }

    /// The lists of MLP `l` when at most three quarters of its entries fire (the sparse kernels are
    /// faster than the dense one up to about there), else nil.
    func sparse(_ l: Int) -> (units: UnsafePointer<Int32>, counts: UnsafePointer<Int32>)? {
        guard widths[l] >= FiringUnits.narrowest, 4 * totals[l] <= 3 * rows * widths[l] else { return nil }
        return (UnsafePointer(units + starts[l]), UnsafePointer(counts + l * rows))
    }
}

extension EdgeMaskedModel {
    /// The layer of writer `w` when it is an MLP, else nil.
    func mlpLayer(ofWriter w: Int) -> Int? {
        if case .mlp(let l) = graph.writers[w] { return l }
        return nil
    }

    /// The hidden widths of the MLPs, layer by layer.
    var mlpWidths: [Int] { model.layers.indices.map { writerNativeWidth[writer(ofMLP: $0)] } }

    /// What a tape's firing lists take per position, in values (two list slots a value): for a cache
    /// that budgets its tapes (`valuesPerPosition` does not count them, so batch sizes stay as they were).
    public var firingValuesPerPosition: Int { (mlpWidths.reduce(0) { $0 + FiringUnits.listed($1) } + 1) / 2 }

    /// The firing lists of writer `w`'s block when it is an MLP that writes in its own coordinates and
    /// fires sparsely on this pass, else nil.
    func sparseBlock(_ w: Int, _ pass: Pass) -> (units: UnsafePointer<Int32>, counts: UnsafePointer<Int32>)? {
        guard writerForm[w] == .native, let l = mlpLayer(ofWriter: w) else { return nil }
        return pass.firing.sparse(l)
    }
}
