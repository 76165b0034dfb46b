import Foundation
import RASPLanguage
import RASPModel
import RASPCircuits
import EdgePruning

/// `rasp prune FILE [--ablation zero|mean|resample] [--seed N] [--steps N] [--target-sparsity S]
/// [-o circuit.json]`: Edge Pruning; prints the recovered circuit (RASP.md 3.3) with a score per edge.
enum PruneCommand {
    static let options: Set<String> = ["ablation", "seed", "steps", "target-sparsity", "output", "lr", "lambda-lr",
                                       "temperature", "sequences-per-step", "initial-log-alpha"]

    static func configuration(_ arguments: Arguments) throws(Arguments.UsageError) -> PruningConfiguration {
        var c = PruningConfiguration()
        c.ablation = Ablation.Kind(rawValue: try arguments.choice("ablation", default: "zero", among: Ablation.Kind.allCases.map(\.rawValue)))!
        c.seed = UInt64(try arguments.integer("seed", default: 0, range: 0...Int(Int32.max)))
        c.steps = try arguments.integer("steps", default: c.steps, range: 1...1_000_000)
        c.targetSparsity = try arguments.number("target-sparsity", default: c.targetSparsity, range: 0...2)
        c.learningRate = try arguments.number("lr", default: c.learningRate, range: 1e-6...100)
        c.lambdaLearningRate = try arguments.number("lambda-lr", default: c.lambdaLearningRate, range: 0...100)
        c.temperature = try arguments.number("temperature", default: c.temperature, range: 1e-3...1e3)
        c.sequencesPerStep = try arguments.integer("sequences-per-step", default: c.sequencesPerStep, range: 1...4_096)
        c.initialLogAlpha = try arguments.number("initial-log-alpha", default: c.initialLogAlpha, range: -20...20)
        c.nodeMasks = arguments.has("node-masks")
        return c
    }

    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: options, flags: ["node-masks", "quiet"])
        let path = try arguments.programPath("prune")
        let c = try configuration(arguments)
        guard let p = Pipeline.compile(path, console: console) else { return RASPCommandLine.Status.failure }
        let pruner = EdgePruner(compiled: p.compiled, configuration: c)
        let start = Clock.now()
        var lastReport = start
        let quiet = arguments.has("quiet")
        let result = pruner.run { step, loss, sparsity in
            let now = Clock.now()
            // A progress line once the run has taken more than a second, then every half second.
            if !quiet, now - start > 1, now - lastReport > 0.5 || step == c.steps {
                lastReport = now
                console.err("\rstep \(step)/\(c.steps)  loss \(String(format: "%.4f", loss))  sparsity \(String(format: "%.3f", sparsity))   ")
                if step == c.steps { console.err("\n") }
            }
        }
        let text = result.circuit.text
        guard console.emit(text, to: arguments.options["output"], command: "prune") else { return RASPCommandLine.Status.failure }
        if !quiet { console.errLine(summary(result, graphEdges: result.circuit.graphEdges, inputs: pruner.data.inputs.count)) }
        return RASPCommandLine.Status.success
    }

    static func summary(_ r: EdgePruner.Result, graphEdges: Int, inputs: Int) -> String {
        let f = r.faithfulness
        var s = "kept \(r.circuit.edges.count) of \(graphEdges) edges; reproduces the full model on \(f.sequencesCorrect) of \(f.sequences) inputs"
        s += "; \(r.steps) steps in \(Clock.format(r.seconds)) (\(Int(Double(r.steps) / max(r.seconds, 1e-9))) steps/s)"
        if r.restored > 0 { s += "; \(r.restored) edge\(r.restored == 1 ? "" : "s") below threshold restored for faithfulness" }
        return s
    }
}
