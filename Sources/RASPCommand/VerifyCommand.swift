import Foundation
import RASPLanguage
import RASPModel
import RASPCompiler
import RASPCircuits

/// `rasp verify FILE --circuit C.json [--golden G.json] [--ablation zero|mean|resample] [--json]`:
/// the verdict of RASP.md 3.4. Exit 0 only for an exact verdict.
enum VerifyCommand {
    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: ["circuit", "golden", "ablation", "seed"], flags: ["json"])
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
        guard let circuit = readCircuit(circuitPath, graph: graph, console: console) else { return RASPCommandLine.Status.failure }
        let derived = GoldenCircuit.derive(p.compiled, evaluation: p.evaluation)
        var golden = derived
        if let g = arguments.options["golden"] {
            guard let given = readCircuit(g, graph: graph, console: console) else { return RASPCommandLine.Status.failure }
            golden = given
        }
        // The ablation: --ablation, else the one the circuit was recovered under, else zero.
        let ablation = Ablation.Kind(rawValue: arguments.options["ablation"] ?? circuit.ablation ?? "zero") ?? .zero
        let verdict = judge(p, circuit: circuit, golden: golden, derived: arguments.options["golden"] == nil ? nil : derived,
                            ablation: ablation, seed: seed)
        if arguments.has("json") {
            console.out(json(verdict, inputs: verdict.faithfulness.sequences).pretty())
        } else {
            console.out(report(verdict))
        }
        return verdict.isExact ? RASPCommandLine.Status.success : RASPCommandLine.Status.failure
    }

    /// The inputs a circuit is judged on: every input up to max_seq_len when there are at most 20,000,
    /// else a seeded sample of 2,000 (as Edge Pruning trains on).
    static func evaluationInputs(_ p: Pipeline, seed: UInt64) -> [[Value]] {
        p.evaluation.isSample ? InputSpace(program: p.program).inputs(limit: 2_000, seed: seed) : p.evaluation.inputs
    }

    static func judge(_ p: Pipeline, circuit: Circuit, golden: Circuit, derived: Circuit?, ablation: Ablation.Kind, seed: UInt64) -> Verdict {
        let data = EvaluationSet(compiled: p.compiled, inputs: evaluationInputs(p, seed: seed), ablation: ablation, seed: seed)
        return Verifier.verify(circuit: circuit, golden: golden, data: data, derivedGolden: derived)
    }

    /// Reads and validates a circuit file, printing a clear error (never crashing) when it is malformed.
    static func readCircuit(_ path: String, graph: ComputeGraph, console: Console) -> Circuit? {
        guard let text = FileSystem.readText(console.resolve(path)) else {
            console.errLine("\(path): error: cannot read the circuit file")
            return nil
        }
        do throws(Circuit.FormatError) {
            return try Circuit.parse(text, graph: graph)
        } catch {
            console.errLine("\(path): error: \(error.message)")
            return nil
        }
    }

    static func report(_ v: Verdict) -> String {
        func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: ", ") }
        let f = v.faithfulness
        var s = "program \(v.program), \(v.ablation.rawValue) ablation, \(f.sequences) inputs\n"
        if let drift = v.goldenDrift, !drift.isEmpty {
            s += "golden file differs from the circuit the compiler derives (- derived, + file):\n"
            s += drift.description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        s += "required edges: \(v.requiredCount)" + (v.unidentifiable.isEmpty ? "" : " (\(v.unidentifiable.count) unidentifiable under \(v.ablation.rawValue) ablation: \(list(v.unidentifiable)))") + "\n"
        s += "missing: \(list(v.missing))\n"
        s += "extra: \(list(v.extra))\n"
        s += "optional kept: \(list(v.optionalKept))\n"
        s += String(format: "precision %.3f, recall %.3f\n", v.precision, v.recall)
        s += "faithfulness: \(f.sequencesCorrect)/\(f.sequences) inputs, \(f.positionsCorrect)/\(f.positions) positions"
        s += String(format: " (accuracy %.4f), mean %@ %.3g\n", f.accuracy, f.numerical ? "squared error" : "KL", f.meanDivergence)
        s += "verdict: \(v.summary)\n"
        return s
    }

    static func json(_ v: Verdict, inputs: Int) -> JSON {
        let f = v.faithfulness
        var o: [String: JSON] = [
            "program": .string(v.program),
            "ablation": .string(v.ablation.rawValue),
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
        if let drift = v.goldenDrift, !drift.isEmpty { o["golden_drift"] = .array(drift.description.split(separator: "\n").map { .string(String($0)) }) }
        return .object(o)
    }
}
