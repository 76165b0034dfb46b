import Foundation
import Testing
import RASPLanguage
import RASPTestSupport

@Suite struct PipelineCommandTests {
    static func temporary(_ name: String) -> String { NSTemporaryDirectory() + "rasp-\(UUID().uuidString)-\(name)" }

    @Test func pruneWritesACircuitThatVerifiesExactly() throws {
        let path = PipelineCommandTests.temporary("frac.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let prune = rasp("prune", "programs/frac_prevs.rasp", "--seed", "2", "-o", path)
        #expect(prune.status == 0, "\(prune.stderr)")
        #expect(prune.stderr.contains("reproduces the full model on 363 of 363 inputs"))
        let circuit = try JSON.parse(try #require(FileSystem.readText(path)))
        #expect(circuit["method"]?.stringValue == "edge-pruning" && circuit["seed"]?.intValue == 2 && circuit["ablation"]?.stringValue == "zero")
        #expect(circuit["edges"]?.arrayValue?.allSatisfy { $0["score"]?.doubleValue != nil } == true)
        let verify = rasp("verify", "programs/frac_prevs.rasp", "--circuit", path)
        #expect(verify.status == 0)
        #expect(verify.stdout.hasSuffix("verdict: exact\n"))
        let json = rasp("verify", "programs/frac_prevs.rasp", "--circuit", path, "--json")
        #expect(try JSON.parse(json.stdout)["exact"]?.boolValue == true)
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
        FileSystem.write(json.pretty(), to: path)
        let r = rasp("verify", "programs/reverse.rasp", "--circuit", path)
        #expect(r.status == 1)
        #expect(r.stdout.contains("missing: m0 -> m1\n"))
        #expect(r.stdout.contains("verdict: not exact: 1 required edge missing; unfaithful on"))
    }

    @Test func verifyReportsAHandEditedGoldenFile() throws {
        let path = PipelineCommandTests.temporary("golden.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let golden = try #require(FileSystem.readText(Repository.golden + "/hist.json"))
        FileSystem.write(golden.replacingOccurrences(of: "\"required\"", with: "\"optional\""), to: path)
        let r = rasp("verify", "programs/hist.rasp", "--circuit", Repository.golden + "/hist.json", "--golden", path)
        #expect(r.status == 1)
        #expect(r.stdout.contains("golden file differs from the circuit the compiler derives"))
    }

    @Test func verifyRefusesAMalformedCircuitFile() throws {
        let path = PipelineCommandTests.temporary("bad.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileSystem.write("{\"format\": \"rasp-circuit/1\", \"program\": \"reverse\", \"graph\": {\"layers\": 4, \"heads\": [1, 1, 1, 1], \"edges\": 94}, \"edges\": [{\"from\": \"x9\", \"to\": \"out\"}]}", to: path)
        let r = rasp("verify", "programs/reverse.rasp", "--circuit", path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: edge x9 -> out: 'x9' is not a writer of the graph"))
        #expect(rasp("verify", "programs/reverse.rasp").status == 64)
    }

    @Test func checkPrunesAndVerifiesWithATable() throws {
        let junit = PipelineCommandTests.temporary("junit.xml")
        defer { try? FileManager.default.removeItem(atPath: junit) }
        let r = rasp("check", "programs/frac_prevs.rasp", "programs/length.rasp", "--seeds", "0-1", "--junit", junit)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("program     layers  edges  required  recovered  verdict  inputs"))
        #expect(r.stdout.contains("2 of 2 programs passed"))
        let report = try #require(FileSystem.readText(junit))
        #expect(report.contains("<testcase classname=\"rasp.check\" name=\"frac_prevs\""))
        #expect(!report.contains("<failure"))
    }

    @Test func checkRejectsBadSeeds() {
        #expect(rasp("check", "--seeds", "4-1").status == 64)
        #expect(rasp("check", "programs/nothing_here").status == 64)
    }
}
