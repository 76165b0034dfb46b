import Testing
import RASPCore
import RASPLanguage
import RASPTestSupport

/// Programs at the documented limits load in time linear in their size, or are refused at a stated
/// limit with a located diagnostic. Debug sizes here; `RASP_FULL_SWEEP=1` runs the sizes `rasp bench`
/// times (best in a release build).
@Suite struct LimitsTests {
    static func load(_ body: String, vocab: String = "{1, 2, 3}", maxSeqLen: Int = 5) throws(Program.Failure) -> Program {
        try Repository.load(text: "vocab \(vocab);\nmax_seq_len \(maxSeqLen);\n\(body)")
    }

    /// `v0 = tokens + 1; v1 = v0 + 1; ...`: one map of `count` lambdas.
    static func mapChain(_ count: Int) -> String {
        "v0 = tokens + 1;\n" + (1..<count).map { "v\($0) = v\($0 - 1) + 1;\n" }.joined()
    }

    @Test func manyStatementsLoad() throws {
        let count = Repository.fullSweep ? 20_000 : 3_000
        let body = (0..<count).map { "v\($0) = tokens + \($0 % 7);\n" }.joined() + "out = v\(count - 1) + v0;\n"
        let program = try LimitsTests.load(body)
        #expect(program.nodes.count >= count)
        #expect(try Interpreter(program: program).run([.int(1), .int(2)]) == [.int(1 + (count - 1) % 7 + 1), .int(2 + (count - 1) % 7 + 2)])
    }

    @Test func aLongChainOfMapsIsOneMap() throws {
        let count = Repository.fullSweep ? Limits.maximumFusedMaps : 2_000
        let program = try LimitsTests.load(LimitsTests.mapChain(count))
        guard case .map(let f, let input) = program.outputNode.operation else { Issue.record("not a map"); return }
        #expect(f.count == count && input == 0)
        #expect(try Interpreter(program: program).run([.int(3), .int(1)]) == [.int(3 + count), .int(1 + count)])
        #expect(program.valueSets[program.output].values == [.int(1 + count), .int(2 + count), .int(3 + count)])
    }

    @Test func aChainPastTheLimitIsRefusedWhereItGoesPast() throws {
        let count = Limits.maximumFusedMaps + 1
        #expect(throws: Program.Failure.self) { try LimitsTests.load(LimitsTests.mapChain(count)) }
        do { _ = try LimitsTests.load(LimitsTests.mapChain(count)) } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics[0].location == SourceLocation(line: count + 2, column: 16))
            #expect(error.diagnostics[0].message == "this map of a map would fuse 10001 maps into one (a map of a map is one map); the limit is 10000")
        }
    }

    /// Fused maps that share steps, with their inner maps live, copied by an annotation, and failing
    /// on a value: each computes its own function (its value set from its inner map's results).
    @Test func fusedMapsSharingStepsKeepTheirOwnResults() throws {
        let program = try LimitsTests.load("""
            a = tokens + 1;
            b = a * 2;
            c = b - 3;
            d = b + 10;
            numerical e = b;
            out = zipmap(lambda x, y, z, w: ((x, y), (z, w)), a, c, d, map(lambda v: v * 1, e));
            """)
        let out = try Interpreter(program: program).run([.int(1), .int(3)])
        func expected(_ t: Int) -> Value { .tuple([.tuple([.int(t + 1), .int((t + 1) * 2 - 3)]), .tuple([.int((t + 1) * 2 + 10), .int((t + 1) * 2)])]) }
        #expect(out == [expected(1), expected(3)])
        let failing = "a = tokens - 2;\nb = a * 2;\nc = map(lambda x: 10 // x, b);\nd = map(lambda x: 10 // x, a);\nout = c + d;"
        #expect(throws: Program.Failure.self) { try LimitsTests.load(failing) }
        do { _ = try LimitsTests.load(failing) } catch {
            #expect(error.diagnostics.map(\.message) == ["the function of 'c' fails on the value 2 of 'tokens': division by zero",
                                                         "the function of 'd' fails on the value 2 of 'tokens': division by zero"])
        }
    }

    @Test func histAtLongInputs() throws {
        let n = Repository.fullSweep ? Limits.maximumSeqLen : 60
        let program = try LimitsTests.load("hist = selector_width(select(tokens, tokens, ==));", vocab: "{\"a\", \"b\", \"c\"}", maxSeqLen: n)
        let interpreter = Interpreter(program: program)
        var random = SplitMix64(seed: 5)
        for _ in 0..<3 {
            let input = (0..<n).map { _ in program.vocab[random.next(below: 3)] }
            #expect(try interpreter.run(input) == input.map { t in .int(input.filter { $0 == t }.count) })
        }
    }
}
