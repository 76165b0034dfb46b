import Foundation
import RASPLanguage
import RASPModel
import RASPCompiler
import RASPCircuits
import EdgePruning

/// `rasp check [PATH...] [--seeds 0-4] [--ablation zero|mean|resample] [--junit FILE] [--golden-dir DIR]`:
/// the main job. For every program: load and check it, run its examples through the interpreter and the
/// compiled model, compare the model with the interpreter on every input (a seeded sample past 20,000),
/// compare its golden circuit with the file in `golden/`, then prune it with the default settings for
/// every seed and verify each recovered circuit. Prints a table and a summary; exit 1 if anything fails.
enum CheckCommand {
    struct Row {
        var program: String
        var layers = "-"
        var graphEdges = "-"
        var required = "-"
        var inputs = "-"
        var recovered = "-"
        var verdict = "-"
        var failures: [String] = []
        var seconds = 0.0
        var pruneSeconds = 0.0
        var passed: Bool { failures.isEmpty }
    }

    struct Settings {
        var seeds: [UInt64]
        var ablation: Ablation.Kind
        var goldenDirectory: String?
    }

    /// `0-4`, `3`, or `0,2,7`.
    static func seeds(_ spec: String) throws(Arguments.UsageError) -> [UInt64] {
        var out: [UInt64] = []
        for part in spec.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2, let lo = UInt64(bounds[0]), let hi = UInt64(bounds.last!), lo <= hi, hi - lo < 1_000 else {
                throw Arguments.UsageError(message: "--seeds takes seeds like 0-4 or 0,2,7, got '\(spec)'")
            }
            out += Array(lo...hi)
        }
        guard !out.isEmpty else { throw Arguments.UsageError(message: "--seeds needs at least one seed") }
        return out
    }

    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: ["junit", "golden-dir", "seeds", "ablation"], flags: [])
        let paths = try programPaths(arguments.positional.isEmpty ? ["programs"] : arguments.positional, console: console)
        let settings = Settings(seeds: try seeds(arguments.options["seeds"] ?? "0-4"),
                                ablation: Ablation.Kind(rawValue: try arguments.choice("ablation", default: "zero", among: Ablation.Kind.allCases.map(\.rawValue)))!,
                                goldenDirectory: arguments.options["golden-dir"])
        var rows: [Row] = []
        let start = Clock.now()
        for path in paths {
            var row = Row(program: SourceFile(path: path, text: "").programName)
            row.seconds = Clock.measure { check(path, settings: settings, console: console, row: &row) }
            rows.append(row)
        }
        let total = Clock.now() - start
        printTable(rows, console: console)
        let failed = rows.filter { !$0.passed }
        console.line("\(rows.count - failed.count) of \(rows.count) programs passed in \(Clock.format(total))" + (failed.isEmpty ? "" : "; failed: \(failed.map(\.program).joined(separator: ", "))"))
        if let junit = arguments.options["junit"] {
            guard FileSystem.write(JUnitReport.xml(rows, seconds: total), to: console.resolve(junit)) else {
                console.errLine("rasp check: error: cannot write '\(junit)'")
                return RASPCommandLine.Status.failure
            }
        }
        return failed.isEmpty ? RASPCommandLine.Status.success : RASPCommandLine.Status.failure
    }

    static func check(_ path: String, settings: Settings, console: Console, row: inout Row) {
        guard let program = RASPCommandLine.loadProgram(path, console: console) else {
            row.failures.append("does not load")
            return
        }
        // Examples through the interpreter first: they say what the program means.
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
        guard let p = Pipeline.compile(program, console: console) else {
            row.failures.append("does not compile")
            return
        }
        let compiled = p.compiled
        row.layers = "\(compiled.layerCount)"
        let modelExamples = compiled.run(program.examples.map(\.input))
        for (example, output) in zip(program.examples, modelExamples) where !output.matches(example.output, tolerance: 1e-4) {
            row.failures.append("example on line \(example.location.line): the model gives \(OutputFormat.line(output))")
            RASPCommandLine.report("the compiled model gives \(OutputFormat.line(output)), the example expects \(OutputFormat.line(example.output))", at: example.location, in: program, console: console)
        }
        // The model against the interpreter on every input.
        let outputs = compiled.run(p.evaluation.inputs)
        var disagreements = 0
        for (i, output) in outputs.enumerated() where !output.matches(p.evaluation.outputs[i], tolerance: 1e-4) {
            if disagreements < 3 {
                console.errLine("\(path): error: the compiled model gives \(OutputFormat.line(output)) on \(OutputFormat.line(p.evaluation.inputs[i])), the interpreter \(OutputFormat.line(p.evaluation.outputs[i]))")
            }
            disagreements += 1
        }
        row.inputs = "\(p.evaluation.inputs.count)" + (p.evaluation.isSample ? "*" : "")
        if disagreements > 0 { row.failures.append("model differs from the interpreter on \(disagreements) of \(outputs.count) inputs") }

        // The golden circuit.
        let golden = GoldenCircuit.derive(compiled, evaluation: p.evaluation)
        row.graphEdges = "\(golden.graphEdges)"
        row.required = "\(golden.edges(of: .required).count)"
        let goldenPath = goldenFile(for: path, program: program.name, directory: settings.goldenDirectory)
        if let text = FileSystem.readText(console.resolve(goldenPath)) {
            do throws(Circuit.FormatError) {
                let stored = try Circuit.parse(text, graph: ComputeGraph(model: compiled.model))
                let diff = CircuitDiff(old: stored, new: golden)
                if !diff.isEmpty {
                    row.failures.append("\(goldenPath) differs from the derived golden circuit")
                    console.errLine("\(goldenPath): error: differs from the golden circuit the compiler derives (- in the file, + derived):")
                    console.errLine(diff.description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
                }
            } catch {
                row.failures.append("\(goldenPath) is malformed")
                console.errLine("\(goldenPath): error: \(error.message)")
            }
        } else {
            row.failures.append("\(goldenPath) is missing")
            console.errLine("\(goldenPath): error: missing; review `rasp circuit \(path)` and save it with `rasp circuit \(path) -o \(goldenPath)`")
        }
        row.pruneSeconds = Clock.measure { pruneAndVerify(p, golden: golden, settings: settings, console: console, row: &row) }
    }

    /// Edge Pruning with the default settings for every seed, each circuit judged against the golden one.
    static func pruneAndVerify(_ p: Pipeline, golden: Circuit, settings: Settings, console: Console, row: inout Row) {
        let data = EvaluationSet(compiled: p.compiled, inputs: VerifyCommand.evaluationInputs(p, seed: 0), ablation: settings.ablation)
        let unidentifiable = Verifier.unidentifiableEdges(golden: golden, data: data)
        var kept: [Int] = [], exact = 0
        for seed in settings.seeds {
            var configuration = PruningConfiguration()
            configuration.seed = seed
            configuration.ablation = settings.ablation
            let result = EdgePruner(compiled: p.compiled, configuration: configuration).run()
            let verdict = Verifier.verify(circuit: result.circuit, golden: golden, data: data, unidentifiable: unidentifiable)
            kept.append(result.circuit.edges.count)
            if verdict.isExact {
                exact += 1
            } else {
                row.failures.append("seed \(seed): \(verdict.summary)")
                console.errLine("\(p.program.name), seed \(seed): \(verdict.summary)")
                if !verdict.missing.isEmpty { console.errLine("  missing: \(verdict.missing.joined(separator: ", "))") }
                if !verdict.extra.isEmpty { console.errLine("  extra: \(verdict.extra.joined(separator: ", "))") }
            }
        }
        let lo = kept.min()!, hi = kept.max()!
        row.recovered = lo == hi ? "\(lo)" : "\(lo)-\(hi)"
        row.verdict = exact == settings.seeds.count ? "exact" : "\(exact)/\(settings.seeds.count) exact"
    }

    /// `golden/<name>.json` beside the program's directory, or in `--golden-dir`.
    static func goldenFile(for path: String, program: String, directory: String?) -> String {
        if let directory { return directory + "/" + program + ".json" }
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast()
        if !parts.isEmpty { parts.removeLast() }
        let base = parts.joined(separator: "/")
        return (base.isEmpty ? "" : base + "/") + "golden/\(program).json"
    }

    static func printTable(_ rows: [Row], console: Console) {
        let header = ["program", "layers", "edges", "required", "recovered", "verdict", "inputs", "prune", "time", "check"]
        var lines = [header]
        for r in rows {
            lines.append([r.program, r.layers, r.graphEdges, r.required, r.recovered, r.verdict, r.inputs,
                          Clock.format(r.pruneSeconds), Clock.format(r.seconds), r.passed ? "ok" : "FAIL"])
        }
        let widths = header.indices.map { c in lines.map { $0[c].count }.max()! }
        for (i, line) in lines.enumerated() {
            console.line(line.enumerated().map { c, cell in c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[c] - cell.count) + cell }.joined(separator: "  "))
            if i == 0 { console.line(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        for r in rows where !r.passed {
            for f in r.failures { console.line("FAIL \(r.program): \(f)") }
        }
    }

    /// Expands directories to the `.rasp` files inside them.
    static func programPaths(_ arguments: [String], console: Console) throws(Arguments.UsageError) -> [String] {
        var paths: [String] = []
        for a in arguments {
            if FileSystem.isDirectory(console.resolve(a)) {
                let base = a.hasSuffix("/") ? String(a.dropLast()) : a
                let files = FileSystem.programs(in: console.resolve(a)).map { base + "/" + ($0.split(separator: "/").last.map(String.init) ?? $0) }
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

/// A JUnit XML report: one test case per program, with its failures.
enum JUnitReport {
    static func xml(_ rows: [CheckCommand.Row], seconds: Double) -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let failures = rows.filter { !$0.passed }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"rasp check\" tests=\"\(rows.count)\" failures=\"\(failures)\" time=\"\(String(format: "%.3f", seconds))\">\n"
        out += "  <testsuite name=\"rasp check\" tests=\"\(rows.count)\" failures=\"\(failures)\" errors=\"0\" time=\"\(String(format: "%.3f", seconds))\">\n"
        for r in rows {
            out += "    <testcase classname=\"rasp.check\" name=\"\(escape(r.program))\" time=\"\(String(format: "%.3f", r.seconds))\""
            if r.passed {
                out += "/>\n"
            } else {
                out += ">\n"
                for f in r.failures { out += "      <failure message=\"\(escape(f))\">\(escape(f))</failure>\n" }
                out += "    </testcase>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }
}
