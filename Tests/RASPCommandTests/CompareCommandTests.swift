import Foundation
import Testing
import RASPLanguage
import RASPTestSupport

@Suite struct CompareCommandTests {
    @Test func compareRunsEveryMethodOnTheSameTasks() throws {
        let csv = NSTemporaryDirectory() + "rasp-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: csv) }
        let html = csv + ".html"
        defer { try? FileManager.default.removeItem(atPath: html) }
        let r = rasp("compare", "programs/frac_prevs.rasp", "--variants", "compiled", "--seeds", "0-1", "--steps", "200", "--csv", csv, "--html", html)
        #expect(r.status == 0, "\(r.stderr)")
        let header = r.stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(["program", "variant", "ablation", "edge-pruning", "acdc", "eap", "eap-ig", "patching", "random"].allSatisfy { header.contains($0) })
        #expect(r.stdout.contains("method        variant   ablation  exact  mean auroc  median auroc  time per run  model runs per run"))
        // Seeded methods run for every seed, the others once: 2 + 1 + 1 + 1 + 1 + 2.
        #expect(r.stdout.contains("8 runs in"))
        #expect(r.stderr.contains("compare: [1/1] frac_prevs\n"))
        let lines = try #require(FileSystem.readText(csv)).split(separator: "\n")
        #expect(lines.count == 9)
        #expect(lines[0] == "program,variant,ablation,method,seed,exact,auroc,edges_kept,graph_edges,inputs,inputs_correct,accuracy,seconds,model_runs")
        #expect(lines.contains { $0.hasPrefix("frac_prevs,compiled,zero,acdc,,true,1.0,") })
        let page = XMLCheck(try #require(FileSystem.readText(html)))
        #expect(page.isWellFormed, "\(page.error ?? "")")
        #expect(page.count(class: "summary") == 6 && page.count(class: "task") == 1)
        #expect(page.count(class: "circuit") == 7, "the golden circuit and each method's first-seed circuit")
        #expect(page.count(class: "plot") >= 2 && page.count(class: "plot") % 2 == 0)
    }

    @Test func compareJSONHasRunsAndASummary() throws {
        let r = rasp("compare", "programs/length.rasp", "--methods", "eap,random", "--variants", "noisy", "--seeds", "3", "--ablation", "zero,resample", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSON.parse(r.stdout)
        let runs = try #require(json["runs"]?.arrayValue)
        #expect(runs.count == 4)
        // Under resample ablation every required edge of `length` is unidentifiable: no AUROC there.
        #expect(runs.allSatisfy { $0["variant"]?.stringValue == "noisy" && ($0["auroc"]?.doubleValue != nil) == ($0["ablation"]?.stringValue == "zero") })
        #expect(runs.filter { $0["method"]?.stringValue == "random" }.allSatisfy { $0["seed"]?.intValue == 3 })
        #expect(runs.filter { $0["method"]?.stringValue == "eap" }.allSatisfy { $0["seed"] == .null })
        #expect(json["summary"]?.arrayValue?.count == 4)
    }

    @Test func compareRefusesUnknownMethodsAndAblations() {
        #expect(rasp("compare", "--methods", "acdc,magic").status == 64)
        #expect(rasp("compare", "--ablation", "zero,loud").status == 64)
    }
}
