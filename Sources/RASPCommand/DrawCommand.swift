import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPReport

/// `rasp draw FILE [--circuit C.json] [--format F] [--variant V] [--ablation A] [-o circuit.svg]`: the
/// golden circuit drawn by layer (with `--variant`, how that variant's model reproduces it), or a
/// recovered circuit against it (recovered, missing and extra edges in their own colours), judged as
/// `rasp verify` judges it. SVG on stdout or in the file.
enum DrawCommand {
    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: Set(["circuit", "format", "ablation", "seed", "output"]).union(VariantOptions.optionNames), flags: [])
        let format = arguments.options["format"] == nil ? nil
            : CircuitFormat(rawValue: try arguments.choice("format", default: "", among: CircuitFormat.allCases.map(\.rawValue)))
        if let a = arguments.options["ablation"], Ablation.Kind(rawValue: a) == nil {
            throw Arguments.UsageError(message: "--ablation must be one of zero, mean, resample, got '\(a)'")
        }
        let seed = UInt64(try arguments.integer("seed", default: 0, range: 0...Int(Int32.max)))
        let path = try arguments.programPath("draw")
        guard let p = Pipeline.compile(path, console: console) else { return RASPCommandLine.Status.failure }
        let golden = GoldenCircuit.derive(p.compiled, evaluation: p.evaluation)
        let picture: CircuitPicture
        if let circuitPath = arguments.options["circuit"] {
            guard let drawn = recovered(circuitPath, format: format, golden: golden, p, arguments, seed: seed, console: console) else {
                return RASPCommandLine.Status.failure
            }
            picture = drawn
        } else if arguments.options["variant"] != nil {
            let options = try VariantOptions(arguments)
            guard let model = p.variant(options, console: console) else { return RASPCommandLine.Status.failure }
            let f = Verifier.goldenFaithfulness(golden: golden, task: p.task(model, ablation: .zero, seed: seed))
            picture = goldenPicture(golden, p, on: (options.label, f))
        } else {
            picture = goldenPicture(golden, p)
        }
        guard console.emit(picture.svgDocument, to: arguments.options["output"], command: "draw") else { return RASPCommandLine.Status.failure }
        return RASPCommandLine.Status.success
    }

    /// The golden circuit; with a variant, how it reproduces that variant's model under zero ablation
    /// (it is the same circuit on every variant, but a noisy model may not honour it on every input).
    static func goldenPicture(_ golden: Circuit, _ p: Pipeline, on variant: (label: String, faithfulness: Faithfulness)? = nil) -> CircuitPicture {
        let graph = ComputeGraph(model: p.compiled.model)
        var subtitle = "\(counted(golden.edges(of: .required).count, "required edge")), \(golden.edges(of: .optional).count) optional, "
            + "of \(counted(graph.edges.count, "edge")) in the graph"
        if let (label, f) = variant {
            subtitle += "; on the \(label) model it reproduces \(f.sequencesCorrect) of \(counted(f.sequences, "input"))"
                + (f.isFaithful ? "" : ", so no circuit can be exact there")
        }
        return CircuitPicture(golden: golden, graph: graph, labels: CircuitPicture.labels(of: p.compiled),
                              title: "\(p.program.name): the golden circuit", subtitle: subtitle)
    }

    /// The circuit in `path` against the golden one, with the verdict on the variant and ablation it
    /// names (or those given) in the subtitle.
    static func recovered(_ path: String, format: CircuitFormat?, golden: Circuit, _ p: Pipeline, _ arguments: Arguments, seed: UInt64,
                          console: Console) -> CircuitPicture? {
        let graph = ComputeGraph(model: p.compiled.model)
        guard let circuit = VerifyCommand.readCircuit(path, format: format, program: p.program.name, graph: graph, console: console),
              let (ablation, variant) = VerifyCommand.settings(arguments, circuit: circuit, circuitPath: path, program: p.program.name, console: console),
              let model = p.variant(variant, console: console) else { return nil }
        let task = p.task(model, ablation: ablation, seed: seed)
        let verdict = Verifier.verify(circuit: circuit, golden: golden, task: task)
        return picture(circuit, golden: golden, verdict: verdict, variant: variant.label, p)
    }

    /// A recovered circuit's picture, titled with what produced it and its verdict.
    static func picture(_ circuit: Circuit, golden: Circuit, verdict: Verdict, variant: String, _ p: Pipeline) -> CircuitPicture {
        var who = circuit.method ?? "a circuit"
        if let seed = circuit.seed, circuit.method != nil { who += " seed \(seed)" }
        if circuit.repaired == true { who += " (repaired)" }
        let subtitle = "\(counted(verdict.circuitEdges, "edge")) kept, judged on the \(variant) model under \(verdict.ablation.rawValue) ablation: \(verdict.summary)"
        return CircuitPicture(golden: golden, recovered: circuit, unidentifiable: Set(verdict.unidentifiable), graph: ComputeGraph(model: p.compiled.model),
                              labels: CircuitPicture.labels(of: p.compiled), title: "\(p.program.name): \(who) against the golden circuit",
                              subtitle: subtitle)
    }
}
