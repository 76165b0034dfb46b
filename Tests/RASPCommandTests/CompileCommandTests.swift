import Foundation
import Testing
import RASPLanguage
import RASPTestSupport

@Suite struct CompileCommandTests {
    @Test func compilePrintsOurFiguresBesideTracrs() {
        let r = rasp("compile", "programs/reverse.rasp")
        #expect(r.status == 0)
        #expect(r.stdout.contains("layers              4                           4"))
        #expect(r.stdout.contains("heads per layer     [1, 0, 0, 1]                [1, 0, 0, 1]"))
        #expect(r.stdout.contains("checked on 363 inputs"))
    }

    @Test func compileJSONHasTheFieldsOfRASPmd() throws {
        let r = rasp("compile", "programs/shuffle_dyck2.rasp", "--json")
        let json = try JSON.parse(r.stdout)
        #expect(json["layers"]?.intValue == 8)
        #expect(json["heads"]?.arrayValue?.compactMap(\.intValue) == [1, 4, 0, 0, 0, 1, 1, 0])
        #expect(json["mlp_hidden"]?.arrayValue?.count == 8)
        #expect((json["residual_width"]?.intValue ?? 99) <= 55)
        #expect(json["parameters"]?.intValue != nil)
        #expect(json["tracr"]?["residual_width"]?.intValue == 55)
    }

    @Test func compileReportsTheVariantAndTheEdgesThatCarry() throws {
        let compiled = try JSON.parse(rasp("compile", "programs/reverse.rasp", "--json").stdout)
        #expect(compiled["variant"]?.stringValue == "compiled" && compiled["noise"]?.doubleValue == 0)
        #expect(compiled["edges"]?.intValue == 94 && (compiled["edges_carrying"]?.intValue ?? 94) < 94)
        let noisy = try JSON.parse(rasp("compile", "programs/reverse.rasp", "--variant", "noisy", "--variant-seed", "2", "--json").stdout)
        #expect(noisy["variant"]?.stringValue == "noisy" && noisy["variant_seed"]?.intValue == 2)
        #expect((noisy["noise"]?.doubleValue ?? 0) > 0)
        #expect(noisy["edges_carrying"]?.intValue == 94)
        #expect(rasp("compile", "programs/reverse.rasp", "--variant", "loud").status == 64)
    }

    @Test func runOnEveryVariantGivesTheProgramsOutput() {
        for v in ["compiled", "rotated", "noisy"] {
            #expect(rasp("run", "programs/reverse.rasp", "--variant", v, "--input", "a b c").stdout == "c b a\n", "\(v)")
            #expect(rasp("run", "programs/shift_by_1.rasp", "--variant", v, "--input", "a b c").stdout == "none a b\n", "\(v)")
        }
    }

    @Test func compileWritesSafetensors() throws {
        let path = NSTemporaryDirectory() + "rasp-test-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = rasp("compile", "programs/frac_prevs.rasp", "-o", path)
        #expect(r.status == 0)
        let bytes = try #require(FileSystem.readBytes(path))
        let n = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        let header = try JSON.parse(String(decoding: bytes[8..<(8 + n)], as: UTF8.self))
        let q = try #require(header["layers.1.heads.0.w_q"])
        #expect(q["dtype"]?.stringValue == "F64")
        #expect(header["__metadata__"]?["program"]?.stringValue == "frac_prevs")
        #expect(header["__metadata__"]?["format"]?.stringValue == "rasp-model/1")
        // The data section is exactly as long as the tensors say.
        let last = header.objectValue!.values.compactMap { $0["data_offsets"]?.arrayValue?.last?.intValue }.max()!
        #expect(bytes.count == 8 + n + last)
    }

    @Test func runGivesTheModelsDecodedOutput() {
        #expect(rasp("run", "programs/reverse.rasp", "--input", "a b c").stdout == "c b a\n")
        #expect(rasp("run", "programs/shift_by_1.rasp", "--input", "a b c").stdout == "none a b\n")
    }

    @Test func compileRefusesAnAmbiguousAggregateWithALocatedError() {
        let r = rasp("compile", "Tests/Fixtures/programs/ambiguous_aggregate.rasp")
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("Tests/Fixtures/programs/ambiguous_aggregate.rasp:5:9: error: categorical aggregate 'first' selects two different values"))
    }

    @Test func circuitPrintsTheGoldenFile() throws {
        let r = rasp("circuit", "programs/reverse.rasp")
        #expect(r.status == 0)
        #expect(r.stdout == FileSystem.readText(Repository.golden + "/reverse.json"))
    }

    @Test func checkReportsAMissingGoldenFileClearly() throws {
        let dir = NSTemporaryDirectory() + "rasp-check-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/programs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Repository.program("hist"), toPath: dir + "/programs/hist.rasp")
        let check = rasp("check", dir + "/programs/hist.rasp")
        #expect(check.status == 1)
        #expect(check.stderr.contains("golden/hist.json: error: missing; review `rasp circuit"))
    }

    @Test func checkSaysAGoldenFileIsOutOfDateOrMalformedAndHowToRegenerateIt() throws {
        let dir = NSTemporaryDirectory() + "rasp-check-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/programs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/golden", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Repository.program("reverse"), toPath: dir + "/programs/reverse.rasp")
        try FileSystem.write(try #require(FileSystem.readText(Repository.golden + "/hist.json")), to: dir + "/golden/reverse.json")
        let stale = rasp("check", dir + "/programs/reverse.rasp", "--seeds", "0", "--variants", "compiled")
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("golden/reverse.json: error: out of date: the file's graph (1 layer, heads [1], 13 edges) is not the model's"))
        #expect(stale.stderr.contains("regenerate it with `rasp circuit \(dir)/programs/reverse.rasp -o \(dir)/golden/reverse.json`"))
        try FileSystem.write("{\"format\": 3}", to: dir + "/golden/reverse.json")
        let broken = rasp("check", dir + "/programs/reverse.rasp", "--seeds", "0", "--variants", "compiled")
        #expect(broken.stderr.contains("error: malformed: "))
        #expect(broken.stderr.contains("regenerate it with"))
    }

    @Test func checkCatchesAHandEditedGoldenFile() throws {
        let dir = NSTemporaryDirectory() + "rasp-check-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/programs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/golden", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Repository.program("hist"), toPath: dir + "/programs/hist.rasp")
        let golden = try #require(FileSystem.readText(Repository.golden + "/hist.json"))
        try FileSystem.write(golden.replacingOccurrences(of: "\"required\"", with: "\"optional\""), to: dir + "/golden/hist.json")
        let check = rasp("check", dir + "/programs/hist.rasp", "--junit", dir + "/report.xml")
        #expect(check.status == 1)
        #expect(check.stderr.contains("~ a0.h0 -> m0 optional [hist] => a0.h0 -> m0 required [hist]"))
        let report = try #require(FileSystem.readText(dir + "/report.xml"))
        #expect(report.contains("<failure message=\""))
    }
}
