import Testing
import RASPLanguage
import RASPCompiler
import RASPTestSupport

/// Compiling and checking programs at the documented limits: correct, and (under `RASP_FULL_SWEEP=1`,
/// best in a release build) at the sizes `rasp bench` times.
@Suite struct LimitsCompileTests {
    /// `select(tokens, tokens, ==) or select(indices, indices, ==) or ...`, `count` selects in all.
    static func oredSelectors(_ count: Int) -> String {
        (0..<count).map { $0 % 2 == 0 ? "select(tokens, tokens, ==)" : "select(indices, indices, ==)" }.joined(separator: " or ")
    }

    static func load(_ body: String, vocab: Int, maxSeqLen: Int) throws -> Program {
        try Repository.load(text: "vocab {\((0..<vocab).map(String.init).joined(separator: ", "))};\nmax_seq_len \(maxSeqLen);\n\(body)")
    }

    @Test func sixtyOredSelectorsCompileAndAgree() throws {
        let sels = LimitsCompileTests.oredSelectors(60)
        for body in ["w = selector_width(\(sels));", "numerical m = aggregate(\(sels), numerical(tokens + 0), 0);"] {
            let program = try LimitsCompileTests.load(body, vocab: 3, maxSeqLen: 5)
            let (checked, bad) = try ModelAgreementTests.disagreements(program)
            #expect(checked == 363 && bad.isEmpty, "\(bad.prefix(3))")
        }
    }

    /// Thirteen distinct selects: no truth table, every cell by the formula's program.
    @Test func manyDistinctSelectsCompileAndAgree() throws {
        let sels = (0..<13).map { "select(tokens, indices, lambda k, q: (k + q) % \($0 + 2) == 0)" }.joined(separator: " or ")
        let program = try LimitsCompileTests.load("w = selector_width(\(sels) and not select(tokens, tokens, ==));", vocab: 3, maxSeqLen: 4)
        let (checked, bad) = try ModelAgreementTests.disagreements(program)
        #expect(checked == 120 && bad.isEmpty, "\(bad.prefix(3))")
    }

    @Test func oredSelectorsOnLargeValueSets() throws {
        let (vocab, n) = Repository.fullSweep ? (10, 100) : (5, 12)
        let program = try LimitsCompileTests.load("w = selector_width(\(LimitsCompileTests.oredSelectors(60)));", vocab: vocab, maxSeqLen: n)
        let compiled = try Compiler.compile(program)
        #expect(compiled.layerCount == 2)
        let evaluation = try ProgramEvaluation.run(program, limit: Repository.fullSweep ? ProgramEvaluation.defaultLimit : 500)
        for (input, output) in zip(evaluation.inputs, evaluation.outputs) {
            let expected = input.indices.map { i in Value.int(input.indices.filter { input[$0] == input[i] || $0 == i }.count) }
            #expect(output == expected)
        }
    }

    @Test func histAtTheLongestInputs() throws {
        let n = Repository.fullSweep ? Limits.maximumSeqLen : 40
        let program = try Repository.load(text: "vocab {\"a\", \"b\", \"c\"};\nmax_seq_len \(n);\nhist = selector_width(select(tokens, tokens, ==));")
        _ = try Compiler.compile(program)
        let evaluation = try ProgramEvaluation.run(program, limit: Repository.fullSweep ? ProgramEvaluation.defaultLimit : 300)
        #expect(evaluation.inputs.count == (Repository.fullSweep ? 2_000 : 300))
        for (input, output) in zip(evaluation.inputs, evaluation.outputs) {
            #expect(output == input.map { t in .int(input.filter { $0 == t }.count) })
        }
    }

    @Test func aLongMapChainIsOneMLP() throws {
        let count = Repository.fullSweep ? Limits.maximumFusedMaps : 1_000
        let body = "v0 = tokens + 1;\n" + (1..<count).map { "v\($0) = v\($0 - 1) + 1;\n" }.joined()
        let program = try LimitsCompileTests.load(body, vocab: 3, maxSeqLen: 4)
        let compiled = try Compiler.compile(program)
        #expect(compiled.layerCount == 1)
        let (checked, bad) = try ModelAgreementTests.disagreements(program)
        #expect(checked == 120 && bad.isEmpty, "\(bad.prefix(3))")
    }
}
