import Foundation
import Testing
import RASPTestSupport
import RASPLanguage

@Suite struct EvalCommandTests {
    @Test func evalPrintsTheInterpretersOutput() {
        let r = rasp("eval", "programs/reverse.rasp", "--input", "a b c")
        #expect(r.status == 0)
        #expect(r.stdout == "c b a\n")
    }

    @Test func evalPrintsNoneForNoValue() {
        let r = rasp("eval", "programs/shift_by_1.rasp", "--input", "a b c")
        #expect(r.stdout == "none a b\n")
    }

    @Test func evalJSONIsOneObjectPerInput() {
        let r = rasp("eval", "programs/shift_by_1.rasp", "--inputs", "-", "--json", stdin: "a b\nc\n")
        #expect(r.status == 0)
        #expect(r.stdout == "{\"input\":[\"a\",\"b\"],\"output\":[null,\"a\"]}\n{\"input\":[\"c\"],\"output\":[null]}\n")
    }

    @Test func evalReadsNumbersByTheVocabsKind() {
        let r = rasp("eval", "programs/sort.rasp", "--input", "3 1 2", "--json")
        #expect(r.stdout == "{\"input\":[3,1,2],\"output\":[1,2,3]}\n")
    }

    @Test func badTokenIsABadArgument() {
        let r = rasp("eval", "programs/reverse.rasp", "--input", "a z")
        #expect(r.status == 64)
        #expect(r.stderr.contains("token 'z' is not in the vocab {a, b, c}"))
    }

    @Test func tooLongInputIsABadArgument() {
        let r = rasp("eval", "programs/reverse.rasp", "--input", "a a a a a a")
        #expect(r.status == 64)
        #expect(r.stderr.contains("more than max_seq_len (5)"))
    }

    @Test func missingInputIsAUsageError() {
        let r = rasp("eval", "programs/reverse.rasp")
        #expect(r.status == 64)
        #expect(r.stderr.contains("give an input with --input"))
    }

    @Test func unknownOptionAndCommand() {
        #expect(rasp("eval", "programs/reverse.rasp", "--inptu", "a").status == 64)
        let r = rasp("evel")
        #expect(r.status == 64)
        #expect(r.stderr.contains("did you mean 'eval'?"))
    }

    @Test func programErrorsExitOneWithALocatedDiagnostic() {
        let r = rasp("eval", "Tests/Fixtures/programs/bad_name.rasp", "--input", "a")
        #expect(r.status == 1)
        #expect(r.stderr == "Tests/Fixtures/programs/bad_name.rasp:4:5: error: unknown name 'tokns'; did you mean 'tokens'?\nx = tokns == \"a\";\n    ^\n")
    }

    @Test func categoricalAggregateOfTwoValuesIsARuntimeErrorAtTheAggregate() {
        let r = rasp("eval", "Tests/Fixtures/programs/ambiguous_aggregate.rasp", "--input", "a b")
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("Tests/Fixtures/programs/ambiguous_aggregate.rasp:5:9: error: categorical aggregate 'first' selects two different values (\"a\" and \"b\") at position 0 of input [\"a\", \"b\"]"))
    }

    /// The commands read a program's bytes as they are: a byte-order mark and CR line endings are
    /// text, and a byte that is not UTF-8 is reported where it is, under the path as typed.
    @Test func programTextIsCheckedByteForByte() throws {
        let path = PipelineCommandTests.temporary("text.rasp")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let program = Array("vocab {\"a\", \"b\"};\r\nmax_seq_len 3;\r\nx = map(lambda t: \"b\" if t == \"a\" else \"a\", tokens); #".utf8)
        try FileSystem.write(bytes: [0xEF, 0xBB, 0xBF] + program + Array("\r".utf8), to: path)
        #expect(rasp("eval", path, "--input", "a b a").stdout == "b a b\n")
        try FileSystem.write(bytes: [0xEF, 0xBB, 0xBF] + program + [0xFF] + Array("\r".utf8), to: path)
        let r = rasp("eval", path, "--input", "a")
        #expect(r.status == 1)
        #expect(r.stderr == "\(path):3:55: error: invalid UTF-8: byte 0xFF (source files must be UTF-8 text)\nx = map(lambda t: \"b\" if t == \"a\" else \"a\", tokens); #\u{FFFD}\n" + String(repeating: " ", count: 54) + "^\n")
    }

    @Test func missingFileIsAProgramError() {
        let r = rasp("eval", "programs/nope.rasp", "--input", "a")
        #expect(r.status == 1)
        #expect(r.stderr == "programs/nope.rasp: error: no such file\n")
    }

    @Test func checkRunsEveryExample() {
        let r = rasp("check", "programs/reverse.rasp", "programs/sort.rasp")
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func helpAndVersion() {
        #expect(rasp("--help").stdout.contains("usage: rasp COMMAND"))
        #expect(rasp("--version").status == 0)
        #expect(rasp().status == 64)
    }
}
