import Foundation
import RASPLanguage

/// The `rasp` command: parses the command name and hands over to the command's implementation.
/// Everything here is a library so tests run the command line in-process.
public enum RASPCommandLine {
    public static let version = "rasp 0.1.0"

    /// Runs the command line on the process's streams and exits with its status.
    public static func run(_ args: [String]) -> Never {
        exit(execute(args, console: .standard()))
    }

    /// Exit statuses (RASP.md 4).
    public enum Status {
        public static let success: Int32 = 0
        public static let failure: Int32 = 1
        public static let usage: Int32 = 64
    }

    static let commands: [(name: String, summary: String)] = [
        ("eval", "run the interpreter: rasp eval FILE --input \"a b c\" | --inputs FILE|- [--json]"),
        ("compile", "compile to a transformer and describe it: rasp compile FILE [--variant V] [--variant-seed N] [--json] [-o model.safetensors | --format transformer-lens -o DIR] [--dtype float32|float64]"),
        ("run", "run the compiled model: rasp run FILE --input \"...\" | --inputs FILE|- [--variant V] [--variant-seed N] [--json]"),
        ("circuit", "print the golden circuit the compiler derives: rasp circuit FILE [--format rasp|eap-ig|edge-pruning|acdc] [-o circuit.json]"),
        ("prune", "recover a circuit: rasp prune FILE [--method edge-pruning|acdc|eap|eap-ig|patching|random] [--repair] [--ablation zero|mean|resample] [--seed N] [--variant compiled|rotated|noisy] [--variant-seed N] [-o circuit.json] [--quiet]; Edge Pruning: [--preset ours|paper|paper-xproportion] [--steps N] [--lr R] [--lambda-lr R] [--faithfulness-lr R] [--harden F] [--harden-bound A] [--restore F] [--restore-freezes] [--target-sparsity S] [--sparsity-warmup F] [--penalty L] [--objective margin|kl|both|cross-entropy] [--margin F] [--temperature T] [--attention-warmup F] [--attention-start S] [--estimator hard-concrete|disarm|hybrid] [--sequences-per-step N] [--initial-log-alpha A] [--node-masks] [--choose sparsest-faithful|last]; ACDC: [--tau T]; EAP-IG: [--ig-steps N]"),
        ("explain", "a teaching trace of the model on one input: rasp explain FILE --input \"a b c\" [--variant V] [--variant-seed N] [--json] [--html FILE]"),
        ("export-data", "the evaluation data a task and the verifier use: rasp export-data FILE [-o data.json] [--seed N] [--variant V] [--variant-seed N] [--means]"),
        ("draw", "draw the golden circuit, or a recovered one against it, as SVG: rasp draw FILE [--circuit C.json] [--format F] [--variant V] [--variant-seed N] [--ablation A] [-o circuit.svg]"),
        ("verify", "judge a circuit against the golden one: rasp verify FILE --circuit C.json [--format F] [--golden G.json] [--ablation A] [--variant V] [--variant-seed N] [--seed N] [--json]"),
        ("check", "the whole pipeline over programs: rasp check [PATH...] [--variants compiled,noisy] [--seeds 0-4] [--ablation zero|mean|resample] [--junit FILE] [--html FILE] [--golden-dir DIR] [--record-recovery] [method options of prune]"),
        ("compare", "every method on every program: rasp compare [PATH...] [--methods M,...] [--variants V,...] [--seeds 0-4] [--ablation zero,resample] [--runs] [--json] [--csv FILE] [--html FILE] [method options of prune]"),
        ("bench", "measure parse, compile, forward and pruning speed: rasp bench [PATH...] [--limits] [--memory] [--json]"),
    ]

    public static var usage: String {
        var s = "usage: rasp COMMAND [ARGS]\n\ncommands:\n"
        for c in commands { s += "  \(c.name.padding(toLength: 11, withPad: " ", startingAt: 0)) \(c.summary)\n" }
        s += "\nrasp --help, rasp --version\n"
        return s
    }

    public static func execute(_ args: [String], console: Console) -> Int32 {
        let status = dispatch(args, console: console)
        if let reason = console.outputFailure {
            console.errLine("rasp \(args.first ?? ""): error: cannot write to standard output: \(reason)")
            return Status.failure
        }
        return status
    }

    static func dispatch(_ args: [String], console: Console) -> Int32 {
        guard let command = args.first else {
            console.err(usage)
            return Status.usage
        }
        let rest = Array(args.dropFirst())
        if let entry = commands.first(where: { $0.name == command }), rest.contains("--help") || rest.contains("-h") {
            console.out(CommandHelp.text(entry.name, summary: entry.summary))
            return Status.success
        }
        do throws(Arguments.UsageError) {
            switch command {
            case "--help", "-h", "help":
                console.out(usage)
                return Status.success
            case "--version":
                console.line(version)
                return Status.success
            case "eval": return try EvalCommand.run(rest, console: console)
            case "check": return try CheckCommand.run(rest, console: console)
            case "bench": return try BenchCommand.run(rest, console: console)
            case "compile": return try CompileCommand.run(rest, console: console)
            case "run": return try RunCommand.run(rest, console: console)
            case "circuit": return try CircuitCommand.run(rest, console: console)
            case "explain": return try ExplainCommand.run(rest, console: console)
            case "export-data": return try ExportDataCommand.run(rest, console: console)
            case "prune": return try PruneCommand.run(rest, console: console)
            case "verify": return try VerifyCommand.run(rest, console: console)
            case "draw": return try DrawCommand.run(rest, console: console)
            case "compare": return try CompareCommand.run(rest, console: console)
            default:
                let known = commands.map(\.name)
                let hint = closestName(to: command, among: known).map { "; did you mean '\($0)'?" } ?? ""
                console.errLine("rasp: error: unknown command '\(command)'\(hint)")
                console.err(usage)
                return Status.usage
            }
        } catch where error.isMissingFile {
            console.errLine(error.message)
            return Status.failure
        } catch {
            console.errLine("rasp \(command): error: \(error.message)")
            console.errLine("usage: " + (commands.first { $0.name == command }?.summary ?? "rasp --help"))
            return Status.usage
        }
    }

    /// Loads a program, printing its diagnostics on failure.
    static func loadProgram(_ path: String, console: Console) -> Program? {
        switch readSourceFile(console.resolve(path)) {
        case .failure:
            console.errLine("\(path): error: " + (FileSystem.exists(console.resolve(path)) ? "cannot read the file" : "no such file"))
            return nil
        case .success(let source):
            let named = source.renamed(path)  // the bytes as read, so a bad byte is reported
            do {
                return try Program.load(named)
            } catch {
                console.err(DiagnosticPrinter(source: named).render(error.diagnostics))
                return nil
            }
        }
    }

    /// Prints an error located in a program: `file:line:col: error: message`, the line, and a caret.
    static func report(_ message: String, at location: SourceLocation, in program: Program, console: Console) {
        console.err(DiagnosticPrinter(source: program.source).render(Diagnostic(message, at: location)))
    }
}
