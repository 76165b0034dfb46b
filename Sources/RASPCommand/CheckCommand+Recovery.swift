import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPReport

extension CheckCommand {
    /// Builds the variant (a pipeline failure if it cannot be, or if it does not behave as the
    /// program), then runs the method for every seed, judging its own circuit and the repaired one.
    static func recover(_ p: Pipeline, golden: Circuit, variant: ModelVariant, settings: Settings, console: Console, progress: Progress,
                        row: inout ProgramRow, variantRow: inout VariantRow) {
        let options = VariantOptions(variant: variant, seed: settings.variantSeed)
        guard let model = p.variant(options, console: console) else {
            row.failures.append("no \(options.label) model")
            return
        }
        variantRow.noise = model.noise
        guard checkVariant(model, p, label: options.label, console: console, row: &row) else { return }
        let task = p.task(model, ablation: settings.ablation)
        let unidentifiable = Verifier.unidentifiableEdges(golden: golden, task: task)
        let goldenFaithfulness = Verifier.goldenFaithfulness(golden: golden, task: task)
        if !goldenFaithfulness.isFaithful {
            console.errLine("\(p.program.name) \(options.label): the golden circuit itself reproduces \(goldenFaithfulness.sequencesCorrect) of "
                + "\(counted(goldenFaithfulness.sequences, "input")) on this model, so no run can be exact")
        }
        let method = Methods.make(settings.method, settings: settings.methodSettings)!
        for seed in settings.seeds {
            progress.step("\(options.label) seed \(seed)")
            let result = method.discover(task, seed: seed, progress: nil)
            func circuit(_ kept: [Bool], repaired: Bool) -> Circuit {
                Circuit.recovered(program: p.program.name, graph: task.graph, scores: result.scores, kept: kept,
                                  method: settings.method, ablation: settings.ablation.rawValue, seed: Int(seed),
                                  variant: variant.rawValue, variantSeed: Int(settings.variantSeed), repaired: repaired)
            }
            func verdict(_ kept: [Bool], repaired: Bool) -> Verdict {
                Verifier.verify(circuit: circuit(kept, repaired: repaired), golden: golden, task: task, unidentifiable: unidentifiable,
                                goldenFaithfulness: goldenFaithfulness)
            }
            let own = verdict(result.circuit, repaired: false)
            let repair = CircuitSelection.repair(result.circuit, scores: result.scores, task: task)
            let repaired = repair.circuit == result.circuit ? own : verdict(repair.circuit, repaired: true)
            variantRow.runs.append(RecoveryRecord.Run(program: p.program.name, variant: options.label, ablation: settings.ablation.rawValue,
                                                      seed: Int(seed), exact: own.isExact, repairedExact: repaired.isExact))
            variantRow.kept.append(result.edgesKept)
            variantRow.curves.append(result.curve)
            if variantRow.exhibit == nil { variantRow.exhibit = VariantRow.Exhibit(circuit: circuit(result.circuit, repaired: false), verdict: own) }
            if let auroc = own.auroc { variantRow.aurocs.append(auroc) }
            if !own.isExact {
                console.errLine("\(p.program.name) \(options.label) seed \(seed): the method's own circuit is \(own.summary)"
                    + (repaired.isExact ? "; repaired: exact" : "; repaired: \(repaired.summary)"))
            }
        }
    }

    /// A rotated model must still compute the program (a noisy one was chosen so that it does), and a
    /// noisy model must give every edge a signal.
    static func checkVariant(_ model: VariantModel, _ p: Pipeline, label: String, console: Console, row: inout ProgramRow) -> Bool {
        switch model.variant {
        case .compiled:
            return true
        case .rotated:
            if let i = p.compiled.firstDisagreement(EdgeMaskedModel(model: model.model), inputs: p.evaluation.inputs, expected: p.evaluation.outputs) {
                row.failures.append("the \(label) model differs from the interpreter on \(OutputFormat.line(p.evaluation.inputs[i]))")
                return false
            }
            return true
        case .noisy:
            let graph = ComputeGraph(model: p.compiled.model)
            let carrying = model.model.edgesCarrying(graph)
            if carrying < graph.edges.count {
                row.failures.append("the \(label) model leaves \(counted(graph.edges.count - carrying, "edge")) carrying nothing")
                return false
            }
            return true
        }
    }
}
