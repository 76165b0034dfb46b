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
        let reader = InputReader(program: program)
        let interpreter = Interpreter(program: program)
        var status = RASPCommandLine.Status.success
        for (n, line) in lines.enumerated() {
            let input: [Value]
            do throws(InputReader.BadInput) { input = try reader.parse(line) } catch {
                console.errLine("rasp eval: error: input \(lines.count > 1 ? "line \(n + 1)" : "'\(line)'"): \(error.message)")
                status = RASPCommandLine.Status.usage
                continue
            }
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
