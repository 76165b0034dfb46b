/// A selector evaluated on every cell of a grid of queries by keys, one query row at a time: the
/// positions of one input in the interpreter, the values of two value sets in the compiler.
///
/// A cell's code is 0 (not selected), 1 (selected) or 2 + e (evaluating the selector there fails with
/// `errors[e]`), exactly the outcome of `SelectorFormula.selects` on that cell: `none` in any leaf
/// first, then the formula with its short-circuits.
///
/// Cost: each leaf class numbers the distinct values of its key and query columns and calls its
/// predicate once per pair of distinct values, memoized in a table of at most `maximumTable` entries
/// (past that, once per row and distinct key), or looks the pair up in a `SelectorTable` built once for
/// the program. With a truth table (at most 10 classes) a cell costs one lookup per class, however long
/// the formula; without one, or where a predicate fails, the postfix program runs on the cell.
public struct SelectorEvaluator {
    struct LeafClass {
        var predicate: Predicate
        var keyValues: [Value]
        var queryValues: [Value]
        /// The key number of every column and the query number of every row (0 where `none`; such
        /// cells are masked by `columnNone` and `rowNone`).
        var keyIndex: [Int32]
        var queryIndex: [Int32]
        /// Codes by query number * key count + key number: complete when from a `SelectorTable` (its
        /// failures offset by `errorOffset`), else -1 while unknown; empty when too large to memoize.
        var codes: [Int32]
        var complete = false
        var errorOffset: Int32 = 0
    }

    /// Largest memo table of one leaf class (entries of 4 bytes).
    static let maximumTable = 1 << 18
    private static let failed: UInt32 = 1 << 31

    public let queryCount: Int
    public let keyCount: Int
    public private(set) var errors: [ValueError] = []
    private let plan: SelectorFormula.Plan
    private var classes: [LeafClass] = []
    /// Whether some leaf's query (key) is `none` at a row (column): the cell is never selected.
    private var rowNone: [Bool]
    private var columnNone: [Bool]
    private var masks: [UInt32]
    private var scratch: [Int32] = []
    private var stack: [Int32] = []

    /// `query(leaf, row)` and `key(leaf, column)`: the values leaf `leaf` compares at a cell. `tables`
    /// (from `SelectorFormula.tables`, one per class or empty) are used where they hold every value.
    public init(_ formula: SelectorFormula, queryCount: Int, keyCount: Int, tables: [SelectorTable?] = [],
                query: (Int, Int) -> Value, key: (Int, Int) -> Value) {
        self.queryCount = queryCount
        self.keyCount = keyCount
        plan = formula.plan
        rowNone = [Bool](repeating: false, count: queryCount)
        columnNone = [Bool](repeating: false, count: keyCount)
        masks = [UInt32](repeating: 0, count: keyCount)
        for (c, leaf) in plan.representative.enumerated() {
            let keys = (0..<keyCount).map { key(leaf, $0) }, queries = (0..<queryCount).map { query(leaf, $0) }
            for (j, v) in keys.enumerated() where v.isNone { columnNone[j] = true }
            for (i, v) in queries.enumerated() where v.isNone { rowNone[i] = true }
            let predicate = formula.leaves[leaf].predicate
            if c < tables.count, let table = tables[c], let tabulated = tabulated(table, predicate, keys, queries) {
                classes.append(tabulated)
            } else {
                classes.append(SelectorEvaluator.numbered(predicate, keys, queries))
            }
        }
    }

    private mutating func tabulated(_ t: SelectorTable, _ p: Predicate, _ keys: [Value], _ queries: [Value]) -> LeafClass? {
        var keyIndex = [Int32](repeating: 0, count: keys.count), queryIndex = [Int32](repeating: 0, count: queries.count)
        for (j, v) in keys.enumerated() where !v.isNone {
            guard let k = t.keyNumbers[ExactValue(v)] else { return nil }
            keyIndex[j] = k
        }
        for (i, v) in queries.enumerated() where !v.isNone {
            guard let q = t.queryNumbers[ExactValue(v)] else { return nil }
            queryIndex[i] = q
        }
        let offset = Int32(errors.count)
        errors += t.errors
        return LeafClass(predicate: p, keyValues: t.keyValues, queryValues: t.queryValues, keyIndex: keyIndex,
                         queryIndex: queryIndex, codes: t.codes, complete: true, errorOffset: offset)
    }

    private static func numbered(_ p: Predicate, _ keys: [Value], _ queries: [Value]) -> LeafClass {
        let k = ValueNumbering(count: keys.count) { keys[$0] }, q = ValueNumbering(count: queries.count) { queries[$0] }
        let size = k.values.count * q.values.count
        return LeafClass(predicate: p, keyValues: k.values, queryValues: q.values, keyIndex: k.ids.map { max($0, 0) },
                         queryIndex: q.ids.map { max($0, 0) },
                         codes: [Int32](repeating: -1, count: size <= maximumTable ? size : 0))
    }

    /// The codes of row `row` at columns `0..<count`, written to `out[0..<count]`.
    public mutating func row(_ row: Int, count: Int, into out: inout [Int32]) {
        precondition(count <= keyCount && out.count >= count)
        if rowNone[row] {
            for j in 0..<count { out[j] = 0 }
            return
        }
        guard let truth = plan.truth else {
            for j in 0..<count { out[j] = columnNone[j] ? 0 : cell(row, j) }
            return
        }
        for j in 0..<count { masks[j] = 0 }
        for c in classes.indices { accumulate(c, row: row, count: count) }
        var anyFailed = false
        masks.withUnsafeBufferPointer { m in
            truth.withUnsafeBufferPointer { t in
                columnNone.withUnsafeBufferPointer { none in
                    out.withUnsafeMutableBufferPointer { o in
                        for j in 0..<count {
                            if m[j] & SelectorEvaluator.failed != 0 { anyFailed = true }
                            o[j] = !none[j] && t[Int(m[j] & ~SelectorEvaluator.failed)] ? 1 : 0
                        }
                    }
                }
            }
        }
        if anyFailed {
            for j in 0..<count where !columnNone[j] && masks[j] & SelectorEvaluator.failed != 0 { out[j] = cell(row, j) }
        }
    }

    /// Ors class `c`'s result at every column of `row` into `masks`: its bit where it selects, `failed`
    /// where its predicate fails.
    private mutating func accumulate(_ c: Int, row: Int, count: Int) {
        let q = Int(classes[c].queryIndex[row]), width = classes[c].keyValues.count
        let bit = UInt32(1) << UInt32(c)
        if classes[c].codes.isEmpty {
            if scratch.count < width { scratch = [Int32](repeating: 0, count: width) }
            for k in 0..<width { scratch[k] = entry(c, q, k) }
            gather(scratch, base: 0, classes[c].keyIndex, bit, count)
            return
        }
        if !classes[c].complete {
            for k in 0..<width where classes[c].codes[q * width + k] < 0 { _ = entry(c, q, k) }
        }
        gather(classes[c].codes, base: q * width, classes[c].keyIndex, bit, count)
    }

    /// Codes 0 (not selected), 1 (selected: `bit`) and 2 or more (failed) ored into `masks`.
    private mutating func gather(_ codes: [Int32], base: Int, _ keyIndex: [Int32], _ bit: UInt32, _ count: Int) {
        codes.withUnsafeBufferPointer { t in
            keyIndex.withUnsafeBufferPointer { k in
                masks.withUnsafeMutableBufferPointer { m in
                    for j in 0..<count {
                        let code = t[base + Int(k[j])]
                        m[j] |= code == 0 ? 0 : (code == 1 ? bit : SelectorEvaluator.failed)
                    }
                }
            }
        }
    }

    /// One cell by the postfix program (a cell with no `none` in any leaf).
    private mutating func cell(_ row: Int, _ column: Int) -> Int32 {
        var stack: [Int32] = []
        swap(&stack, &self.stack)  // run on the buffer itself, not a copy of it
        defer { swap(&stack, &self.stack) }
        let plan = self.plan
        return plan.run(&stack) { c in
            entry(c, Int(classes[c].queryIndex[row]), Int(classes[c].keyIndex[column]))
        }
    }

    /// Class `c`'s code on query number `q` and key number `k`, from its codes or by calling its predicate.
    private mutating func entry(_ c: Int, _ q: Int, _ k: Int) -> Int32 {
        let index = q * classes[c].keyValues.count + k
        let memo = !classes[c].codes.isEmpty
        if memo, classes[c].codes[index] >= 0 {
            let code = classes[c].codes[index]
            return classes[c].complete && code >= 2 ? code + classes[c].errorOffset : code
        }
        let code: Int32
        do throws(ValueError) {
            code = try classes[c].predicate(key: classes[c].keyValues[k], query: classes[c].queryValues[q]) ? 1 : 0
        } catch {
            errors.append(error)
            code = Int32(errors.count + 1)
        }
        if memo { classes[c].codes[index] = code }
        return code
    }
}
