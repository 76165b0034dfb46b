import Testing
import RASPCore
import RASPLanguage
import RASPTestSupport

/// `SelectorEvaluator` (tables of distinct values, truth tables over leaf classes, a program's
/// `SelectorTable`s) against `SelectorFormula.selects` called cell by cell.
@Suite struct SelectorEvaluationTests {
    /// Programs whose selectors take every path: one class, a few classes (truth table), 12 classes (no
    /// truth table), `none` keys and queries, lambda predicates, repeated leaves, causal masking.
    static let programs: [(name: String, text: String)] = [
        ("one class", "w = selector_width(select(tokens, tokens, ==));"),
        ("classes", """
            s = (select(tokens, tokens, ==) or select(indices, indices, <)) and not select(tokens, indices, lambda k, q: k == "a" and q > 1);
            w = selector_width(s or select(tokens, tokens, ==) or select(indices, indices, <));
            """),
        ("twelve classes", "w = selector_width(" + (0..<12).map { i in
            "select(indices, indices, lambda k, q: (k + q + \(i)) % 5 == 0)" }.joined(separator: " or ") + ");"),
        ("none", """
            prev = shift(tokens, 1);
            w1 = selector_width(select(prev, tokens, ==) and select(indices, prev, !=));
            w = w1 + selector_width(select(prev, prev, ==) or select(tokens, tokens, <));
            """),
        ("causal", "causal;\nw = selector_width(select(tokens, tokens, ==) or select(indices, indices, >));"),
    ]

    @Test(arguments: programs.map(\.name))
    func evaluatorAgreesWithTheFormulaOnEveryCell(name: String) throws {
        let text = SelectorEvaluationTests.programs.first { $0.name == name }!.text
        let program = try Repository.load(text: "vocab {\"a\", \"b\", \"c\"};\nmax_seq_len 6;\n\(text)")
        let interpreter = Interpreter(program: program)
        var random = SplitMix64(seed: 3)
        for _ in 0..<40 {
            let n = 1 + random.next(below: 6)
            let input = (0..<n).map { _ in program.vocab[random.next(below: program.vocab.count)] }
            let values = try interpreter.evaluate(input)
            for s in program.selectors.indices {
                let formula = SelectorFormula(program: program, selector: s)
                guard formula.leaves.allSatisfy({ !values[$0.keys].isEmpty && !values[$0.queries].isEmpty }) else { continue }
                var budget = SelectorTable.programBudget
                let tables = formula.tables(keys: { program.valueSets[formula.leaves[$0].keys].values },
                                            queries: { program.valueSets[formula.leaves[$0].queries].values }, budget: &budget)
                let expected = try SelectorEvaluationTests.reference(formula, values, n)
                #expect(SelectorEvaluationTests.cells(formula, values, n, tables: []) == expected, "\(input) selector \(s)")
                #expect(SelectorEvaluationTests.cells(formula, values, n, tables: tables) == expected, "\(input) selector \(s), tabulated")
            }
        }
    }

    /// A failing predicate fails a cell only where the formula's short-circuits reach it: the code
    /// of every cell, failures included, matches the cell-by-cell formula.
    @Test func failuresFollowTheFormulasShortCircuits() throws {
        let program = try Repository.load(text: """
            vocab {0, 1, 2};
            max_seq_len 4;
            w = selector_width(select(tokens, tokens, !=) and select(tokens, tokens, <));
            """)
        let formula = SelectorFormula(program: program, selector: program.outputNode.selector!)
        // Values no input can give (strings in an int s-op), so that `<` fails on them.
        let column: [Value] = [.string("x"), .string("x"), .int(2), .int(1)]
        let values = [[Value]](repeating: column, count: program.nodes.count)
        let expected = try SelectorEvaluationTests.reference(formula, values, column.count)
        #expect(expected == [0, 0, 2, 2, 0, 0, 2, 2, 2, 2, 0, 1, 2, 2, 0, 0])
        #expect(SelectorEvaluationTests.cells(formula, values, column.count, tables: []) == expected)
        var evaluator = SelectorEvaluator(formula, queryCount: 4, keyCount: 4, query: { _, i in column[i] }, key: { _, j in column[j] })
        var row = [Int32](repeating: 0, count: 4)
        evaluator.row(0, count: 4, into: &row)
        #expect(evaluator.errors[Int(row[2]) - 2].message.hasPrefix("cannot compare int 2 with string"))
    }

    /// Columns of more distinct values than a memo table holds (600 x 600 pairs): the predicate is
    /// called once per row and distinct key instead.
    @Test func largeColumnsAreEvaluatedWithoutAMemo() throws {
        let program = try Repository.load(text: """
            vocab {1, 2, 3};
            max_seq_len 4;
            w = selector_width(select(indices, indices, <) or select(tokens, indices, lambda k, q: (k + q) % 7 == 0));
            """)
        let formula = SelectorFormula(program: program, selector: program.outputNode.selector!)
        let n = 600
        let values = [[Value]](repeating: (0..<n).map { .int(($0 * 37) % n) }, count: program.nodes.count)
        let expected = try SelectorEvaluationTests.reference(formula, values, n)
        #expect(SelectorEvaluationTests.cells(formula, values, n, tables: []) == expected)
    }

    /// Every cell's code by `SelectorFormula.selects`, with 2 for a failure.
    static func reference(_ f: SelectorFormula, _ values: [[Value]], _ n: Int) throws -> [Int32] {
        var out: [Int32] = []
        for i in 0..<n {
            for j in 0..<n {
                do throws(ValueError) {
                    out.append(try f.selects(keys: { values[f.leaves[$0].keys][j] }, queries: { values[f.leaves[$0].queries][i] }) ? 1 : 0)
                } catch {
                    out.append(2)
                }
            }
        }
        return out
    }

    /// Every cell's code by `SelectorEvaluator`, with 2 for a failure.
    static func cells(_ f: SelectorFormula, _ values: [[Value]], _ n: Int, tables: [SelectorTable?]) -> [Int32] {
        var evaluator = SelectorEvaluator(f, queryCount: n, keyCount: n, tables: tables,
                                          query: { values[f.leaves[$0].queries][$1] }, key: { values[f.leaves[$0].keys][$1] })
        var out: [Int32] = [], row = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            evaluator.row(i, count: n, into: &row)
            out += row.map { min($0, 2) }
        }
        return out
    }
}
