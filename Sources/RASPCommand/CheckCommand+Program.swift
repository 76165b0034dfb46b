import RASPLanguage
import RASPModel
import RASPCompiler
import RASPCircuits
import RASPReport
import RASPCore

extension CheckCommand {
    /// The pipeline checks of one program, then recovery on each variant.
    static func check(_ path: String, settings: Settings, console: Console, progress: Progress, row: inout ProgramRow) {
        guard let program = RASPCommandLine.loadProgram(path, console: console) else {
            row.failures.append("does not load")
            return
        }
        checkExamplesWithInterpreter(program, console: console, row: &row)
        guard let p = Pipeline.compile(program, console: console) else {
            row.failures.append("does not compile")
            return
        }
        row.layers = "\(p.compiled.layerCount)"
        row.inputs = "\(p.evaluation.inputs.count)" + (p.evaluation.isSample ? "*" : "")
        checkCompiledModel(p, path: path, console: console, row: &row)
        let golden = GoldenCircuit.derive(p.compiled, evaluation: p.evaluation)
        row.graphEdges = "\(golden.graphEdges)"
        row.picture = ProgramRow.Picture(golden: golden, graph: ComputeGraph(model: p.compiled.model), labels: CircuitPicture.labels(of: p.compiled))
        row.required = "\(golden.edges(of: .required).count)"
        checkGoldenFile(golden, p, path: path, settings: settings, console: console, row: &row)
        for variant in settings.variants {
            var variantRow = VariantRow(variant: VariantOptions(variant: variant, seed: settings.variantSeed).label)
            variantRow.seconds = Clock.measure {
                recover(p, golden: golden, variant: variant, settings: settings, console: console, progress: progress, row: &row,
                        variantRow: &variantRow)
            }
            row.variants.append(variantRow)
        }
    }

    /// Examples through the interpreter first: they say what the program means.
    static func checkExamplesWithInterpreter(_ program: Program, console: Console, row: inout ProgramRow) {
        let interpreter = Interpreter(program: program)
        for example in program.examples {
            do throws(Interpreter.Failure) {
                let output = try interpreter.run(example.input)
                if !output.matches(example.output, tolerance: 1e-9) {
                    row.failures.append("example on line \(example.location.line): the interpreter gives \(OutputFormat.line(output))")
                    RASPCommandLine.report("the interpreter gives \(OutputFormat.line(output)), the example expects \(OutputFormat.line(example.output))", at: example.location, in: program, console: console)
                }
            } catch {
                row.failures.append("example on line \(example.location.line): \(error.message)")
                RASPCommandLine.report(error.message, at: error.location, in: program, console: console)
            }
        }
    }

    /// The compiled model on the examples, then against the interpreter on every input.
    static func checkCompiledModel(_ p: Pipeline, path: String, console: Console, row: inout ProgramRow) {
        let program = p.program, compiled = p.compiled
        let masked = EdgeMaskedModel(model: compiled.dense)
        let modelExamples = compiled.run(program.examples.map(\.input), on: masked)
        for (example, output) in zip(program.examples, modelExamples) where !output.matches(example.output, tolerance: 1e-4) {
            row.failures.append("example on line \(example.location.line): the model gives \(OutputFormat.line(output))")
            RASPCommandLine.report("the compiled model gives \(OutputFormat.line(output)), the example expects \(OutputFormat.line(example.output))", at: example.location, in: program, console: console)
        }
        let outputs = compiled.run(p.evaluation.inputs, on: masked)
        var disagreements = 0
        for (i, output) in outputs.enumerated() where !output.matches(p.evaluation.outputs[i], tolerance: 1e-4) {
            if disagreements < 3 {
                console.errLine("\(path): error: the compiled model gives \(OutputFormat.line(output)) on \(OutputFormat.line(p.evaluation.inputs[i])), the interpreter \(OutputFormat.line(p.evaluation.outputs[i]))")
            }
            disagreements += 1
        }
        if disagreements > 0 { row.failures.append("model differs from the interpreter on \(disagreements) of \(counted(outputs.count, "input"))") }
    }

    /// The golden circuit the compiler derives against the file in `golden/`.
    static func checkGoldenFile(_ golden: Circuit, _ p: Pipeline, path: String, settings: Settings, console: Console, row: inout ProgramRow) {
        let goldenPath = goldenFile(for: path, program: p.program.name, directory: settings.goldenDirectory, console: console)
        guard let text = FileSystem.readText(console.resolve(goldenPath)) else {
            row.failures.append("\(goldenPath) is missing")
            console.errLine("\(goldenPath): error: missing; review `rasp circuit \(path)` and save it with `rasp circuit \(path) -o \(goldenPath)`")
            return
        }
        do throws(Circuit.FormatError) {
            let stored = try Circuit.parse(text, graph: ComputeGraph(model: p.compiled.model))
            let diff = CircuitDiff(old: stored, new: golden)
            if !diff.isEmpty {
                row.failures.append("\(goldenPath) differs from the derived golden circuit")
                console.errLine("\(goldenPath): error: differs from the golden circuit the compiler derives (- in the file, + derived):")
                console.errLine(diff.description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            }
        } catch where error.otherGraph {
            row.failures.append("\(goldenPath) is out of date")
            console.errLine("\(goldenPath): error: out of date: \(error.message); review `rasp circuit \(path)` and regenerate it with "
                + "`rasp circuit \(path) -o \(goldenPath)`")
        } catch {
            row.failures.append("\(goldenPath) is malformed")
            console.errLine("\(goldenPath): error: malformed: \(error.message); regenerate it with `rasp circuit \(path) -o \(goldenPath)`")
        }
    }
}
