/// Value-set inference and the static checks of RASP.md section 2 (tracr's rules), each with its own
/// diagnostic naming the s-op and pointing at where it is built.
struct StaticChecker {
    let program: Program
    var valueSets: [ValueSet] = []
    var diagnostics: [Diagnostic] = []
    /// Nodes whose value set could not be inferred (an error was reported); their readers are skipped.
    private var failed: [Bool] = []
    /// Lambdas whose failure was reported: one diagnostic per lambda, however many s-ops use it.
    private var reportedFunctions: Set<SourceLocation> = []
    /// Lookup tables of the live fused maps (by node), for `MapFunction.table`.
    var mapTables: [Int: MapTable] = [:]
    /// The results of maps that fused maps extend, by chain (`MapFunction.identity`), while needed.
    private var fusedResults: [ObjectIdentifier: [Value]] = [:]
    private var fusedReaders: [ObjectIdentifier: Int] = [:]

    init(program: Program) { self.program = program }

    private mutating func error(_ message: String, _ node: Int) {
        let n = program.nodes[node]
        diagnostics.append(Diagnostic(message, at: n.location))
    }

    private func name(_ node: Int) -> String { "'\(program.nodes[node].label)'" }

    mutating func run() {
        failed = [Bool](repeating: false, count: program.nodes.count)
        countFusedReaders()
        checkSelectors()
        for id in program.nodes.indices {
            let set = infer(id)
            valueSets.append(set ?? ValueSet([]))
            if set == nil { failed[id] = true }
        }
        checkEncodings()
        if diagnostics.isEmpty { checkResidualWidth() }
    }

    // MARK: Value sets

    private mutating func infer(_ id: Int) -> ValueSet? {
        let node = program.nodes[id]
        if node.inputs.contains(where: { failed[$0] }) { return nil }
        var result: ValueSet
        switch node.operation {
        case .tokens:
            result = ValueSet(program.vocab)
        case .indices:
            result = ValueSet((0..<program.maxSeqLen).map { Value.int($0) })
        case .selectorWidth:
            result = ValueSet((0...program.maxSeqLen).map { Value.int($0) })
        case .map(let f, let x):
            let prefix = fusedPrefix(f)
            var out: [Value] = []
            for (i, v) in valueSets[x].values.enumerated() {
                do throws(ValueError) {
                    let y = try prefix != nil ? f.lastStep([prefix![i]]) : f(v)
                    if y.isNone {
                        reportMap(f, on: v, "the function of \(name(id)) returns none for the value \(v.quotedDescription); a map must return a value")
                        return nil
                    }
                    out.append(y)
                } catch {
                    reportMap(f, on: v, "the function of \(name(id)) fails on the value \(v.quotedDescription) of \(name(x)): \(error.message)")
                    return nil
                }
            }
            keepResults(id, f, x, out)
            result = ValueSet(out)
        case .sequenceMap(let f, let a, let b):
            let xs = valueSets[a].values, ys = valueSets[b].values
            if a != b, xs.count * ys.count > Limits.maximumEvaluations {
                error("\(name(id)) combines \(xs.count) values of \(name(a)) with \(ys.count) of \(name(b)): more than \(Limits.maximumEvaluations) combinations", id)
                return nil
            }
            var out = Set<Value>()
            for x in xs {
                for y in (a == b ? [x] : ys) {
                    do throws(ValueError) {
                        let z = try f([x, y])
                        if z.isNone {
                            reportOnce("the function of \(name(id)) returns none for the values \(x.quotedDescription) and \(y.quotedDescription)", at: f.location)
                            return nil
                        }
                        out.insert(z)
                    } catch {
                        reportOnce("the function of \(name(id)) fails on the values \(x.quotedDescription) and \(y.quotedDescription): \(error.message)", at: f.location)
                        return nil
                    }
                    if out.count > Limits.maximumValueSetSize { return tooLarge(id) }
                }
            }
            result = ValueSet(out)
        case .linearSequenceMap(let a, let b, let p, let q):
            let xs = valueSets[a].values, ys = valueSets[b].values
            if xs.count * ys.count > Limits.maximumEvaluations {
                error("\(name(id)) combines \(xs.count) values of \(name(a)) with \(ys.count) of \(name(b)): more than \(Limits.maximumEvaluations) combinations", id)
                return nil
            }
            var out = Set<Value>()
            for x in xs {
                for y in ys {
                    do throws(ValueError) {
                        out.insert(try Value.apply(.add, Value.apply(.multiply, p, x), Value.apply(.multiply, q, y)))
                    } catch {
                        self.error("\(name(id)) fails on the values \(x.quotedDescription) and \(y.quotedDescription): \(error.message)", id)
                        return nil
                    }
                    if out.count > Limits.maximumValueSetSize { return tooLarge(id) }
                }
            }
            result = ValueSet(out)
        case .aggregate(_, let x, let d):
            if d.isNone {
                result = valueSets[x]
            } else {
                guard let means = meanValues(of: x, node: id) else { return nil }
                result = means
            }
        }
        if result.count > Limits.maximumValueSetSize { return tooLarge(id) }
        return result
    }

    /// A map's failure on `v`. When an earlier step fails, the map this one fused (`map(g, map(f, x))`
    /// is one map of both) has the same input and reports it, so this one stays quiet.
    private mutating func reportMap(_ f: MapFunction, on v: Value, _ message: String) {
        guard f.failingStep(v) == f.count - 1 else { return }
        reportOnce(message, at: f.location)
    }

    /// A lambda's failure, once however many s-ops use the lambda (a macro's, called twice; a copy
    /// made by `numerical`).
    private mutating func reportOnce(_ message: String, at location: SourceLocation) {
        if reportedFunctions.insert(location).inserted { diagnostics.append(Diagnostic(message, at: location)) }
    }

    private mutating func tooLarge(_ id: Int) -> ValueSet? {
        error("the value set of \(name(id)) has more than \(Limits.maximumValueSetSize) values", id)
        return nil
    }

    /// Every mean a numerical aggregate can produce: the mean of any multiset of 1 to max_seq_len
    /// values of its input, and the default 0. (tracr keeps only v/n, which misses 2/3, 2/5, ...)
    private mutating func meanValues(of x: Int, node id: Int) -> ValueSet? {
        let inputs = valueSets[x].values
        guard inputs.allSatisfy(\.isNumeric) else { return ValueSet([]) }  // reported by checkEncodings
        let n = program.maxSeqLen
        var out = Set<Value>([.int(0)])
        let numbers = inputs.map { $0.number! }
        if numbers.allSatisfy({ $0 == 0 || $0 == 1 }) {
            // Means of 0/1 values: k/m for 0 <= k <= m <= n, restricted to the values present.
            let hasZero = numbers.contains(0), hasOne = numbers.contains(1)
            for m in 1...n {
                for k in 0...m where (k == 0 || hasOne) && (k == m || hasZero) {
                    out.insert(.real(Double(k) / Double(m)))
                }
                if out.count > Limits.maximumValueSetSize { return tooLarge(id) }
            }
            return ValueSet(out)
        }
        // General numbers: sums of exactly m values, then divided by m.
        var sums = Set(numbers)
        for m in 1...n {
            if m > 1 {
                guard sums.count * numbers.count <= Limits.maximumEvaluations else {
                    error("the means of \(name(id)) are too many to enumerate (its input has \(numbers.count) values)", id)
                    return nil
                }
                var next = Set<Double>()
                for s in sums { for v in numbers { next.insert(s + v) } }
                sums = next
            }
            for s in sums { out.insert(.real(s / Double(m))) }
            if out.count > Limits.maximumValueSetSize { return tooLarge(id) }
        }
        return ValueSet(out)
    }

    // MARK: Fused maps

    /// Counts, for every map's chain of lambdas, the fused maps that extend it by one lambda.
    private mutating func countFusedReaders() {
        for node in program.nodes {
            if case .map(let f, _) = node.operation, let p = f.prefixIdentity { fusedReaders[p, default: 0] += 1 }
        }
    }

    /// The results of a fused map's inner map on the input's values (the inner map's outputs, which
    /// are never `none`: that is an error), when they were inferred; released after their last reader.
    private mutating func fusedPrefix(_ f: MapFunction) -> [Value]? {
        guard let p = f.prefixIdentity, let results = fusedResults[p] else { return nil }
        fusedReaders[p, default: 1] -= 1
        if fusedReaders[p] == 0 { fusedResults[p] = nil }
        return results
    }

    /// Keeps a map's results for the maps fused onto it, and as the lookup table of a live fused map.
    private mutating func keepResults(_ id: Int, _ f: MapFunction, _ x: Int, _ out: [Value]) {
        if fusedReaders[f.identity, default: 0] > 0 { fusedResults[f.identity] = out }
        if f.count > 1, program.isLive[id] { mapTables[id] = MapTable(inputs: valueSets[x].values, outputs: out) }
    }

    // MARK: Selectors

    private mutating func checkSelectors() {
        for selector in program.selectors {
            guard case .select(let k, let q, _) = selector.operation else { continue }
            let numericalKeys = program.nodes[k].encoding == .numerical, numericalQueries = program.nodes[q].encoding == .numerical
            let what: String
            switch (numericalKeys, numericalQueries) {
            case (true, true): what = k == q ? "keys and queries \(name(k)) are" : "keys \(name(k)) and queries \(name(q)) are"
            case (true, false): what = "keys \(name(k)) are"
            case (false, true): what = "queries \(name(q)) are"
            case (false, false): continue
            }
            diagnostics.append(Diagnostic("select's \(what) numerical; select needs categorical keys and queries", at: selector.location))
        }
    }

    /// Evaluates every select's predicate on all pairs of key and query values, so a predicate that fails
    /// on a reachable pair is an error at load time, not at run time.
    private mutating func checkPredicates() {
        for selector in program.selectors {
            guard case .select(let k, let q, let predicate) = selector.operation, !failed[k], !failed[q] else { continue }
            let location: SourceLocation
            switch predicate {
            case .constant: continue
            case .comparison(let op) where op == .equal || op == .notEqual: continue
            case .comparison: location = selector.location
            case .lambda(let f): location = f.location
            }
            let keys = valueSets[k].values, queries = valueSets[q].values
            guard keys.count * queries.count <= Limits.maximumEvaluations else {
                diagnostics.append(Diagnostic("select compares \(keys.count) key values with \(queries.count) query values: more than \(Limits.maximumEvaluations) pairs", at: selector.location))
                continue
            }
            pairs: for key in keys {
                for query in queries {
                    do throws(ValueError) {
                        _ = try predicate(key: key, query: query)
                    } catch {
                        diagnostics.append(Diagnostic("select's predicate fails on key \(key.quotedDescription) and query \(query.quotedDescription): \(error.message)", at: location))
                        break pairs
                    }
                }
            }
        }
    }

    // MARK: Encodings

    private mutating func checkEncodings() {
        checkPredicates()
        for (id, node) in program.nodes.enumerated() where !failed[id] {
            let numerical = node.encoding == .numerical
            if numerical, let bad = valueSets[id].values.first(where: { !$0.isNumeric }) {
                error("\(name(id)) is numerical, but it can hold the non-numeric value \(bad.quotedDescription)", id)
                continue
            }
            switch node.operation {
            case .aggregate(_, let x, let d):
                let input = program.nodes[x]
                if numerical {
                    if d.isNone {
                        error("numerical aggregate \(name(id)) needs the default 0: aggregate(selector, sop, 0)", id)
                    } else if input.encoding != .numerical {
                        error("numerical aggregate \(name(id)) averages \(name(x)), which is categorical; a numerical aggregate's input must be numerical", id)
                    } else if let bad = valueSets[x].values.first(where: { !$0.isNumeric }) {
                        error("numerical aggregate \(name(id)) averages \(name(x)), which can hold the non-numeric value \(bad.quotedDescription)", id)
                    }
                } else {
                    if !d.isNone {
                        error("categorical aggregate \(name(id)) has the default 0, but a categorical aggregate's default is none; make it numerical for a mean (numerical \(node.label) = ...)", id)
                    } else if input.encoding != .categorical {
                        error("categorical aggregate \(name(id)) reads \(name(x)), which is numerical; a categorical aggregate's input must be categorical", id)
                    }
                }
            case .sequenceMap(_, let a, let b):
                checkSequenceMap(id, a, b)
            case .linearSequenceMap(let a, let b, _, _):
                if !numerical {
                    error("\(name(id)) adds or subtracts the numerical s-ops \(name(a)) and \(name(b)), so it must be numerical: write 'numerical \(node.label) = ...'", id)
                }
            default:
                break
            }
        }
    }

    /// A non-linear zipmap needs categorical inputs and a categorical result: one diagnostic for all
    /// of it, naming each numerical input once (`n * n` reads `n` twice).
    private mutating func checkSequenceMap(_ id: Int, _ a: Int, _ b: Int) {
        let inputs = (a == b ? [a] : [a, b]).filter { program.nodes[$0].encoding == .numerical }
        let numerical = program.nodes[id].encoding == .numerical
        let reads = "reads the numerical s-op\(inputs.count == 1 ? "" : "s") \(inputs.map(name).joined(separator: " and "))"
        let linear = "(only + and - of two numerical s-ops are linear)"
        switch (inputs.isEmpty, numerical) {
        case (false, false):
            error("zipmap \(name(id)) \(reads); a non-linear zipmap needs categorical inputs \(linear)", id)
        case (false, true):
            error("zipmap \(name(id)) is numerical and \(reads); a non-linear zipmap needs categorical inputs and must be categorical \(linear)", id)
        case (true, true):
            error("\(name(id)) is a non-linear zipmap, so it must be categorical", id)
        case (true, false):
            break
        }
    }

    private mutating func checkResidualWidth() {
        var width = program.vocab.count + 2 + program.maxSeqLen
        for (id, node) in program.nodes.enumerated() where program.isLive[id] && !node.isPrimitive {
            width += node.encoding == .numerical ? 1 : valueSets[id].count
            if case .selectorWidth = node.operation { width += 1 }
        }
        if width > Limits.maximumResidualWidth {
            diagnostics.append(Diagnostic("the compiled residual stream would be \(width) dimensions wide; the limit is \(Limits.maximumResidualWidth)", at: program.nodes[program.output].location))
        }
    }
}
