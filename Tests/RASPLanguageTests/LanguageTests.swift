import Testing
import RASPLanguage
import RASPTestSupport

@Suite struct LanguageTests {
    static func program(_ body: String, vocab: String = "{\"a\", \"b\"}", maxSeqLen: Int = 4) throws -> Program {
        try Repository.load(text: "vocab \(vocab);\nmax_seq_len \(maxSeqLen);\n\(body)")
    }

    static func labels(_ p: Program) -> [String] {
        p.nodes.enumerated().filter { p.isLive[$0.offset] }.map(\.element.label)
    }

    @Test func macroCallsLabelTheirSOps() throws {
        let p = try Repository.load("shuffle_dyck2")
        let labels = LanguageTests.labels(p)
        #expect(labels.contains("pair_balance.opens") && labels.contains("pair_balance#2.opens"))
        #expect(labels.contains("balance_round") && labels.contains("balance_curly"))
        #expect(labels.contains("frac_prevs#4.fraction") == false)  // renamed by the caller's binding
    }

    @Test func aMapOfAMapIsOneMap() throws {
        let p = try LanguageTests.program("x = tokens == \"a\";\ny = map(lambda v: not v, x);\noutput y;")
        let y = p.nodes[p.output]
        guard case .map(let f, let input) = y.operation else { Issue.record("not a map"); return }
        #expect(f.steps.count == 2)
        #expect(p.nodes[input].label == "tokens")
        #expect(!p.isLive[p.nodes.firstIndex { $0.label == "x" }!])
    }

    @Test func numericalMeansHaveCompleteValueSets() throws {
        let p = try LanguageTests.program("numerical b = tokens == \"a\";\nnumerical m = aggregate(select(indices, indices, <=), b, 0);", maxSeqLen: 5)
        let values = p.valueSets[p.output].values.map { $0.number! }
        for n in 1...5 { for k in 0...n { #expect(values.contains { abs($0 - Double(k) / Double(n)) < 1e-12 }, "\(k)/\(n)") } }
        #expect(values.count == 11)  // 0, 1, 1/2, 1/3, 2/3, 1/4, 3/4, 1/5 ... 4/5
    }

    @Test func combinedSelectorsAreEvaluated() throws {
        let p = try LanguageTests.program("s = (select(indices, indices, <) or select(tokens, tokens, ==)) and not select(indices, indices, ==);\nw = selector_width(s);")
        let out = try Interpreter(program: p).run([.string("a"), .string("b"), .string("a")])
        // position 0: keys before none; other "a" at 2 -> 1. position 1: key 0 -> 1. position 2: keys 0, 1 -> 2.
        #expect(out == [.int(1), .int(1), .int(2)])
    }

    @Test func causalRestrictsEverySelector() throws {
        let p = try Repository.load(text: "vocab {\"a\"};\nmax_seq_len 4;\ncausal;\nw = selector_width(select(tokens, tokens, true));")
        #expect(try Interpreter(program: p).run(Array(repeating: .string("a"), count: 4)) == [1, 2, 3, 4].map { Value.int($0) })
    }

    @Test func noneIsNeverSelectedAndMapsOfNoneAreNone() throws {
        let p = try LanguageTests.program("prev = shift(tokens, 1);\nsame = selector_width(select(prev, tokens, ==));\nboth = zipmap(lambda a, b: a, prev, same);")
        let interpreter = Interpreter(program: p)
        #expect(try interpreter.run([.string("a"), .string("a")]) == [.none, .string("a")])
    }

    @Test func valuesPrintAsRASPmdSays() {
        #expect(Value.bool(true).description == "true")
        #expect(Value.real(0.1 + 0.2).description == "0.30000000000000004")
        #expect(Value.real(1).description == "1.0")
        #expect(Value.tuple([.int(1), .string("a")]).description == "(1, \"a\")")
        #expect(JSON(Value.tuple([.none, .real(0.5)])).compact() == "[null,0.5]")
        #expect(Value.int(1) == Value.real(1) && Value.bool(true) == Value.int(1))
        #expect(Set([Value.int(1), .real(1), .bool(true)]).count == 1)
        // Equal values hash alike even where an int and a real only meet after rounding (a fuzz find).
        let big = [Value.int(Int.max), .real(9.223372036854776e18), .real(-0.0), .int(0)]
        #expect(big[0] == big[1] && big[0].hashValue == big[1].hashValue)
        #expect(big[2] == big[3] && big[2].hashValue == big[3].hashValue)
        #expect(ValueSet(big).count == 2)
        var ranks: [Value: Int] = [:]
        for (i, v) in big.enumerated() { ranks[v] = i }
        #expect(ranks.count == 2)
    }

    @Test func pythonArithmetic() throws {
        func eval(_ e: String) throws -> Value {
            let p = try LanguageTests.program("x = map(lambda v: \(e), indices);", maxSeqLen: 1)
            return try Interpreter(program: p).run([.string("a")])[0]
        }
        #expect(try eval("-7 // 2") == .int(-4))
        #expect(try eval("-7 % 3") == .int(2))
        #expect(try eval("7 / 2") == .real(3.5))
        #expect(try eval("2 ** 10") == .int(1024))
        #expect(try eval("-2 ** 2") == .int(-4))
        #expect(try eval("round(2.5)") == .int(2))
        #expect(try eval("max(3, 9, 4)") == .int(9))
        #expect(try eval("(1, 2)[-1]") == .int(2))
        #expect(try eval("0 or 5") == .int(5))
        #expect(try eval("1 if v == 0 else 2") == .int(1))
    }

    @Test func inputSpaceEnumeratesAndSamples() {
        let space = InputSpace(vocab: [.int(1), .int(2), .int(3)], maxSeqLen: 3, distinct: false)
        #expect(space.count == 39)
        #expect(space.inputs(limit: 100).count == 39)
        let sample = space.inputs(limit: 20, seed: 4)
        #expect(sample.count == 20 && sample == space.inputs(limit: 20, seed: 4))
        #expect(InputSpace(vocab: [.int(1), .int(2), .int(3)], maxSeqLen: 3, distinct: true).count == 15)
    }
}
