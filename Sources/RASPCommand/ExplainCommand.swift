import RASPLanguage
import RASPCompiler
import RASPModel
import RASPReport

/// `rasp explain FILE --input "a b c" [--variant V] [--variant-seed N] [--json] [--html FILE]`: a
/// teaching trace of the model on one input: after the embeddings and each sub-layer, every s-op
/// written so far decoded from the residual stream beside the interpreter's value, and every head's
/// attention. `--html` also writes the trace as a page with heatmaps and residual grids.
enum ExplainCommand {
    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: Set(["input", "html"]).union(VariantOptions.optionNames), flags: ["json"])
        let variantOptions = try VariantOptions(arguments)
        let path = try arguments.programPath("explain")
        guard let line = arguments.options["input"] else {
            throw Arguments.UsageError(message: "explain traces one input: give it with --input \"a b c\"")
        }
        guard let program = RASPCommandLine.loadProgram(path, console: console) else { return RASPCommandLine.Status.failure }
        guard let input = parse(line, program: program, console: console) else { return RASPCommandLine.Status.usage }
        guard let p = Pipeline.compile(program, console: console), let variant = p.variant(variantOptions, console: console) else {
            return RASPCommandLine.Status.failure
        }
        let trace: ModelTrace
        do throws(Interpreter.Failure) { trace = try p.compiled.trace(input, variant: variant) } catch {
            RASPCommandLine.report(error.message, at: error.location, in: program, console: console)
            return RASPCommandLine.Status.failure
        }
        if let html = arguments.options["html"], !console.write(TracePage(trace, path: path).text, to: html, command: "explain") {
            return RASPCommandLine.Status.failure
        }
        console.out(arguments.has("json") ? TraceReport.json(trace).pretty() : TraceReport.text(trace, path: path))
        return RASPCommandLine.Status.success
    }

    /// The input's tokens, as `rasp run` reads them, or nil after saying why they cannot be traced.
    static func parse(_ line: String, program: Program, console: Console) -> [Value]? {
        do throws(InputReader.BadInput) {
            let input = try InputReader(program: program).parse(line)
            guard !input.isEmpty else { throw InputReader.BadInput(message: "the input is empty; give at least one token") }
            return input
        } catch {
            console.errLine("rasp explain: error: \(error.message)")
            return nil
        }
    }
}
