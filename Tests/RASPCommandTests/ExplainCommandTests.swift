import Foundation
import Testing
import RASPTestSupport
import RASPLanguage

/// `rasp explain`: the teaching trace on the command line.
@Suite struct ExplainCommandTests {
    @Test func reverseShowsEveryStageTheHeadsAndTheDecodedValues() {
        let r = rasp("explain", "programs/reverse.rasp", "--input", "a b c")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for stage in ["embeddings", "layer 0 attention", "layer 0 MLP", "layer 3 attention", "layer 3 MLP"] {
            #expect(lines.contains(stage), "no stage \(stage)")
        }
        #expect(lines.contains("   + tokens          a  b  c"))
        #expect(lines.contains("   + length          3  3  3"))
        #expect(lines.contains("   + opp_index       2  1  0"))
        #expect(lines.contains("   + reverse         c  b  a"))
        #expect(lines.contains("  head 3.0 computes reverse: query -> key weight"))
        #expect(lines.contains("    q0 -> k2 1.00") && lines.contains("    q2 -> k0 1.00"))
        #expect(lines.contains("    q1 -> BOS 0.25, k0 0.25, k1 0.25, k2 0.25"))
        #expect(lines.contains("output (decoded from the logits, as rasp run decodes it): c b a"))
        #expect(lines.contains("every decoded s-op agrees with the interpreter at every stage"))
        #expect(lines.allSatisfy { $0.count <= 110 }, "a line too long to read whole")
    }

    @Test func theJSONOutputIsRunsAndTheVariantsAreTraced() throws {
        for variant in ["compiled", "rotated", "noisy"] {
            let explain = rasp("explain", "programs/frac_prevs.rasp", "--input", "a b a c", "--json", "--variant", variant)
            #expect(explain.status == 0, "\(variant): \(explain.stderr)")
            let run = rasp("run", "programs/frac_prevs.rasp", "--input", "a b a c", "--json", "--variant", variant)
            let trace = try JSON.parse(explain.stdout), answer = try JSON.parse(run.stdout)
            #expect(trace["output"] == answer["output"], "\(variant)")
            #expect(trace["variant"]?.stringValue == variant && trace["disagreements"]?.intValue == 0)
        }
    }

    @Test func htmlWritesAPageThatParses() throws {
        let path = NSTemporaryDirectory() + "rasp-explain-\(UUID().uuidString)/trace.html"
        let r = rasp("explain", "programs/sort.rasp", "--input", "3 1 2", "--html", path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("layer 2 attention"))
        let page = try #require(FileSystem.readText(path))
        let check = XMLCheck(page)
        #expect(check.isWellFormed, "\(check.error ?? "")")
        #expect(check.count(class: "heatmap") == 2)
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    @Test func badInputsAreClearErrors() {
        let token = rasp("explain", "programs/reverse.rasp", "--input", "a z")
        #expect(token.status == 64)
        #expect(token.stderr == "rasp explain: error: token 'z' is not in the vocab {a, b, c}\n")
        #expect(token.stdout.isEmpty)
        let long = rasp("explain", "programs/reverse.rasp", "--input", "a a a a a a")
        #expect(long.status == 64 && long.stderr.contains("more than max_seq_len (5)"))
        let empty = rasp("explain", "programs/reverse.rasp", "--input", " ")
        #expect(empty.status == 64 && empty.stderr.contains("the input is empty"))
        let none = rasp("explain", "programs/reverse.rasp")
        #expect(none.status == 64 && none.stderr.contains("give it with --input"))
        let variant = rasp("explain", "programs/reverse.rasp", "--input", "a", "--variant", "twisted")
        #expect(variant.status == 64 && variant.stderr.contains("--variant must be one of compiled, rotated, noisy"))
        let missing = rasp("explain", "nope.rasp", "--input", "a")
        #expect(missing.status == 1 && missing.stderr.contains("nope.rasp: error: no such file"))
        let unwritable = rasp("explain", "programs/reverse.rasp", "--input", "a", "--html", "/proc/rasp-no/trace.html")
        #expect(unwritable.status == 1 && unwritable.stderr.contains("cannot write '/proc/rasp-no/trace.html'"))
    }

    @Test func helpDocumentsTheOptions() {
        let r = rasp("explain", "--help")
        #expect(r.status == 0)
        for option in ["--input", "--variant V", "--variant-seed N", "--json", "--html FILE"] { #expect(r.stdout.contains(option)) }
        #expect(rasp("--help").stdout.contains("  explain "))
    }
}
