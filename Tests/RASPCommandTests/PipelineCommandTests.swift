import Foundation
import Testing
import RASPLanguage
import RASPCircuits
import RASPTestSupport

@Suite struct PipelineCommandTests {
    static func temporary(_ name: String) -> String { NSTemporaryDirectory() + "rasp-\(UUID().uuidString)-\(name)" }

    @Test func pruneWritesEveryEdgeWithItsScoreAndTheVerifierJudgesIt() throws {
        let path = PipelineCommandTests.temporary("frac.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let prune = rasp("prune", "programs/frac_prevs.rasp", "--seed", "2", "-o", path)
        #expect(prune.status == 0, "\(prune.stderr)")
        #expect(prune.stderr.contains("edge-pruning: its own circuit keeps 7 of 32 edges and is faithful (every one of the 363 inputs reproduced); the last step's circuit"))
        let circuit = try JSON.parse(try #require(FileSystem.readText(path)))
        #expect(circuit["method"]?.stringValue == "edge-pruning" && circuit["seed"]?.intValue == 2 && circuit["ablation"]?.stringValue == "zero")
        #expect(circuit["variant"]?.stringValue == "compiled" && circuit["repaired"]?.boolValue == false)
        let edges = try #require(circuit["edges"]?.arrayValue)
        #expect(edges.count == 32)
        #expect(edges.allSatisfy { $0["score"]?.doubleValue != nil && $0["in_circuit"]?.boolValue != nil })
        #expect(edges.filter { $0["in_circuit"]?.boolValue == true }.count == 7)
        let verify = rasp("verify", "programs/frac_prevs.rasp", "--circuit", path)
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("edge AUROC: 1.0000\n"))
        #expect(verify.stdout.hasSuffix("verdict: exact\n"))
        let json = try JSON.parse(rasp("verify", "programs/frac_prevs.rasp", "--circuit", path, "--json").stdout)
        #expect(json["exact"]?.boolValue == true && json["auroc"]?.doubleValue == 1 && json["variant"]?.stringValue == "compiled")
    }

    /// One step prunes nothing: the circuit keeps edges outside the golden one, and the verdict says so.
    @Test(arguments: ["compiled", "noisy"])
    func oneStepOfPruningIsNotExact(variant: String) throws {
        let path = PipelineCommandTests.temporary("rev1.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(rasp("prune", "programs/reverse.rasp", "--steps", "1", "--variant", variant, "-o", path).status == 0)
        let verify = rasp("verify", "programs/reverse.rasp", "--circuit", path)
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("program reverse, \(variant) model, zero ablation"))
        #expect(verify.stdout.contains("edges outside the golden circuit"))
    }

    @Test func repairWritesTheRepairedCircuitAndSaysWhatItChanged() throws {
        let path = PipelineCommandTests.temporary("rep.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let prune = rasp("prune", "programs/reverse.rasp", "--steps", "30", "--repair", "-o", path)
        #expect(prune.status == 0, "\(prune.stderr)")
        #expect(prune.stderr.contains("\nrepair: "))
        let circuit = try JSON.parse(try #require(FileSystem.readText(path)))
        #expect(circuit["repaired"]?.boolValue == true)
        let verify = rasp("verify", "programs/reverse.rasp", "--circuit", path, "--json")
        #expect(try JSON.parse(verify.stdout)["faithfulness"]?["inputs_correct"]?.intValue == 363)
    }

    @Test func verifyRefusesACircuitOfAnotherProgramOrAnUnknownAblation() throws {
        let path = PipelineCommandTests.temporary("other.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let golden = try #require(FileSystem.readText(Repository.golden + "/length.json"))
        #expect(rasp("verify", "programs/hist.rasp", "--circuit", Repository.golden + "/length.json").stderr
            .contains("error: the circuit is for program 'length', not 'hist'"))
        try FileSystem.write(golden.replacingOccurrences(of: "\"program\": \"length\"", with: "\"ablation\": \"bogus\",\n  \"program\": \"length\""), to: path)
        let r = rasp("verify", "programs/length.rasp", "--circuit", path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: unknown ablation 'bogus' (expected zero, mean or resample)"))
    }

    @Test func verifyExitsOneAndNamesWhatIsWrong() throws {
        let path = PipelineCommandTests.temporary("rev.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let golden = try #require(FileSystem.readText(Repository.golden + "/reverse.json"))
        // Drop the required edge m0 -> m1.
        var json = try JSON.parse(golden)
        if case .object(var o) = json, case .array(let edges)? = o["edges"] {
            o["edges"] = .array(edges.filter { !($0["from"]?.stringValue == "m0" && $0["to"]?.stringValue == "m1") })
            json = .object(o)
        }
        try FileSystem.write(json.pretty(), to: path)
        let r = rasp("verify", "programs/reverse.rasp", "--circuit", path)
        #expect(r.status == 1)
        #expect(r.stdout.contains("missing: m0 -> m1\n"))
        #expect(r.stdout.contains("verdict: not exact: 1 required edge missing; unfaithful on"))
    }

    @Test func verifyReportsAHandEditedGoldenFile() throws {
        let path = PipelineCommandTests.temporary("golden.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let golden = try #require(FileSystem.readText(Repository.golden + "/hist.json"))
        try FileSystem.write(golden.replacingOccurrences(of: "\"required\"", with: "\"optional\""), to: path)
        let r = rasp("verify", "programs/hist.rasp", "--circuit", Repository.golden + "/hist.json", "--golden", path)
        #expect(r.status == 1)
        #expect(r.stdout.contains("golden file differs from the circuit the compiler derives"))
    }

    @Test func verifyRefusesAMalformedCircuitFile() throws {
        let path = PipelineCommandTests.temporary("bad.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileSystem.write("{\"format\": \"rasp-circuit/1\", \"program\": \"reverse\", \"graph\": {\"layers\": 4, \"heads\": [1, 1, 1, 1], \"edges\": 94}, \"edges\": [{\"from\": \"x9\", \"to\": \"out\"}]}", to: path)
        let r = rasp("verify", "programs/reverse.rasp", "--circuit", path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: edge x9 -> out: 'x9' is not a writer of the graph"))
        #expect(rasp("verify", "programs/reverse.rasp").status == 64)
    }

    @Test func verifyNamesTheGraphsWithTheRightPlurals() throws {
        let path = PipelineCommandTests.temporary("graph.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileSystem.write("{\"format\": \"rasp-circuit/1\", \"program\": \"hist\", \"graph\": {\"layers\": 2, \"heads\": [1, 1], \"edges\": 1}, \"edges\": []}", to: path)
        let r = rasp("verify", "programs/hist.rasp", "--circuit", path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: the file's graph (2 layers, heads [1, 1], 1 edge) is not the model's (1 layer, 1 head per layer, 13 edges)"), "\(r.stderr)")
    }

    /// A copy of `golden/` for the given programs, so a test can record into it.
    static func goldenCopy(_ names: [String]) throws -> String {
        let directory = temporary("golden")
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for n in names { try FileSystem.write(FileSystem.readText(Repository.golden + "/\(n).json")!, to: directory + "/\(n).json") }
        return directory
    }

    @Test func checkShowsBothVerdictsAndGatesOnTheRecoveryRecord() throws {
        let directory = try PipelineCommandTests.goldenCopy(["frac_prevs", "length"])
        let junit = directory + "/junit.xml"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let args = ["check", "programs/frac_prevs.rasp", "programs/length.rasp", "--seeds", "0-1", "--golden-dir", directory]
        let first = rasp(args + ["--junit", junit])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("program     layers  edges  required  inputs  variant   noise  kept  own  repaired  auroc"))
        #expect(first.stdout.contains("edge-pruning on noisy: its own circuit exact in"))
        #expect(first.stdout.contains("recovery.json does not exist; record it with `rasp check --record-recovery`"))
        #expect(first.stdout.contains("2 of 2 programs passed the pipeline checks"))
        let report = try #require(FileSystem.readText(junit))
        #expect(report.contains("<testcase classname=\"rasp.check\" name=\"frac_prevs\"") && !report.contains("<failure"))

        #expect(rasp(args + ["--record-recovery"]).stdout.contains("recovery: recorded 8 runs in"))
        #expect(rasp(args).stdout.contains("recovery: 8 runs as recorded in"))
        // A record that claims more than the method does is a regression, and check fails.
        let path = directory + "/recovery.json"
        var record = try RecoveryRecord.parse(try #require(FileSystem.readText(path)))
        let notExact = record.entries.values.reduce(0) { $0 + 2 - $1.exact.count }
        for key in record.entries.keys { record.entries[key]!.exact = [0, 1] }
        try FileSystem.write(record.text, to: path)
        let gated = rasp(args)
        #expect(gated.status == (notExact > 0 ? 1 : 0))
        #expect(gated.stdout.components(separatedBy: "REGRESSION").count - 1 == notExact)
        if notExact > 0 { #expect(gated.stdout.contains("re-record with `rasp check --record-recovery`")) }
        let other = ["check", "programs/frac_prevs.rasp", "programs/length.rasp", "--seeds", "2", "--golden-dir", directory]
        #expect(rasp(other).stdout.contains("4 runs not recorded"))
    }

    @Test func checkRejectsBadSeeds() {
        #expect(rasp("check", "--seeds", "4-1").status == 64)
        #expect(rasp("check", "programs/nothing_here").status == 1)
    }
}
