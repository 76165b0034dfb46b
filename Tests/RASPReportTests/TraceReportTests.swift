import Testing
import RASPLanguage
import RASPModel
import RASPCompiler
import RASPTestSupport
@testable import RASPReport

/// The renderings of the teaching trace: text, JSON and the page.
@Suite struct TraceReportTests {
    static func trace(_ name: String, _ input: [Value]) throws -> ModelTrace {
        try Compiler.compile(try Repository.load(name)).trace(input)
    }

    static let abc: [Value] = [.string("a"), .string("b"), .string("c")]

    @Test(arguments: ["reverse", "sort_weiss", "frac_prevs", "shift_by_1"])
    func thePageParsesWithAHeatmapPerHeadAndARowPerResidualDimension(name: String) throws {
        let program = try Repository.load(name)
        let input = Array(program.vocab.prefix(3))
        let trace = try Compiler.compile(program).trace(input)
        let check = XMLCheck(TracePage(trace, path: "programs/\(name).rasp").text)
        #expect(check.isWellFormed, "\(check.error ?? "")")
        let heads = trace.heads.filter { $0.weights != nil }.count
        #expect(heads > 0)
        #expect(check.count(class: "heatmap") == heads)
        #expect(check.count(class: "query-row") == heads * input.count)
        #expect(check.count(class: "residual-grid") == trace.snapshots.count)
        #expect(check.count(class: "residual-row") == trace.snapshots.count * trace.residualLabels.count)
        #expect(check.count("svg") == heads + trace.snapshots.count)
        #expect(check.count("script") == 0 && check.count("link") == 0)
        for label in trace.residualLabels { #expect(check.text.contains(label)) }
    }

    @Test func aHeatmapAloneIsWellFormedSVGWithACellPerQueryAndKey() {
        var weights = Matrix(rows: 3, columns: 3)
        for (q, k) in [(0, 0), (1, 2), (2, 1)] { weights[q, k] = 1 }
        let svg = AttentionHeatmap(weights: weights, tokens: ["BOS", "<a>", "&"], title: "head \"0\"").svg.document
        let check = XMLCheck(svg)
        #expect(check.isWellFormed, "\(check.error ?? "")")
        #expect(check.count(class: "cell") == 2 * 3)
        #expect(check.text.contains("0:<a>") && check.text.contains("1:&"))
    }

    @Test func disagreementsAreMarkedInTheTextAndThePage() throws {
        let compiled = try Compiler.compile(try Repository.load("reverse"))
        var broken = try compiled.variant(.compiled, seed: 0, evaluation: try ProgramEvaluation.run(compiled.program))
        let l = compiled.layerCount - 1
        broken.model.layers[l].heads[0].output = Matrix(rows: broken.model.layers[l].heads[0].output.rows, columns: broken.model.width)
        let trace = try compiled.trace(TraceReportTests.abc, variant: broken)
        let text = TraceReport.text(trace, path: "reverse.rasp")
        #expect(text.contains("  !+ reverse         none!=c  none!=b  none!=a"), "\(text)")
        #expect(text.contains("6 decoded values disagree with the interpreter"))
        #expect(text.contains("head 3.0 computes reverse: writes nothing"))
        let page = XMLCheck(TracePage(trace, path: "reverse.rasp").text)
        #expect(page.isWellFormed)
        #expect(page.count(class: "fail") >= 6 && page.count(class: "heatmap") == 1)
    }

    @Test func theTextShowsWeightsFromOneHundredthAndWrapsLongLines() throws {
        let text = TraceReport.text(try TraceReportTests.trace("frac_prevs", [.string("a"), .string("b"), .string("a"), .string("c")]), path: "f")
        #expect(text.contains("    q3 -> k0 0.25, k1 0.25, k2 0.25, k3 0.25\n"))
        #expect(text.contains("   + frac_prevs  1  0.5  0.6667  0.5\n"))
        let lines = TraceReport.wrapped(prefix: "    q9 -> ", items: (0..<30).map { "k\($0) 0.03" })
        #expect(lines.count > 1 && lines.allSatisfy { $0.count <= TraceReport.lineWidth })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: 10) + "k") })
    }

    @Test func positionsThatDoNotFitALineAreSplitIntoBlocks() throws {
        let program = try Repository.load("sort_16")
        let input = (0..<16).map { program.vocab[($0 * 7 + 1) % program.vocab.count] }
        let text = TraceReport.text(try Compiler.compile(program).trace(input), path: "programs/sort_16.rasp")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= TraceReport.lineWidth }, "\(lines.filter { $0.count > TraceReport.lineWidth })")
        let blocks = lines.filter { $0.hasPrefix("     position ") }.map { $0.split(separator: " ").dropFirst().compactMap { Int($0) } }
        #expect(blocks.count >= 2 && blocks.count % 2 == 0, "\(blocks)")
        #expect(Array(blocks.prefix(2).joined()) == Array(0..<16), "the first stage's blocks cover every position once")
    }

    @Test func theJSONHoldsEveryStageHeadAndResidual() throws {
        let trace = try TraceReportTests.trace("reverse", TraceReportTests.abc)
        let json = try JSON.parse(TraceReport.json(trace).pretty())
        let stages = try #require(json["stages"]?.arrayValue)
        #expect(stages.count == 1 + 2 * trace.layerCount)
        #expect(stages.map { $0["stage"]?.stringValue ?? "" }.prefix(3) == ["embeddings", "attention", "mlp"])
        #expect(stages[0]["residual"]?.arrayValue?.count == 4)
        #expect(stages[0]["residual"]?.arrayValue?.first?.arrayValue?.count == trace.residualLabels.count)
        let heads = stages.compactMap { $0["heads"]?.arrayValue }.flatMap { $0 }
        #expect(heads.count == trace.heads.count)
        #expect(heads.last?["sop"]?.stringValue == "reverse")
        let row = (heads.last?["weights"]?.arrayValue?[1].arrayValue ?? []).compactMap(\.doubleValue)
        #expect(row.count == 4 && row[3] > 0.99 && row[0...2].allSatisfy { $0 < 0.01 }, "query 0 attends to key 2: \(row)")
        let last = try #require(stages.last?["sops"]?.arrayValue?.last)
        #expect(last["sop"]?.stringValue == "reverse" && last["model"] == last["interpreter"])
        #expect(json["output"]?.arrayValue?.map(\.raspValue) == [.string("c"), .string("b"), .string("a")])
        #expect(json["disagreements"]?.intValue == 0)
    }
}
