/// The reference semantics (RASP.md 1.4): evaluates a program on one input, position by position.
///
/// A categorical aggregate whose selected keys hold two different values is an error at that input and
/// position, as is a numerical aggregate over a `none`; both carry the aggregate's source location.
public struct Interpreter: Sendable {
    public let program: Program
    /// Whether each node must be evaluated for the output.
    private let needed: [Bool]
    /// The formula of every selector an aggregate or selector width reads.
    private let formulas: [Int: SelectorFormula]
    /// Its leaf classes' predicates on their value sets, within `SelectorTable.programBudget` cells.
    private let tables: [Int: [SelectorTable?]]

    public struct Failure: Error, Sendable, Equatable {
        public var message: String
        public var location: SourceLocation
    }

    public init(program: Program) {
        self.program = program
        self.needed = program.isLive
        var f: [Int: SelectorFormula] = [:], t: [Int: [SelectorTable?]] = [:]
        var budget = SelectorTable.programBudget
        for (id, node) in program.nodes.enumerated() where program.isLive[id] {
            guard let s = node.selector, f[s] == nil else { continue }
            let formula = SelectorFormula(program: program, selector: s)
            f[s] = formula
            if program.valueSets.count == program.nodes.count {
                t[s] = formula.tables(keys: { program.valueSets[formula.leaves[$0].keys].values },
                                      queries: { program.valueSets[formula.leaves[$0].queries].values }, budget: &budget)
            }
        }
        self.formulas = f
        self.tables = t
    }

    /// The output sequence for `input` (tokens of the vocab, without BOS).
    public func run(_ input: [Value]) throws(Failure) -> [Value] {
        try evaluate(input)[program.output]
    }

    /// The values of every needed node (others are empty arrays).
    public func evaluate(_ input: [Value]) throws(Failure) -> [[Value]] {
        let n = input.count
        var values = [[Value]](repeating: [], count: program.nodes.count)
        var selectorCache: [Int: [Bool]] = [:]
        for (id, node) in program.nodes.enumerated() where needed[id] {
            switch node.operation {
            case .tokens:
                values[id] = input
            case .indices:
                values[id] = (0..<n).map { .int($0) }
            case .map(let f, let x):
                var out: [Value] = []
                out.reserveCapacity(n)
                for v in values[x] {
                    if v.isNone { out.append(.none); continue }
                    do throws(ValueError) { out.append(try f(v)) } catch {
                        throw Failure(message: "the function of '\(node.label)' fails on \(v.quotedDescription): \(error.message)", location: f.location)
                    }
                }
                values[id] = out
            case .sequenceMap(let f, let a, let b):
                var out: [Value] = []
                out.reserveCapacity(n)
                for i in 0..<n {
                    let x = values[a][i], y = values[b][i]
                    if x.isNone || y.isNone { out.append(.none); continue }
                    do throws(ValueError) { out.append(try f([x, y])) } catch {
                        throw Failure(message: "the function of '\(node.label)' fails on \(x.quotedDescription) and \(y.quotedDescription): \(error.message)", location: f.location)
                    }
                }
                values[id] = out
            case .linearSequenceMap(let a, let b, let p, let q):
                var out: [Value] = []
                for i in 0..<n {
                    let x = values[a][i], y = values[b][i]
                    if x.isNone || y.isNone { out.append(.none); continue }
                    do throws(ValueError) {
                        out.append(try Value.apply(.add, Value.apply(.multiply, p, x), Value.apply(.multiply, q, y)))
                    } catch {
                        throw Failure(message: "'\(node.label)' fails on \(x.quotedDescription) and \(y.quotedDescription): \(error.message)", location: node.location)
                    }
                }
                values[id] = out
            case .selectorWidth(let s):
                let matrix = try selectorMatrix(s, values, n, &selectorCache)
                values[id] = matrix.withUnsafeBufferPointer { m in
                    (0..<n).map { q in
                        var w = 0
                        for k in 0..<n where m[q * n + k] { w += 1 }
                        return .int(w)
                    }
                }
            case .aggregate(let s, let x, let d):
                let matrix = try selectorMatrix(s, values, n, &selectorCache)
                values[id] = try aggregate(node, matrix: matrix, values: values[x], default: d, input: input)
            }
        }
        return values
    }

    private func aggregate(_ node: SOpNode, matrix: [Bool], values: [Value], default d: Value, input: [Value]) throws(Failure) -> [Value] {
        let n = values.count
        var out: [Value] = []
        out.reserveCapacity(n)
        if node.encoding == .numerical {
            for q in 0..<n {
                var sum = Value.int(0)
                var count = 0
                for k in 0..<n where matrix[q * n + k] {
                    guard !values[k].isNone else {
                        throw Failure(message: "numerical aggregate '\(node.label)' selects position \(k), which has no value, at position \(q) of input \(Interpreter.show(input))", location: node.location)
                    }
                    do throws(ValueError) { sum = try Value.apply(.add, sum, values[k]) } catch {
                        throw Failure(message: "numerical aggregate '\(node.label)': \(error.message)", location: node.location)
                    }
                    count += 1
                }
                out.append(count == 0 ? d : .real(sum.number! / Double(count)))
            }
        } else {
            for q in 0..<n {
                var chosen: Value? = nil
                for k in 0..<n where matrix[q * n + k] {
                    if let c = chosen {
                        if c != values[k] {
                            throw Failure(message: "categorical aggregate '\(node.label)' selects two different values (\(c.quotedDescription) and \(values[k].quotedDescription)) at position \(q) of input \(Interpreter.show(input)); a categorical aggregate must select one value", location: node.location)
                        }
                    } else {
                        chosen = values[k]
                    }
                }
                out.append(chosen ?? .none)
            }
        }
        return out
    }

    /// The selector as an n-by-n matrix, row = query position, column = key position. A failing
    /// predicate is reported at the first failing cell in row order, as a cell-by-cell loop would.
    private func selectorMatrix(_ s: Int, _ values: [[Value]], _ n: Int, _ cache: inout [Int: [Bool]]) throws(Failure) -> [Bool] {
        if let m = cache[s] { return m }
        let formula = formulas[s] ?? SelectorFormula(program: program, selector: s)
        var evaluator = SelectorEvaluator(formula, queryCount: n, keyCount: n, tables: tables[s] ?? [],
                                          query: { values[formula.leaves[$0].queries][$1] },
                                          key: { values[formula.leaves[$0].keys][$1] })
        var m = [Bool](repeating: false, count: n * n)
        var row = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let count = program.causal ? i + 1 : n
            evaluator.row(i, count: count, into: &row)
            if let j = row[0..<count].firstIndex(where: { $0 >= 2 }) {
                throw Failure(message: "the selector fails on key position \(j) and query position \(i): \(evaluator.errors[Int(row[j]) - 2].message)", location: formula.location)
            }
            row.withUnsafeBufferPointer { r in
                m.withUnsafeMutableBufferPointer { out in
                    for j in 0..<count { out[i * n + j] = r[j] == 1 }
                }
            }
        }
        cache[s] = m
        return m
    }

    static func show(_ input: [Value]) -> String {
        "[" + input.map(\.quotedDescription).joined(separator: ", ") + "]"
    }
}
