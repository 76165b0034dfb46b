import RASPLanguage

/// `rasp check [PATH...]`: the whole pipeline over every program. This first form parses and checks
/// each program and runs its `example` lines through the interpreter.
enum CheckCommand {
    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: [], flags: [])
        let paths = try programPaths(arguments.positional.isEmpty ? ["programs"] : arguments.positional, console: console)
        var failures = 0
        for path in paths {
            guard let program = RASPCommandLine.loadProgram(path, console: console) else {
                failures += 1
                console.line("FAIL \(path): does not load")
                continue
            }
            let interpreter = Interpreter(program: program)
            var bad = 0
            for example in program.examples {
                do throws(Interpreter.Failure) {
                    let output = try interpreter.run(example.input)
                    if !output.matches(example.output, tolerance: 1e-9) {
                        bad += 1
                        RASPCommandLine.report("example gives \(OutputFormat.line(output)), expected \(OutputFormat.line(example.output))", at: example.location, in: program, console: console)
                    }
                } catch {
                    bad += 1
                    RASPCommandLine.report(error.message, at: error.location, in: program, console: console)
                }
            }
            if bad > 0 { failures += 1 }
            console.line("\(bad == 0 ? "ok  " : "FAIL") \(program.name): \(program.examples.count - bad)/\(program.examples.count) examples")
        }
        console.line("\(paths.count - failures) of \(paths.count) programs passed")
        return failures == 0 ? RASPCommandLine.Status.success : RASPCommandLine.Status.failure
    }

    /// Expands directories to the `.rasp` files inside them.
    static func programPaths(_ arguments: [String], console: Console) throws(Arguments.UsageError) -> [String] {
        var paths: [String] = []
        for a in arguments {
            if FileSystem.isDirectory(console.resolve(a)) {
                let files = FileSystem.programs(in: console.resolve(a)).map { a + "/" + ($0.split(separator: "/").last.map(String.init) ?? $0) }
                if files.isEmpty { throw Arguments.UsageError(message: "no .rasp files in '\(a)'") }
                paths += files
            } else if FileSystem.exists(console.resolve(a)) {
                paths.append(a)
            } else {
                throw Arguments.UsageError(message: "no such file or directory: '\(a)'")
            }
        }
        return paths
    }
}
