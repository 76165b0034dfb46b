import Testing
import RASPCore
import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPTestSupport

/// The model variants of RASP.md 3.6 on every program: the same function, the same golden circuit,
/// and (noisy) a signal on every edge.
@Suite struct VariantTests {
    /// Every input of the program (the interpreter's evaluation: all of them up to 20,000, else a
    /// seeded sample of 20,000).
    @Test(arguments: Repository.sweepPrograms)
    func rotatedReproducesTheCompiledLogits(name: String) throws {
        let program = try Repository.load(name)
        let compiled = try Compiler.compile(program)
        let evaluation = try ProgramEvaluation.run(program)
        let rotated = try compiled.variant(.rotated, seed: 1, evaluation: evaluation)
        let a = EdgeMaskedModel(model: compiled.dense), b = EdgeMaskedModel(model: rotated.model)
        var worst = 0.0
        for (batch, _) in compiled.batches(evaluation.inputs) {
            let x = a.outputs(batch), y = b.outputs(batch), o = a.outputWidth
            for block in stride(from: 0, to: x.count, by: o) {
                let scale = max(1, (block..<(block + o)).map { abs(x[$0]) }.max()!)
                for i in block..<(block + o) { worst = max(worst, abs(x[i] - y[i]) / scale) }
            }
        }
        #expect(worst < 1e-9, "\(name): worst relative difference \(worst)")
    }

    @Test(arguments: Repository.sweepPrograms)
    func noisyDecodesLikeTheInterpreterWithASignalOnEveryEdge(name: String) throws {
        let program = try Repository.load(name)
        let compiled = try Compiler.compile(program)
        let evaluation = try ProgramEvaluation.run(program)
        let noisy = try compiled.variant(.noisy, seed: 0, evaluation: evaluation)
        #expect(VariantModel.noiseLevels.contains(noisy.noise) && noisy.noise > 0)
        let outputs = compiled.run(evaluation.inputs, on: EdgeMaskedModel(model: noisy.model))
        let bad = zip(outputs, evaluation.outputs).filter { !$0.matches($1, tolerance: 1e-4) }.count
        #expect(bad == 0, "\(name): \(bad) of \(outputs.count) inputs decode differently at noise \(noisy.noise)")
        let graph = ComputeGraph(model: compiled.model)
        #expect(noisy.model.edgesCarrying(graph) == graph.edges.count)
        #expect(compiled.dense.edgesCarrying(graph) < graph.edges.count)
    }

    /// A larger noise level fails for at least one input, or the largest level was chosen.
    @Test func theNoiseChosenIsTheLargestThatWorks() throws {
        for name in ["reverse", "frac_prevs", "hist"] {
            let f = try ProgramFixture(name, variant: .noisy)
            let level = VariantModel.noiseLevels.firstIndex(of: f.model.noise)!
            guard level > 0 else { continue }
            let rotated = f.compiled.dense.rotated(by: DenseTransformer.randomRotation(width: f.compiled.dense.width, seed: 0))
            let louder = rotated.adding(rotated.noise(seed: 0), scale: VariantModel.noiseLevels[level - 1])
            #expect(!f.compiled.agreesWithInterpreter(EdgeMaskedModel(model: louder), evaluation: f.evaluation), "\(name)")
        }
    }

    @Test(arguments: ["reverse", "frac_prevs", "sort", "hist", "shuffle_dyck1"])
    func theGoldenCircuitIsExactOnEveryVariant(name: String) throws {
        for variant in ModelVariant.allCases {
            let f = try ProgramFixture(name, variant: variant)
            let verdict = Verifier.verify(circuit: f.golden, golden: f.golden, task: f.task)
            #expect(verdict.isExact, "\(name) \(variant): \(verdict.summary)")
        }
    }

    @Test func variantsAreSeededAndDeterministic() throws {
        let program = try Repository.load("sort")
        let compiled = try Compiler.compile(program)
        let evaluation = try ProgramEvaluation.run(program)
        let a = try compiled.variant(.noisy, seed: 3, evaluation: evaluation)
        let b = try compiled.variant(.noisy, seed: 3, evaluation: evaluation)
        let c = try compiled.variant(.noisy, seed: 4, evaluation: evaluation)
        #expect(a.model == b.model && a.noise == b.noise)
        #expect(a.model != c.model)
    }
}
