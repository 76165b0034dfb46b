import Foundation
import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPCore

/// `rasp prune FILE [--method M] [--repair] [--ablation A] [--seed N] [--variant V] [-o circuit.json]`:
/// a discovery method on one program; writes the circuit file of RASP.md 3.8 (every edge, its score,
/// and whether it is in the circuit): the method's own circuit, or with `--repair` the repaired one.
enum PruneCommand {
    static let options: Set<String> = Set(["method", "ablation", "seed", "output"]).union(VariantOptions.optionNames).union(MethodOptions.optionNames)

    static func ablation(_ arguments: Arguments) throws(Arguments.UsageError) -> Ablation.Kind {
        Ablation.Kind(rawValue: try arguments.choice("ablation", default: "zero", among: Ablation.Kind.allCases.map(\.rawValue)))!
    }

    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: options, flags: MethodOptions.flagNames.union(["quiet", "repair", "json"]))
        let path = try arguments.programPath("prune")
        let methodID = try arguments.choice("method", default: "edge-pruning", among: Methods.ids)
        let methodSettings = try MethodOptions.settings(arguments)
        let method = Methods.make(methodID, settings: methodSettings)!
        let ablation = try ablation(arguments)
        let seed = UInt64(try arguments.integer("seed", default: 0, range: 0...Int(Int32.max)))
        let variantOptions = try VariantOptions(arguments)
        let quiet = arguments.has("quiet"), repair = arguments.has("repair")
        guard let p = Pipeline.compile(path, console: console), let model = p.variant(variantOptions, console: console) else {
            return RASPCommandLine.Status.failure
        }
        let task = p.task(model, ablation: ablation)
        let progress = quiet ? nil : ProgressLine(console: console, steps: methodSettings.pruning.steps)
        let result = method.discover(task, seed: seed, progress: progress.map { line in { line.update($0) } })
        progress?.finish()
        let run = RecoveredRun(result: result, task: task, repair: repair)
        let circuit = Circuit.recovered(program: p.program.name, graph: task.graph, scores: result.scores, kept: run.circuit,
                                        method: methodID, ablation: ablation.rawValue, seed: Int(seed), variant: variantOptions.variant.rawValue,
                                        variantSeed: Int(variantOptions.seed), repaired: repair)
        if arguments.has("json") {
            if let out = arguments.options["output"], !console.write(circuit.text, to: out, command: "prune") { return RASPCommandLine.Status.failure }
            console.out(run.json(circuit: circuit).pretty())
        } else {
            guard console.emit(circuit.text, to: arguments.options["output"], command: "prune") else { return RASPCommandLine.Status.failure }
        }
        if !quiet { console.errLine(run.summary(inputs: task.sequenceCount)) }
        return RASPCommandLine.Status.success
    }
}

/// A method's result with its own circuit's faithfulness and, when asked, the repaired circuit.
struct RecoveredRun {
    var result: DiscoveryResult
    var ownFaithfulness: Faithfulness
    var repair: CircuitSelection.Repair?

    init(result: DiscoveryResult, task: CircuitTask, repair: Bool) {
        self.result = result
        ownFaithfulness = task.evaluate(masks: CircuitSelection.masks(result.circuit))
        self.repair = repair ? CircuitSelection.repair(result.circuit, scores: result.scores, task: task) : nil
    }

    /// The circuit reported: the repaired one when repair ran, else the method's own.
    var circuit: [Bool] { repair?.circuit ?? result.circuit }

    /// `rasp prune --json`: the circuit file's object and what the summary line says.
    func json(circuit: Circuit) -> JSON {
        let f = ownFaithfulness
        var o: [String: JSON] = [
            "circuit": circuit.json, "method": .string(result.method), "edges_kept": .int(result.edgesKept),
            "graph_edges": .int(result.circuit.count), "faithful": .bool(f.isFaithful), "inputs": .int(f.sequences),
            "inputs_reproduced": .int(f.sequencesCorrect), "seconds": .number(result.seconds, isInteger: false),
            "model_runs": .int(result.modelRuns),
        ]
        if let step = result.chosenStep { o["chosen_step"] = .int(step) }
        if let r = repair {
            o["repair"] = .object(["added": .int(r.added), "removed": .int(r.removed), "edges_kept": .int(r.circuit.filter { $0 }.count)])
        }
        return .object(o)
    }

    func summary(inputs: Int) -> String {
        let f = ownFaithfulness, graphEdges = result.circuit.count
        var s = "\(result.method): its own circuit keeps \(result.edgesKept) of \(counted(graphEdges, "edge")) and "
        s += f.isFaithful ? (f.sequences == 1 ? "is faithful (its one input reproduced)" : "is faithful (every one of the \(f.sequences) inputs reproduced)")
            : "is not faithful (reproduces \(f.sequencesCorrect) of \(counted(f.sequences, "input")))"
        if let step = result.chosenStep, let steps = result.curve.last?.step {
            s += step == steps ? "; the last step's circuit" : "; step \(step)'s circuit (of \(steps)), the sparsest faithful one"
        }
        s += "; \(Clock.format(result.seconds)), \(counted(result.modelRuns, "model run"))"
        if let r = repair {
            s += r.faithfulBefore ? "\nrepair: nothing to do" : "\nrepair: added \(r.added) edge\(r.added == 1 ? "" : "s"), removed \(r.removed); the repaired circuit keeps \(counted(r.circuit.filter { $0 }.count, "edge"))"
        }
        return s
    }
}

/// A progress line on stderr once a run has taken more than a second, redrawn every half second.
final class ProgressLine {
    let console: Console
    let steps: Int
    let start = Clock.now()
    var last = 0.0
    var shown = false

    init(console: Console, steps: Int) {
        self.console = console
        self.steps = steps
    }

    func update(_ point: TrainingPoint) {
        let now = Clock.now()
        guard now - start > 1, now - last > 0.5 else { return }
        last = now
        shown = true
        console.err("\rstep \(point.step)/\(steps)  loss \(String(format: "%.4f", point.loss))  sparsity \(String(format: "%.3f", point.sparsity))   ")
    }

    func finish() { if shown { console.err("\n") } }
}
