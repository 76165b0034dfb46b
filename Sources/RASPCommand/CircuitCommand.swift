import RASPLanguage
import RASPCircuits

/// `rasp circuit FILE [-o circuit.json]`: the golden circuit the compiler derives (RASP.md 3.2, 3.3).
enum CircuitCommand {
    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: ["output"], flags: ["json"])
        let path = try arguments.programPath("circuit")
        guard let p = Pipeline.compile(path, console: console) else { return RASPCommandLine.Status.failure }
        let text = GoldenCircuit.derive(p.compiled, evaluation: p.evaluation).text
        guard console.emit(text, to: arguments.options["output"], command: "circuit") else { return RASPCommandLine.Status.failure }
        return RASPCommandLine.Status.success
    }
}
