/// One leaf class's predicate evaluated on every pair of values its keys and queries can take (their
/// value sets), built once per program so the interpreter does not call the predicate again for every
/// input: an input's cells then only look codes up. Codes as in `SelectorEvaluator` (0, 1, 2 + e).
public struct SelectorTable: Sendable {
    let keyNumbers: [ExactValue: Int32]
    let queryNumbers: [ExactValue: Int32]
    let keyValues: [Value]
    let queryValues: [Value]
    /// By query number * keyValues.count + key number.
    let codes: [Int32]
    let errors: [ValueError]

    /// Most cells of all the tables of one program (4 bytes each; one predicate call each to build).
    public static let programBudget = 1 << 22

    init(predicate: Predicate, keys: [Value], queries: [Value]) {
        keyValues = keys
        queryValues = queries
        keyNumbers = SelectorTable.numbers(keys)
        queryNumbers = SelectorTable.numbers(queries)
        var codes = [Int32](repeating: 0, count: keys.count * queries.count)
        var errors: [ValueError] = []
        for (q, query) in queries.enumerated() {
            for (k, key) in keys.enumerated() {
                do throws(ValueError) {
                    codes[q * keys.count + k] = try predicate(key: key, query: query) ? 1 : 0
                } catch {
                    errors.append(error)
                    codes[q * keys.count + k] = Int32(errors.count + 1)
                }
            }
        }
        self.codes = codes
        self.errors = errors
    }

    private static func numbers(_ values: [Value]) -> [ExactValue: Int32] {
        var out: [ExactValue: Int32] = [:]
        for (i, v) in values.enumerated() where out[ExactValue(v)] == nil { out[ExactValue(v)] = Int32(i) }
        return out
    }
}

extension SelectorFormula {
    /// Tables for this formula's leaf classes on the value sets `keys(leaf)` and `queries(leaf)`, while
    /// their cells fit in `budget` (which they use up); nil for a class past it.
    public func tables(keys: (Int) -> [Value], queries: (Int) -> [Value], budget: inout Int) -> [SelectorTable?] {
        plan.representative.map { leaf in
            let k = keys(leaf), q = queries(leaf)
            guard k.count * q.count <= budget else { return nil }
            budget -= k.count * q.count
            return SelectorTable(predicate: leaves[leaf].predicate, keys: k, queries: q)
        }
    }
}
