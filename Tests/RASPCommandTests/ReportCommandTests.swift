import Foundation
import Testing
import RASPCommand
import RASPTestSupport

@Suite struct ReportCommandTests {
    static func temporaryDirectory() -> String {
        let dir = NSTemporaryDirectory() + "rasp-report-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func drawWritesTheGoldenCircuitAndARecoveredOne() throws {
        let dir = Self.temporaryDirectory()
        let golden = rasp("draw", "programs/reverse.rasp", "-o", dir + "/pictures/golden.svg")
        #expect(golden.status == 0, "\(golden.stderr)")
        let svg = try String(contentsOfFile: dir + "/pictures/golden.svg", encoding: .utf8)
        #expect(XMLCheck(svg).isWellFormed && XMLCheck(svg).count(class: "edge") == 13)
        let prune = rasp("prune", "programs/reverse.rasp", "--steps", "200", "--quiet", "-o", dir + "/c.json")
        #expect(prune.status == 0, "\(prune.stderr)")
        let drawn = rasp("draw", "programs/reverse.rasp", "--circuit", dir + "/c.json")
        #expect(drawn.status == 0, "\(drawn.stderr)")
        let check = XMLCheck(drawn.stdout)
        #expect(check.isWellFormed, "\(check.error ?? "")")
        #expect(drawn.stdout.contains("edge-pruning seed 0 against the golden circuit"))
        #expect(check.count(class: "recovered") + check.count(class: "missing") - (check.count(class: "missing") > 0 ? 2 : 1) == 9)
    }

    /// The golden circuit is the same on every variant; `--variant` says how that model reproduces it.
    @Test func drawWithAVariantSaysWhetherItsModelHonoursTheGoldenCircuit() {
        let noisy = rasp("draw", "programs/dyck1_counts.rasp", "--variant", "noisy")
        #expect(noisy.status == 0)
        #expect(noisy.stdout.contains("on the noisy model it reproduces 61 of 62 inputs, so no circuit can be exact there"))
        let compiled = rasp("draw", "programs/dyck1_counts.rasp", "--variant", "compiled")
        #expect(compiled.stdout.contains("on the compiled model it reproduces 62 of 62 inputs<"))
    }

    @Test func drawRefusesBadInputClearly() {
        #expect(rasp("draw").status == 64)
        #expect(rasp("draw", "programs/reverse.rasp", "--ablation", "loud").status == 64)
        let missing = rasp("draw", "programs/reverse.rasp", "--circuit", "no/such.json")
        #expect(missing.status == 1 && missing.stderr.contains("no/such.json: error: cannot read"))
        let other = rasp("draw", "programs/sort.rasp", "--circuit", "golden/reverse.json")
        #expect(other.status == 1 && other.stderr.contains("golden/reverse.json: error: the file's graph"), "\(other.stderr)")
    }

    @Test func checkWritesAPageAndReportsProgressOneLinePerProgram() throws {
        let dir = Self.temporaryDirectory()
        let r = rasp("check", "programs/length.rasp", "programs/frac_prevs.rasp", "--seeds", "0", "--variants", "compiled", "--html", dir + "/report.html")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("check: [1/2] length\n") && r.stderr.contains("check: [2/2] frac_prevs\n"))
        #expect(!r.stderr.contains("\r") && !r.stderr.contains("seed 0\n"))
        let page = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        let check = XMLCheck(page)
        #expect(check.isWellFormed, "\(check.error ?? "")")
        #expect(check.count(class: "variant") == 2 && check.count(class: "circuit") == 4 && check.count(class: "plot") == 4)
    }

    @Test func progressOnATerminalIsOneLineRewrittenInPlace() {
        var err = ""
        let console = Console(out: { _ in true }, err: { err += $0 }, stdin: { _ in [] }, workingDirectory: "/", errIsTerminal: true)
        console.progress("check: [1/2] a", permanent: true)
        console.progress("check: [1/2] a: noisy seed 3", permanent: false)
        console.errLine("a: error: something")
        console.progress("check: [2/2] b", permanent: true)
        console.clearProgress()
        let clear = "\r\u{1B}[2K"
        #expect(err == clear + "check: [1/2] a" + clear + "check: [1/2] a: noisy seed 3" + clear + "a: error: something\n"
                + clear + "check: [2/2] b" + clear)
    }
}
