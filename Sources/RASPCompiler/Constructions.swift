import RASPLanguage
import RASPModel

/// tracr's constructions, in our code: lookup-table MLPs for categorical maps, discretising MLPs for
/// numerical inputs, pair-detecting MLPs for sequence maps, a linear MLP for +/- of numerical s-ops,
/// one attention head per aggregate, and a head plus an MLP per selector width.
struct Constructions {
    let graph: CompileGraph
    let layout: ResidualLayout
    /// Softmax inverse temperature: a selected key scores `coldness`, BOS `coldness / 2` (aggregates)
    /// or `coldness` (selector widths), an unselected key 0. At 40 the weight leaking to BOS from a
    /// selected key is e^-20 (2e-9) and to an unselected key e^-40.
    let coldness: Double

    private func dims(_ node: Int) -> [Int] { layout.nodeDimensions[node] }
    private func values(_ node: Int) -> [Value] { graph.nodes[node].values.values }

    // MARK: Attention

    /// The bilinear form of a selector: W_QK[q_v, k_w] = coldness * P(w, v) on the query and key one-hots,
    /// and W_QK[one, BOS] = coldness * bosWeight so that BOS wins when no key is selected.
    private func queryKey(_ s: HeadSelector, bosWeight: Double) throws(CompileError) -> (q: [Int], k: [Int], w: Matrix) {
        let qValues = values(s.queries), kValues = values(s.keys)
        let q = dims(s.queries) + [layout.one], k = dims(s.keys) + [layout.bos]
        var w = Matrix(rows: q.count, columns: k.count)
        var evaluator = s.evaluator(queries: qValues, keys: kValues)
        var row = [Int32](repeating: 0, count: kValues.count)
        for i in qValues.indices {
            evaluator.row(i, count: kValues.count, into: &row)
            for (j, code) in row.enumerated() where code != 0 {
                guard code == 1 else {
                    throw CompileError("the selector fails on key \(kValues[j].quotedDescription) and query \(qValues[i].quotedDescription): \(evaluator.errors[Int(code) - 2].message)", at: s.formula.location)
                }
                w[i, j] = coldness
            }
        }
        w[qValues.count, kValues.count] = coldness * bosWeight
        return (q, k, w)
    }

    /// Whether the selector selects every key (or none) for every query: its head's query and key read
    /// only constant information.
    func isConstant(_ s: HeadSelector) -> Bool {
        let qValues = values(s.queries), kValues = values(s.keys)
        var evaluator = s.evaluator(queries: qValues, keys: kValues)
        var row = [Int32](repeating: 0, count: kValues.count)
        var seen = Set<Int32>()
        for i in qValues.indices {
            evaluator.row(i, count: kValues.count, into: &row)
            for code in row where code < 2 { seen.insert(code) }
            if seen.count > 1 { return false }
        }
        return true
    }

    /// An aggregate: attend to the selected keys (BOS when none) and copy their value: one-hot to one-hot
    /// of the same value (categorical), or the number itself (numerical, giving the mean).
    func aggregateHead(node id: Int) throws(CompileError) -> Transformer.AttentionHead {
        guard case .aggregate(let s, let x) = graph.nodes[id].operation else { preconditionFailure("not an aggregate") }
        let qk = try queryKey(s, bosWeight: 0.5)
        let out = dims(id)
        var ov = Matrix(rows: dims(x).count, columns: out.count)
        if graph.nodes[id].encoding == .numerical {
            ov[0, 0] = 1
        } else {
            let target = graph.nodes[id].values
            for (i, v) in values(x).enumerated() {
                if let j = target.index(of: v) { ov[i, j] = 1 }
            }
        }
        return Transformer.AttentionHead(queryInputs: qk.q, keyInputs: qk.k, valueInputs: dims(x), outputs: out, wQK: qk.w, wOV: ov)
            .droppingUnreadInputs()
    }

    /// A selector width's head: BOS scores like a selected key, and the value is the BOS indicator, so the
    /// head writes 1/(w+1) for w selected keys. A `true` selector over tokens or indices (never none)
    /// needs no query or key at all: uniform attention over all positions gives the same 1/(n+1).
    func selectorWidthHead(node id: Int) throws(CompileError) -> Transformer.AttentionHead {
        guard case .selectorWidth(let s) = graph.nodes[id].operation, let attention = layout.attentionDimension[id] else {
            preconditionFailure("not a selector width")
        }
        let neverNone = [s.keys, s.queries].allSatisfy { graph.nodes[$0].isPrimitive }
        var ov = Matrix(rows: 1, columns: 1)
        ov[0, 0] = 1
        if neverNone, isConstant(s), let anyKey = values(s.keys).first, let anyQuery = values(s.queries).first,
           (try? s.selects(key: anyKey, query: anyQuery)) == true {
            return Transformer.AttentionHead(queryInputs: [], keyInputs: [], valueInputs: [layout.bos], outputs: [attention],
                                             wQK: Matrix(rows: 0, columns: 0), wOV: ov)
        }
        let qk = try queryKey(s, bosWeight: 1)
        return Transformer.AttentionHead(queryInputs: qk.q, keyInputs: qk.k, valueInputs: [layout.bos], outputs: [attention], wQK: qk.w, wOV: ov)
            .droppingUnreadInputs()
    }

    // MARK: MLPs

    /// The MLP block of a map, sequence map, linear sequence map, or a selector width's MLP.
    func mlpBlock(node id: Int) throws(CompileError) -> MLPBlock {
        let node = graph.nodes[id]
        switch node.operation {
        case .map(let f, let x):
            let xs = values(x)
            var outputs: [Value] = []
            for v in xs {
                do throws(ValueError) { outputs.append(try f(v)) } catch {
                    throw CompileError("the function of '\(node.label)' fails on \(v.quotedDescription): \(error.message)", at: f.location)
                }
            }
            if graph.nodes[x].encoding == .numerical {
                return try discretising(input: dims(x)[0], points: zip(xs.map { $0.number! }, outputs).map { ($0, $1) }, node: id)
            }
            return node.encoding == .numerical ? categoricalToNumerical(input: x, outputs: outputs, node: id)
                                               : lookupTable(input: x, outputs: outputs, node: id)
        case .sequenceMap(let f, let a, let b):
            if a == b {
                var outputs: [Value] = []
                for v in values(a) {
                    do throws(ValueError) { outputs.append(try f([v, v])) } catch {
                        throw CompileError("the function of '\(node.label)' fails on \(v.quotedDescription): \(error.message)", at: f.location)
                    }
                }
                return lookupTable(input: a, outputs: outputs, node: id)
            }
            return try pairTable(f, a, b, node: id)
        case .linearSequenceMap(let a, let b, let p, let q):
            return linear(a, b, p, q, node: id)
        case .selectorWidth:
            let n = graph.nodes[id].values.values.count - 1
            let points = (0...n).map { w in (1.0 / Double(w + 1), Value.int(w)) }
            return try discretising(input: layout.attentionDimension[id]!, points: points, node: id)
        default:
            preconditionFailure("no MLP for \(node.label)")
        }
    }

    /// Categorical to categorical: hidden unit j fires for the inputs that map to output value j.
    private func lookupTable(input x: Int, outputs: [Value], node id: Int) -> MLPBlock {
        let out = dims(id), target = graph.nodes[id].values
        var block = MLPBlock(inputs: dims(x), outputs: out, hidden: out.count)
        for (i, y) in outputs.enumerated() {
            if let j = target.index(of: y) { block.w1[i, j] = 1 }
        }
        for j in 0..<out.count { block.w2[j, j] = 1 }
        return block
    }

    /// Categorical to numerical: `sum_v f(v) [x = v]`, split into a positive and a negative unit when f
    /// takes both signs (tracr's single unit clips negative values, its issue #24).
    private func categoricalToNumerical(input x: Int, outputs: [Value], node id: Int) -> MLPBlock {
        let ys = outputs.map { $0.number! }
        let hasNegative = ys.contains { $0 < 0 }
        var block = MLPBlock(inputs: dims(x), outputs: dims(id), hidden: hasNegative ? 2 : 1)
        for (i, y) in ys.enumerated() {
            if y > 0 { block.w1[i, 0] = y }
            if y < 0 { block.w1[i, 1] = -y }
        }
        block.w2[0, 0] = 1
        if hasNegative { block.w2[1, 0] = -1 }
        return block
    }

    /// Categorical x categorical: one hidden unit per pair of values, `relu(x_i + y_j - 1)`, which is 1
    /// exactly when both one-hots are set, writing the one-hot of f(x_i, y_j).
    private func pairTable(_ f: Lambda, _ a: Int, _ b: Int, node id: Int) throws(CompileError) -> MLPBlock {
        let xs = values(a), ys = values(b)
        let out = dims(id), target = graph.nodes[id].values
        var block = MLPBlock(inputs: dims(a) + dims(b) + [layout.one], outputs: out, hidden: xs.count * ys.count)
        let oneRow = xs.count + ys.count
        for (i, x) in xs.enumerated() {
            for (j, y) in ys.enumerated() {
                let h = i * ys.count + j
                block.w1[i, h] = 1
                block.w1[xs.count + j, h] = 1
                block.w1[oneRow, h] = -1
                let z: Value
                do throws(ValueError) { z = try f([x, y]) } catch {
                    throw CompileError("the function of '\(graph.nodes[id].label)' fails on \(x.quotedDescription) and \(y.quotedDescription): \(error.message)", at: f.location)
                }
                if let k = target.index(of: z) { block.w2[h, k] = 1 }
            }
        }
        return block
    }

    /// `p x + q y` of numerical s-ops through relu(x), relu(-x), relu(y), relu(-y).
    private func linear(_ a: Int, _ b: Int, _ p: Double, _ q: Double, node id: Int) -> MLPBlock {
        let inputs = a == b ? [dims(a)[0]] : [dims(a)[0], dims(b)[0]]
        var block = MLPBlock(inputs: inputs, outputs: dims(id), hidden: 4)
        let rowB = a == b ? 0 : 1
        block.w1[0, 0] = 1
        block.w1[0, 1] = -1
        block.w1[rowB, 2] += 1
        block.w1[rowB, 3] += -1
        block.w2[0, 0] = p
        block.w2[1, 0] = -p
        block.w2[2, 0] = q
        block.w2[3, 0] = -q
        return block
    }

    /// A function of one number, given on finitely many input points, as a staircase of ReLUs (tracr's
    /// `numerical_mlp` discretisation, Lindner et al. 2023): a `start` unit writes f(v_0) for the smallest
    /// input, and for each k where f changes, the pair `relu(L_k (x - t_k) + 1) - relu(L_k (x - t_k))`
    /// steps from 0 to 1 between v_{k-1} and v_k and writes f(v_k) - f(v_{k-1}). The threshold t_k is the
    /// midpoint and L_k = 4 / (v_k - v_{k-1}), so the ramp of each step ends a quarter gap above v_{k-1}:
    /// every input point sees each step fully off or fully on. tracr's fixed L = 100 fails once gaps drop
    /// below 1/50 (selector widths from 7 on). Steps where f does not change are left out.
    private func discretising(input x: Int, points: [(Double, Value)], node id: Int) throws(CompileError) -> MLPBlock {
        let node = graph.nodes[id]
        let numericalOutput = node.encoding == .numerical
        let out = dims(id)
        var sorted = points.sorted { $0.0 < $1.0 }
        // Merge points equal up to rounding; they must agree.
        var merged: [(Double, Value)] = []
        for p in sorted {
            if let last = merged.last, p.0 - last.0 <= 1e-9 * max(1, abs(p.0)) {
                if !(p.1 == last.1) {
                    throw CompileError("'\(node.label)' maps the inputs \(Value.formatReal(last.0)) and \(Value.formatReal(p.0)), which are too close to tell apart, to different values", at: node.location)
                }
                continue
            }
            merged.append(p)
        }
        sorted = merged
        func output(_ v: Value) -> [Double] {
            var o = [Double](repeating: 0, count: out.count)
            if numericalOutput { o[0] = v.number ?? 0 } else if let j = node.values.index(of: v) { o[j] = 1 }
            return o
        }
        var steps: [Int] = []
        for k in 1..<max(1, sorted.count) where sorted[k].1 != sorted[k - 1].1 {
            steps.append(k)
        }
        var block = MLPBlock(inputs: [x, layout.one], outputs: out, hidden: 1 + 2 * steps.count)
        // start unit: relu(one)
        block.w1[1, 0] = 1
        if let first = sorted.first {
            for (o, w) in output(first.1).enumerated() { block.w2[0, o] = w }
        }
        for (n, k) in steps.enumerated() {
            let lo = sorted[k - 1].0, hi = sorted[k].0
            let gap = hi - lo
            let threshold = (lo + hi) / 2
            let sharpness = 4 / gap
            let a = 1 + 2 * n, b = a + 1
            block.w1[0, a] = sharpness
            block.w1[1, a] = -sharpness * threshold + 1
            block.w1[0, b] = sharpness
            block.w1[1, b] = -sharpness * threshold
            let delta = zip(output(sorted[k].1), output(sorted[k - 1].1)).map { $0 - $1 }
            for (o, w) in delta.enumerated() {
                block.w2[a, o] = w
                block.w2[b, o] = -w
            }
        }
        return block
    }
}
