import RASPLanguage
import RASPCircuits

/// `rasp circuit FILE [-o circuit.json]`: the golden circuit the compiler derives (RASP.md 3.2, 3.3).
enum CircuitCommand {
    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: ["output"], flags: ["json"])
        let path = try arguments.programPath("circuit")
        guard let p = Pipeline.compile(path, console: console) else { return RASPCommandLine.Status.failure }
        let text = GoldenCircuit.derive(p.compiled, evaluation: p.evaluation).text
        if let out = arguments.options["output"] {
            guard FileSystem.write(text, to: console.resolve(out)) else {
                console.errLine("rasp circuit: error: cannot write '\(out)'")
                return RASPCommandLine.Status.failure
            }
        } else {
            console.out(text)
        }
        return RASPCommandLine.Status.success
    }
}
