import Testing
import RASPLanguage
import RASPTestSupport

/// A program with one mistake and every diagnostic it must get: no repeats, and nothing that follows
/// only from the first error.
struct ExactDiagnosticsCase: CustomTestStringConvertible, Sendable {
    var name: String
    var body: String
    var expected: [(line: Int, column: Int, message: String)]

    init(_ name: String, _ body: String, _ expected: [(Int, Int, String)]) {
        self.name = name
        self.body = body
        self.expected = expected.map { (line: $0.0, column: $0.1, message: $0.2) }
    }

    /// The program: the declarations on lines 1 and 2, then `body`.
    var source: String { "vocab {1, 2};\nmax_seq_len 3;\n" + body }
    var testDescription: String { name }
}

@Suite struct FollowOnDiagnosticsTests {
    static let linear = "(only + and - of two numerical s-ops are linear)"
    static let numericalN = "numerical n = map(lambda t: t, tokens);\n"

    static let cases: [ExactDiagnosticsCase] = [
        // A non-linear zipmap of numerical s-ops: one diagnostic, naming each input once.
        ExactDiagnosticsCase("numerical_zipmap_same_input_twice", numericalN + "numerical x = zipmap(lambda p, q: p * q, n, n);\n",
                             [(4, 15, "zipmap 'x' is numerical and reads the numerical s-op 'n'; a non-linear zipmap needs categorical inputs and must be categorical \(linear)")]),
        ExactDiagnosticsCase("numerical_product", numericalN + "numerical x = n * n;\n",
                             [(4, 17, "zipmap 'x' is numerical and reads the numerical s-op 'n'; a non-linear zipmap needs categorical inputs and must be categorical \(linear)")]),
        ExactDiagnosticsCase("zipmap_same_numerical_input_twice", numericalN + "x = zipmap(lambda p, q: p * q, n, n);\n",
                             [(4, 5, "zipmap 'x' reads the numerical s-op 'n'; a non-linear zipmap needs categorical inputs \(linear)")]),
        ExactDiagnosticsCase("zipmap_two_numerical_inputs", numericalN + "numerical m = map(lambda t: t + 1, tokens);\nx = zipmap(lambda p, q: p * q, n, m);\n",
                             [(5, 5, "zipmap 'x' reads the numerical s-ops 'n' and 'm'; a non-linear zipmap needs categorical inputs \(linear)")]),
        ExactDiagnosticsCase("numerical_zipmap_of_categoricals", "numerical x = zipmap(lambda p, q: p * q, tokens, indices);\n",
                             [(3, 15, "'x' is a non-linear zipmap, so it must be categorical")]),
        ExactDiagnosticsCase("select_same_numerical_keys_and_queries", numericalN + "x = aggregate(select(n, n, ==), tokens);\n",
                             [(4, 15, "select's keys and queries 'n' are numerical; select needs categorical keys and queries")]),
        // A bad literal is reported by the lexer alone.
        ExactDiagnosticsCase("huge_shift_offset", "x = shift(tokens, 99999999999999999999999);\ny = x + 1;\n",
                             [(3, 19, "integer '99999999999999999999999' is too large (the limit is 9223372036854775807)")]),
        ExactDiagnosticsCase("huge_shift_offset_on_its_own_line", "x = shift(tokens,\n    -99999999999999999999999);\n",
                             [(4, 6, "integer '99999999999999999999999' is too large (the limit is 9223372036854775807)")]),
        ExactDiagnosticsCase("huge_aggregate_default", "x = aggregate(select(indices, indices, ==),\n    tokens, 1e999);\n",
                             [(4, 13, "number '1e999' is out of range")]),
        // A binding that fails binds its name, so later uses say nothing more.
        ExactDiagnosticsCase("unknown_name_then_uses", "x = tokes + 1;\ny = x + 1;\nz = select(x, x, ==);\nw = map(lambda a: a + x, tokens);\nv = x(tokens);\noutput x;\n",
                             [(3, 5, "unknown name 'tokes'; did you mean 'tokens'?")]),
        ExactDiagnosticsCase("parse_error_then_uses", "x = tokens +;\ny = x + 1;\noutput y;\n",
                             [(3, 13, "expected an expression, found ';'")]),
        ExactDiagnosticsCase("missing_assign_then_uses", "x tokens + 1;\ny = x + 1;\n",
                             [(3, 3, "expected '=' after 'x', found 'tokens'")]),
        ExactDiagnosticsCase("too_deep_then_uses", "x = " + String(repeating: "(", count: 200) + "tokens" + String(repeating: ")", count: 200) + ";\ny = x + 1;\n",
                             [(3, 69, "expression is nested too deeply (the limit is 128 levels)")]),
        ExactDiagnosticsCase("constant_binding_then_uses", "x = 3;\ny = x + tokens;\n",
                             [(3, 5, "'x' would be bound to the constant 3; only s-ops and selectors can be bound")]),
        ExactDiagnosticsCase("wrong_argument_then_uses", "x = map(lambda a: a, selector_width(tokens));\ny = x + 1;\n",
                             [(3, 37, "selector_width's argument must be a selector, but it is s-op 'tokens'")]),
        ExactDiagnosticsCase("macro_parse_error_then_uses", "def f(a) { b = a +; return b; }\ny = f(tokens);\nz = y + 1;\n",
                             [(3, 19, "expected an expression, found ';'")]),
        // A mistake inside a macro is reported once, however often the macro is called.
        ExactDiagnosticsCase("macro_unknown_name_called_twice", "def f(s) { return s + nope; }\ny = f(tokens);\nz = f(indices);\n",
                             [(3, 23, "unknown name 'nope'")]),
        ExactDiagnosticsCase("macro_lambda_fails_called_twice", "def f(s) { return map(lambda t: 10 / (t - 1), s); }\ny = f(tokens);\nz = f(tokens);\n",
                             [(3, 23, "the function of 'y' fails on the value 1 of 'tokens': division by zero")]),
        // map(g, map(f, x)) is one map of both: f's failure is f's map's alone, at f.
        ExactDiagnosticsCase("failing_map_then_maps_of_it", "y = map(lambda t: 10 / (t - 1), tokens);\nz = map(lambda a: a + 1, y);\nnumerical w = y;\n",
                             [(3, 9, "the function of 'y' fails on the value 1 of 'tokens': division by zero")]),
    ]

    @Test(arguments: cases)
    func programGetsExactlyItsDiagnostics(_ c: ExactDiagnosticsCase) {
        let got = Diagnosed.of(c.source)
        #expect(got == c.expected.map { Diagnosed($0.line, $0.column, $0.message) }, "\(got)")
    }

    @Test func countsAgreeWithTheirNouns() {
        #expect(counted(1, "head") == "1 head")
        #expect(counted(0, "head") == "0 heads")
        #expect(counted(2, "s-op") == "2 s-ops")
        #expect(counted(3, "analysis", plural: "analyses") == "3 analyses")
        #expect([0, 7, 999, 1_000, 20_006, 100_200_084, -25_000_000].map(grouped) == ["0", "7", "999", "1,000", "20,006", "100,200,084", "-25,000,000"])
    }
}
