import Testing
import RASPLanguage
import RASPModel
import RASPCompiler
import RASPTestSupport

/// The teaching trace of `rasp explain`: decoded s-ops against the interpreter at every stage, the
/// attention it shows, and its output against `run`'s.
@Suite struct ModelTraceTests {
    /// Programs with categorical and numerical s-ops, `none`, selector widths, a numerical MLP and the
    /// tuple s-ops of a combined selector (sort_weiss).
    static let programs = ["reverse", "hist", "sort", "sort_weiss", "frac_prevs", "frac_prevs_scaled", "shift_by_1", "detect_pattern_abc"]

    /// Every input of up to four tokens (up to five for vocabularies of two).
    static func inputs(_ program: Program) -> [[Value]] {
        let longest = program.vocab.count <= 2 ? 5 : 4
        return InputSpace(program: program).inputs(limit: 20_000).filter { !$0.isEmpty && $0.count <= longest }
    }

    @Test(arguments: programs)
    func everyDecodedSOpAgreesWithTheInterpreterAtEveryStage(name: String) throws {
        let program = try Repository.load(name)
        let compiled = try Compiler.compile(program)
        let inputs = ModelTraceTests.inputs(program)
        #expect(inputs.count >= 30)
        var bad: [String] = []
        for input in inputs {
            let trace = try compiled.trace(input)
            #expect(trace.snapshots.count == 1 + 2 * compiled.layerCount)
            #expect(trace.snapshots.last!.sops.count == compiled.nodes.count, "every s-op is in the stream at the end")
            for snapshot in trace.snapshots {
                for sop in snapshot.sops where sop.agrees.contains(false) || sop.model.count != input.count {
                    bad.append("\(input) after the \(snapshot.stage): \(sop.label) is \(sop.model), the interpreter says \(sop.interpreter)")
                }
            }
        }
        #expect(bad.isEmpty, "\(bad.count) disagreements: \(bad.prefix(3))")
    }

    @Test(arguments: programs)
    func theOutputIsRunsAndEveryQuerysWeightsSumToOne(name: String) throws {
        let program = try Repository.load(name)
        let compiled = try Compiler.compile(program)
        let inputs = ModelTraceTests.inputs(program)
        let outputs = compiled.run(inputs)
        for (input, output) in zip(inputs, outputs) {
            let trace = try compiled.trace(input)
            #expect(trace.output == output, "\(input): the trace decodes \(trace.output), run \(output)")
            #expect(trace.output.matches(try Interpreter(program: program).run(input), tolerance: 1e-4))
            #expect(trace.heads.count == compiled.headsPerLayer.reduce(0, +))
            for head in trace.heads {
                guard let weights = head.weights else {
                    Issue.record("head \(head.layer).\(head.slot) of \(name) has no attention")
                    continue
                }
                #expect(weights.rows == input.count + 1 && weights.columns == input.count + 1)
                for q in 0..<weights.rows {
                    let sum = (0..<weights.columns).reduce(0) { $0 + weights[q, $1] }
                    #expect(abs(sum - 1) < 1e-9, "\(input) head \(head.layer).\(head.slot) query \(q): weights sum to \(sum)")
                    if program.causal { #expect((q + 1..<weights.columns).allSatisfy { weights[q, $0] == 0 }) }
                }
            }
        }
    }

    @Test func sOpsAppearWhenTheirSubLayerWritesThem() throws {
        let compiled = try Compiler.compile(try Repository.load("reverse"))
        let trace = try compiled.trace([.string("a"), .string("b"), .string("c")])
        func labels(_ i: Int) -> [String] { trace.snapshots[i].sops.map(\.label) }
        #expect(labels(0) == ["tokens", "indices"])
        // `length` is a selector width: its head writes only an internal dimension, its MLP the value.
        #expect(trace.snapshots[1].stage == .attention(layer: 0) && labels(1) == ["tokens", "indices"])
        #expect(labels(2).last == "length" && trace.snapshots[2].sops.last!.isNew)
        let reverse = try #require(trace.snapshots.first { $0.sops.contains { $0.label == "reverse" } })
        #expect(reverse.stage == .attention(layer: 3))
        #expect(reverse.sops.last!.model == [.string("c"), .string("b"), .string("a")])
        let head = try #require(trace.heads.last?.weights)
        #expect(head[1, 3] > 0.99 && head[3, 1] > 0.99 && head[2, 2] > 0.99, "query 0 reads key 2, query 2 key 0")
    }

    @Test func aBrokenHeadShowsAsDisagreements() throws {
        let compiled = try Compiler.compile(try Repository.load("reverse"))
        let program = compiled.program
        var broken = try compiled.variant(.compiled, seed: 0, evaluation: try ProgramEvaluation.run(program))
        let l = compiled.layerCount - 1
        broken.model.layers[l].heads[0].output = Matrix(rows: broken.model.layers[l].heads[0].output.rows, columns: broken.model.width)
        let trace = try compiled.trace([.string("a"), .string("b"), .string("c")], variant: broken)
        #expect(trace.disagreements == 2 * 3, "reverse is none at 3 positions after layer 3's attention and MLP")
        #expect(!trace.outputAgrees && trace.output == [.none, .none, .none])
    }

    @Test(arguments: [ModelVariant.rotated, .noisy])
    func aRotatedModelIsDecodedThroughItsRotation(variant: ModelVariant) throws {
        let program = try Repository.load("sort_weiss")
        let compiled = try Compiler.compile(program)
        let model = try compiled.variant(variant, seed: 3, evaluation: try ProgramEvaluation.run(program))
        #expect(model.basis != nil)
        for input in ModelTraceTests.inputs(program).prefix(40) {
            let trace = try compiled.trace(input, variant: model)
            #expect(trace.disagreements == 0, "\(input)")
            #expect(trace.output == compiled.run([input], on: EdgeMaskedModel(model: model.model))[0])
        }
    }
}
