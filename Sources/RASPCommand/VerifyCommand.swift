import Foundation
import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits

/// `rasp verify FILE --circuit C.json [--golden G.json] [--ablation A] [--variant V] [--json]`: the
/// verdict of RASP.md 3.4, on the model variant and under the ablation the circuit names (or those
/// given), with the edge AUROC when the circuit has scores. Exit 0 only for an exact verdict.
enum VerifyCommand {
    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: Set(["circuit", "golden", "ablation", "seed", "format"]).union(VariantOptions.optionNames),
                                      flags: ["json"])
        let named = arguments.options["format"] == nil ? nil
            : try arguments.choice("format", default: "", among: CircuitFormat.allCases.map(\.rawValue))
        let format = named.flatMap(CircuitFormat.init(rawValue:))
        let path = try arguments.programPath("verify")
        guard let circuitPath = arguments.options["circuit"] else {
            throw Arguments.UsageError(message: "verify needs the circuit to judge: --circuit C.json")
        }
        if let a = arguments.options["ablation"], Ablation.Kind(rawValue: a) == nil {
            throw Arguments.UsageError(message: "--ablation must be one of zero, mean, resample, got '\(a)'")
        }
        let seed = UInt64(try arguments.integer("seed", default: 0, range: 0...Int(Int32.max)))
        guard let p = Pipeline.compile(path, console: console) else { return RASPCommandLine.Status.failure }
        let graph = ComputeGraph(model: p.compiled.model)
        guard let circuit = readCircuit(circuitPath, format: format, program: p.program.name, graph: graph, console: console) else { return RASPCommandLine.Status.failure }
        guard let (ablation, variant) = settings(arguments, circuit: circuit, circuitPath: circuitPath, program: p.program.name, console: console)
        else { return RASPCommandLine.Status.failure }
        let derived = GoldenCircuit.derive(p.compiled, evaluation: p.evaluation)
        var golden = derived
        if let g = arguments.options["golden"] {
            guard let given = readCircuit(g, format: .rasp, program: p.program.name, graph: graph, console: console) else { return RASPCommandLine.Status.failure }
            golden = given
        }
        guard let model = p.variant(variant, console: console) else { return RASPCommandLine.Status.failure }
        let task = p.task(model, ablation: ablation, seed: seed)
        let verdict = Verifier.verify(circuit: circuit, golden: golden, task: task, derivedGolden: arguments.options["golden"] == nil ? nil : derived)
        if arguments.has("json") {
            console.out(json(verdict, variant: variant).pretty())
        } else {
            console.out(report(verdict, variant: variant))
        }
        return verdict.isExact ? RASPCommandLine.Status.success : RASPCommandLine.Status.failure
    }

    /// The ablation and variant to judge under: the options, else what the circuit file names, else
    /// zero and compiled. A file made for another program, or naming an ablation or variant that does
    /// not exist, is refused.
    static func settings(_ arguments: Arguments, circuit: Circuit, circuitPath: String, program: String,
                         console: Console) -> (Ablation.Kind, VariantOptions)? {
        guard circuit.program == program else {
            console.errLine("\(circuitPath): error: the circuit is for program '\(circuit.program)', not '\(program)'")
            return nil
        }
        let ablationName = arguments.options["ablation"] ?? circuit.ablation ?? "zero"
        guard let ablation = Ablation.Kind(rawValue: ablationName) else {
            console.errLine("\(circuitPath): error: unknown ablation '\(ablationName)' (expected zero, mean or resample)")
            return nil
        }
        let variantName = arguments.options["variant"] ?? circuit.variant ?? "compiled"
        guard let variant = ModelVariant(rawValue: variantName) else {
            console.errLine("\(circuitPath): error: unknown model variant '\(variantName)' (expected \(VariantOptions.names.joined(separator: ", ")))")
            return nil
        }
        let variantSeed = arguments.options["variant-seed"].flatMap { UInt64($0) } ?? circuit.variantSeed.map { UInt64(max(0, $0)) } ?? 0
        return (ablation, VariantOptions(variant: variant, seed: variantSeed))
    }

    /// Reads and validates a circuit file, printing a clear error (never crashing) when it is malformed.
    static func readCircuit(_ path: String, format: CircuitFormat?, program: String, graph: ComputeGraph, console: Console) -> Circuit? {
        guard let text = FileSystem.readText(console.resolve(path)) else {
            console.errLine("\(path): error: cannot read the circuit file")
            return nil
        }
        do throws(Circuit.FormatError) {
            return try Circuit.read(text, format: format, program: program, graph: graph)
        } catch {
            console.errLine("\(path): error: \(error.message)")
            return nil
        }
    }

    static func report(_ v: Verdict, variant: VariantOptions) -> String {
        func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: ", ") }
        let f = v.faithfulness
        var s = "program \(v.program), \(variant.label) model, \(v.ablation.rawValue) ablation, \(counted(f.sequences, "input"))\n"
        if let drift = v.goldenDrift, !drift.isEmpty {
            s += "golden file differs from the circuit the compiler derives (- derived, + file):\n"
            s += drift.description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        if v.mergedInput { s += "granularity: tok and pos as one input node, as in the circuit file\n" }
        s += "required edges: \(v.requiredCount)" + (v.unidentifiable.isEmpty ? "" : " (\(v.unidentifiable.count) unidentifiable under \(v.ablation.rawValue) ablation: \(list(v.unidentifiable)))") + "\n"
        s += "missing: \(list(v.missing))\n"
        s += "extra: \(list(v.extra))\n"
        s += "optional kept: \(list(v.optionalKept))\n"
        s += String(format: "precision %.3f, recall %.3f\n", v.precision, v.recall)
        s += "faithfulness: \(f.sequencesCorrect)/\(counted(f.sequences, "input")), \(f.positionsCorrect)/\(counted(f.positions, "position"))"
        s += String(format: " (accuracy %.4f), mean %@ %.3g\n", f.accuracy, f.numerical ? "squared error" : "KL", f.meanDivergence)
        if let auroc = v.auroc { s += String(format: "edge AUROC: %.4f\n", auroc) }
        if let g = v.goldenFaithfulness, !g.isFaithful {
            s += "golden circuit: \(g.sequencesCorrect)/\(counted(g.sequences, "input")) on this model; no circuit can be exact here\n"
        }
        s += "verdict: \(v.summary)\n"
        return s
    }

    static func json(_ v: Verdict, variant: VariantOptions) -> JSON {
        let f = v.faithfulness
        var o: [String: JSON] = [
            "program": .string(v.program),
            "ablation": .string(v.ablation.rawValue),
            "variant": .string(variant.variant.rawValue),
            "variant_seed": .int(Int(variant.seed)),
            "exact": .bool(v.isExact),
            "verdict": .string(v.summary),
            "required": .int(v.requiredCount),
            "missing": .array(v.missing.map { .string($0) }),
            "extra": .array(v.extra.map { .string($0) }),
            "optional_kept": .array(v.optionalKept.map { .string($0) }),
            "unidentifiable": .array(v.unidentifiable.map { .string($0) }),
            "precision": .double(v.precision),
            "recall": .double(v.recall),
            "faithfulness": .object([
                "inputs": .int(f.sequences), "inputs_correct": .int(f.sequencesCorrect),
                "positions": .int(f.positions), "positions_correct": .int(f.positionsCorrect),
                "accuracy": .double(f.accuracy), (f.numerical ? "mean_squared_error" : "mean_kl"): .double(f.meanDivergence),
            ]),
        ]
        if let auroc = v.auroc { o["auroc"] = .double(auroc) }
        o["golden_faithful"] = .bool(v.exactIsPossible)
        if v.mergedInput { o["granularity"] = .string("input") }
        if let drift = v.goldenDrift, !drift.isEmpty { o["golden_drift"] = .array(drift.description.split(separator: "\n").map { .string(String($0)) }) }
        return .object(o)
    }
}
