import RASPLanguage
import RASPCompiler
import RASPModel

/// `rasp run FILE --input "..." | --inputs FILE|- [--variant V] [--json]`: the compiled model's (or a
/// variant's) decoded output.
enum RunCommand {
    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: Set(["input", "inputs"]).union(VariantOptions.optionNames), flags: ["json"])
        let variantOptions = try VariantOptions(arguments)
        let path = try arguments.programPath("run")
        guard let program = RASPCommandLine.loadProgram(path, console: console) else { return RASPCommandLine.Status.failure }
        let stream = try InputReader.stream(arguments, console: console)
        guard let p = Pipeline.compile(program, console: console), let variant = p.variant(variantOptions, console: console) else {
            return RASPCommandLine.Status.failure
        }
        let model = EdgeMaskedModel(model: variant.model), json = arguments.has("json")
        let readable = InputReader(program: program).answerEach(stream, command: "run", json: json, console: console) { input in
            let output = p.compiled.run([input], on: model)[0]
            // Reals print in full (the shortest decimal that reads back as the same double), as `eval`'s do.
            console.line(json ? OutputFormat.json(input: input, output: output) : OutputFormat.line(output))
        }
        return readable ? RASPCommandLine.Status.success : RASPCommandLine.Status.usage
    }
}
