import RASPLanguage

/// `rasp eval FILE --input "..." | --inputs FILE|- [--json]`: the interpreter's output.
enum EvalCommand {
    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: ["input", "inputs"], flags: ["json"])
        let path = try arguments.programPath("eval")
        guard let program = RASPCommandLine.loadProgram(path, console: console) else { return RASPCommandLine.Status.failure }
        let lines = try InputReader.lines(arguments, console: console)
        return evaluate(program: program, lines: lines, json: arguments.has("json"), console: console)
    }

    /// Evaluates each line and prints its output; the status says whether every line succeeded.
    static func evaluate(program: Program, lines: [String], json: Bool, console: Console) -> Int32 {
        let (inputs, bad) = InputReader(program: program).parseAll(lines, command: "eval", console: console)
        let interpreter = Interpreter(program: program)
        var status = bad ? RASPCommandLine.Status.usage : RASPCommandLine.Status.success
        for input in inputs {
            do throws(Interpreter.Failure) {
                let output = try interpreter.run(input)
                console.line(json ? OutputFormat.json(input: input, output: output) : OutputFormat.line(output))
            } catch {
                RASPCommandLine.report(error.message, at: error.location, in: program, console: console)
                if json { console.line(OutputFormat.json(input: input, error: error.message)) }
                if status == RASPCommandLine.Status.success { status = RASPCommandLine.Status.failure }
            }
        }
        return status
    }
}
