import Testing
import RASPLanguage
import RASPTestSupport

/// A malformed or uncompilable program and the one diagnostic it must produce.
struct MalformedCase: CustomTestStringConvertible, Sendable {
    var name: String
    var source: String
    var line: Int
    var column: Int
    var message: String

    init(_ name: String, _ source: String, _ line: Int, _ column: Int, _ message: String) {
        self.name = name
        self.source = source
        self.line = line
        self.column = column
        self.message = message
    }

    var testDescription: String { name }
}

@Suite struct DiagnosticsTests {
    static let cases: [MalformedCase] = [
        MalformedCase("bad_character", "vocab {\"a\"};\nmax_seq_len 3;\nx = tokens @ 2;\n",
                      3, 12, "unexpected character '@'"),
        MalformedCase("bad_predicate", "vocab {\"a\"};\nmax_seq_len 3;\nx = selector_width(select(tokens, tokens, 3));\n",
                      3, 43, "select's predicate must be a comparison (== != < <= > >=), true, false, or lambda k, q: ...; got the constant 3"),
        MalformedCase("categorical_default_0", "vocab {\"a\"};\nmax_seq_len 3;\nnumerical n = tokens == \"a\";\nx = aggregate(select(indices, indices, <=), n, 0);\n",
                      4, 5, "categorical aggregate 'x' has the default 0, but a categorical aggregate's default is none; make it numerical for a mean (numerical x = ...)"),
        MalformedCase("chained_comparison", "vocab {1, 2};\nmax_seq_len 3;\nx = map(lambda a: 0 < a < 2, tokens);\n",
                      3, 25, "comparisons cannot be chained; combine them with 'and'"),
        MalformedCase("divide_by_zero", "vocab {0, 1, 2};\nmax_seq_len 3;\nx = map(lambda t: 10 / t, tokens);\n",
                      3, 9, "the function of 'x' fails on the value 0 of 'tokens': division by zero"),
        MalformedCase("duplicate_vocab_value", "vocab {\"a\", \"b\", \"a\"};\nmax_seq_len 3;\nx = tokens;\n",
                      1, 18, "\"a\" appears twice in the vocab"),
        MalformedCase("empty_vocab", "vocab {};\nmax_seq_len 3;\nx = tokens;\n",
                      1, 1, "the vocab is empty"),
        MalformedCase("example_lengths_differ", "vocab {\"a\"};\nmax_seq_len 3;\nx = tokens;\nexample [\"a\", \"a\"] -> [\"a\"];\n",
                      4, 1, "an example's output has 1 value but its input has 2 tokens"),
        MalformedCase("example_not_in_vocab", "vocab {\"a\"};\nmax_seq_len 3;\nx = tokens;\nexample [\"b\"] -> [\"b\"];\n",
                      4, 10, "example token \"b\" is not in the vocab"),
        MalformedCase("integer_literal_too_large", "vocab {\"a\"};\nmax_seq_len 3;\nx = shift(tokens, 99999999999999999999999);\ny = x;\n",
                      3, 19, "integer '99999999999999999999999' is too large (the limit is 9223372036854775807)"),
        MalformedCase("integer_overflow", "vocab {1, 2};\nmax_seq_len 3;\nx = map(lambda a: a * 9223372036854775807, tokens);\n",
                      3, 9, "the function of 'x' fails on the value 2 of 'tokens': integer overflow in 2 * 9223372036854775807"),
        MalformedCase("lambda_arity", "vocab {\"a\"};\nmax_seq_len 3;\nx = map(lambda a, b: a, tokens);\n",
                      3, 9, "map's function must take 1 parameter, but this lambda takes 2"),
        MalformedCase("lambda_returns_none", "vocab {1, 2};\nmax_seq_len 3;\nx = map(lambda a: none if a == 1 else a, tokens);\n",
                      3, 9, "the function of 'x' returns none for the value 1; a map must return a value"),
        MalformedCase("lambda_uses_sop", "vocab {\"a\"};\nmax_seq_len 3;\ny = tokens == \"a\";\nx = map(lambda a: a == y, tokens);\n",
                      4, 24, "a lambda body can use only its parameters and constants, but 'y' is s-op 'y'"),
        MalformedCase("linear_not_numerical", "vocab {\"a\"};\nmax_seq_len 3;\nnumerical n = tokens == \"a\";\nnumerical m = tokens == \"b\";\nx = n - m;\n",
                      5, 7, "'x' adds or subtracts the numerical s-ops 'n' and 'm', so it must be numerical: write 'numerical x = ...'"),
        MalformedCase("macro_arity", "vocab {\"a\"};\nmax_seq_len 3;\ndef f(a, b) { return a; }\nx = f(tokens);\n",
                      4, 5, "macro 'f' takes 2 arguments, got 1"),
        MalformedCase("max_seq_len_huge", "vocab {\"a\"};\nmax_seq_len 100000000;\nx = tokens;\n",
                      2, 1, "max_seq_len must be between 1 and 1000, got 100000000"),
        MalformedCase("max_seq_len_zero", "vocab {\"a\"};\nmax_seq_len 0;\nx = tokens;\n",
                      2, 1, "max_seq_len must be between 1 and 1000, got 0"),
        MalformedCase("missing_semicolon", "vocab {\"a\"};\nmax_seq_len 3\nx = tokens == \"a\";\n",
                      2, 14, "expected ';' after max_seq_len"),
        MalformedCase("missing_semicolon_stmt", "vocab {\"a\"};\nmax_seq_len 3;\nx = tokens == \"a\"\ny = x;\n",
                      3, 18, "expected ';' after the binding of 'x'"),
        MalformedCase("missing_vocab", "max_seq_len 3;\nx = tokens;\n",
                      1, 1, "missing 'vocab' declaration, such as: vocab {\"a\", \"b\", \"c\"};"),
        MalformedCase("mixed_vocab", "vocab {\"a\", 1};\nmax_seq_len 3;\nx = tokens;\n",
                      1, 13, "the vocab mixes strings and integers; a vocab holds one kind of value"),
        MalformedCase("mutual_recursion", "vocab {\"a\"};\nmax_seq_len 3;\ndef f(s) { return g(s); }\ndef g(s) { return f(s); }\nx = f(tokens);\n",
                      4, 19, "macro 'f' calls itself (through f -> g -> f); macros are expanded inline and cannot be recursive"),
        MalformedCase("nonlinear_numerical_zipmap", "vocab {\"a\"};\nmax_seq_len 3;\nnumerical n = tokens == \"a\";\nx = zipmap(lambda p, q: p * q, n, indices);\n",
                      4, 5, "zipmap 'x' reads the numerical s-op 'n'; a non-linear zipmap needs categorical inputs (only + and - of two numerical s-ops are linear)"),
        MalformedCase("numerical_aggregate_no_default", "vocab {\"a\"};\nmax_seq_len 3;\nnumerical n = tokens == \"a\";\nnumerical x = aggregate(select(indices, indices, <=), n);\n",
                      4, 15, "numerical aggregate 'x' needs the default 0: aggregate(selector, sop, 0)"),
        MalformedCase("numerical_select_key", "vocab {\"a\"};\nmax_seq_len 3;\nnumerical n = tokens == \"a\";\ns = select(n, indices, ==);\nx = aggregate(s, tokens);\n",
                      4, 5, "select's keys 'n' are numerical; select needs categorical keys and queries"),
        MalformedCase("numerical_tokens", "vocab {1, 2};\nmax_seq_len 3;\nnumerical t = tokens;\n",
                      3, 15, "'tokens' is always categorical; it cannot be made numerical"),
        MalformedCase("one_argument", "vocab {\"a\"};\nmax_seq_len 3;\nx = selector_width(select(tokens, tokens, ==), tokens);\n",
                      3, 5, "selector_width takes 1 argument, got 2: selector_width(selector)"),
        MalformedCase("output_selector", "vocab {\"a\"};\nmax_seq_len 3;\ns = select(tokens, tokens, ==);\noutput s;\n",
                      4, 1, "the output must be an s-op, but 's' is a selector"),
        MalformedCase("predicate_type_error", "vocab {\"a\", \"b\"};\nmax_seq_len 3;\nx = selector_width(select(tokens, indices, <));\n",
                      3, 20, "select's predicate fails on key \"a\" and query 0: cannot compare string \"a\" with int 0 using <"),
        MalformedCase("rebind_builtin", "vocab {\"a\"};\nmax_seq_len 3;\nlength = tokens;\n",
                      3, 1, "'length' is a builtin and cannot be rebound"),
        MalformedCase("rebinding", "vocab {\"a\"};\nmax_seq_len 3;\nx = tokens == \"a\";\nx = tokens == \"b\";\n",
                      4, 1, "'x' is already bound; names cannot be rebound"),
        MalformedCase("recursion", "vocab {\"a\"};\nmax_seq_len 3;\ndef f(s) {\n  return f(s);\n}\nx = f(tokens);\n",
                      4, 10, "macro 'f' calls itself (through f -> f); macros are expanded inline and cannot be recursive"),
        MalformedCase("selector_as_sop", "vocab {\"a\"};\nmax_seq_len 3;\ns = select(tokens, tokens, ==);\nx = map(lambda v: v, s);\n",
                      4, 22, "map's second argument must be an s-op, but it is a selector"),
        MalformedCase("sop_as_selector", "vocab {\"a\"};\nmax_seq_len 3;\nx = aggregate(tokens, tokens);\n",
                      3, 15, "aggregate's first argument must be a selector, but it is s-op 'tokens'"),
        MalformedCase("unknown_function", "vocab {\"a\"};\nmax_seq_len 3;\nx = selectorwidth(select(tokens, tokens, ==));\n",
                      3, 5, "unknown name 'selectorwidth'; did you mean 'selector_width'?"),
        MalformedCase("unknown_name", "vocab {\"a\"};\nmax_seq_len 3;\nx = tokes == \"a\";\n",
                      3, 5, "unknown name 'tokes'; did you mean 'tokens'?"),
        MalformedCase("unknown_output", "vocab {\"a\"};\nmax_seq_len 3;\nx = tokens == \"a\";\noutput xx;\n",
                      4, 1, "unknown name 'xx' in 'output'; did you mean 'x'?"),
        MalformedCase("unterminated_string", "vocab {\"a\", \"b};\nmax_seq_len 3;\nx = tokens;\n",
                      1, 13, "unterminated string literal"),
        MalformedCase("value_set_limit", "vocab {1..100};\nmax_seq_len 3;\nx = zipmap(lambda a, b: a * 1000 + b, tokens, tokens);\ny = zipmap(lambda a, b: a * 1000 + b, x, indices);\nz = zipmap(lambda a, b: a * 10 + b, y, tokens);\n",
                      5, 5, "the value set of 'z' has more than 10000 values"),
    ]

    @Test(arguments: cases)
    func malformedProgramGetsItsDiagnostic(_ c: MalformedCase) {
        do {
            _ = try Repository.load(text: c.source, name: "\(c.name).rasp")
            Issue.record("\(c.name) loaded without a diagnostic")
        } catch {
            #expect(error.diagnostics.count == 1, "\(error.diagnostics)")
            let d = error.diagnostics[0]
            #expect(d.location.line == c.line && d.location.column == c.column, "at \(d.location)")
            #expect(d.message == c.message)
        }
    }

    @Test func thereAreAtLeastTwentyFiveCases() {
        #expect(DiagnosticsTests.cases.count + 3 >= 25)
    }

    @Test func binaryGarbageGetsOneDiagnostic() {
        let bytes: [UInt8] = Array("vocab {\"a\"};".utf8) + [0, 1, 0xFF, 0xFE, 0x80, 10, 0xC3]
        do {
            _ = try Program.load(SourceFile(path: "garbage.rasp", data: bytes))
            Issue.record("binary file loaded")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics.first?.message == "NUL byte in source (source files must be UTF-8 text)")
            #expect(error.diagnostics.first?.location == SourceLocation(line: 1, column: 13))
        }
    }

    @Test func residualStreamTooWideIsRefusedBeforeAllocation() {
        var lines = ["vocab {1..9999};", "max_seq_len 3;", "same = select(indices, indices, ==);", "a0 = tokens + 1;"]
        for i in 1...11 { lines.append("a\(i) = aggregate(same, a\(i - 1)) + 1;") }
        do {
            _ = try Repository.load(text: lines.joined(separator: "\n"))
            Issue.record("loaded")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["the compiled residual stream would be 239981 dimensions wide; the limit is 100000"])
        }
    }

    @Test func printerShowsFileLineColumnSourceAndCaret() throws {
        let source = SourceFile(path: "p.rasp", text: "vocab {\"a\"};\nmax_seq_len 3;\nx = \ttokes == \"a\";\n")
        do {
            _ = try Program.load(source)
            Issue.record("loaded")
        } catch {
            let text = DiagnosticPrinter(source: source).render(error.diagnostics)
            #expect(text == "p.rasp:3:6: error: unknown name 'tokes'; did you mean 'tokens'?\nx = \ttokes == \"a\";\n    \t^\n")
        }
    }

    @Test func parserRecoversAndReportsSeveralErrors() {
        let text = "vocab {\"a\"};\nmax_seq_len 3;\nx = tokens ==\ny = 1 +;\nz = tokens;\nw = z z;\n"
        do {
            _ = try Repository.load(text: text)
            Issue.record("loaded")
        } catch {
            #expect(error.diagnostics.count >= 3)
            #expect(error.diagnostics.map(\.location.line) == error.diagnostics.map(\.location.line).sorted())
        }
    }
}
