import RASPLanguage
import RASPCircuits
import RASPModel

/// `rasp circuit FILE [--format rasp|eap-ig|edge-pruning|acdc] [-o circuit.json]`: the golden circuit the
/// compiler derives (RASP.md 3.2, 3.3), in our format or another tool's (3.9).
enum CircuitCommand {
    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: ["output", "format"], flags: ["json"])
        let format = try arguments.choice("format", default: "rasp", among: CircuitFormat.allCases.map(\.rawValue))
        let path = try arguments.programPath("circuit")
        guard let p = Pipeline.compile(path, console: console) else { return RASPCommandLine.Status.failure }
        let golden = GoldenCircuit.derive(p.compiled, evaluation: p.evaluation)
        let text = golden.exported(as: CircuitFormat(rawValue: format)!, graph: ComputeGraph(model: p.compiled.model))
        guard console.emit(text, to: arguments.options["output"], command: "circuit") else { return RASPCommandLine.Status.failure }
        return RASPCommandLine.Status.success
    }
}
