import RASPLanguage

/// `rasp eval FILE --input "..." | --inputs FILE|- [--json]`: the interpreter's output.
enum EvalCommand {
    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: ["input", "inputs"], flags: ["json"])
        let path = try arguments.programPath("eval")
        guard let program = RASPCommandLine.loadProgram(path, console: console) else { return RASPCommandLine.Status.failure }
        let stream = try InputReader.stream(arguments, console: console)
        return evaluate(program: program, stream: stream, json: arguments.has("json"), console: console)
    }

    /// Evaluates each line as it is read and prints its output (an error line in place of one that
    /// fails); the status says whether every line succeeded.
    static func evaluate(program: Program, stream: LineStream, json: Bool, console: Console) -> Int32 {
        let interpreter = Interpreter(program: program)
        var failed = false
        let readable = InputReader(program: program).answerEach(stream, command: "eval", json: json, console: console) { input in
            do throws(Interpreter.Failure) {
                let output = try interpreter.run(input)
                console.line(json ? OutputFormat.json(input: input, output: output) : OutputFormat.line(output))
            } catch {
                RASPCommandLine.report(error.message, at: error.location, in: program, console: console)
                console.line(json ? OutputFormat.json(input: input, error: error.message) : "error: \(error.message)")
                failed = true
            }
        }
        if !readable { return RASPCommandLine.Status.usage }
        return failed ? RASPCommandLine.Status.failure : RASPCommandLine.Status.success
    }
}
