import Foundation
import RASPLanguage
import RASPModel
import RASPCompiler
import RASPCore
import Discovery
import RASPCircuits

/// `rasp bench [PATH...] [--limits] [--memory] [--json]`: speed figures for the README, measured
/// in-process (build with -c release); `--limits` times only the programs at the documented limits,
/// `--memory` measures peak memory instead; `--json` gives the report's lines as an array.
enum BenchCommand {
    #if DEBUG
    static let isDebugBuild = true
    #else
    static let isDebugBuild = false
    #endif

    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: [], flags: ["json", "memory", "limits"])
        if arguments.has("json") {
            var lines: [String] = []
            let capture = Console(out: { lines.append($0); return true }, err: { console.err($0) }, stdin: { _ in [] },
                                  workingDirectory: console.workingDirectory)
            let status = try run(args.filter { $0 != "--json" }, console: capture)
            let measured = lines.joined().split(separator: "\n").map { JSON.string(String($0)) }
            console.out(JSON.object(["lines": .array(measured), "debug_build": .bool(isDebugBuild)]).pretty())
            return status
        }
        if arguments.has("memory") {
            memory(console: console)
            return RASPCommandLine.Status.success
        }
        if arguments.has("limits") {
            limits(console: console)
            return RASPCommandLine.Status.success
        }
        let paths = try CheckCommand.programPaths(arguments.positional.isEmpty ? ["programs"] : arguments.positional, console: console)
        #if DEBUG
        console.errLine("rasp bench: note: this is a debug build; figures are for `swift run -c release rasp bench`")
        #endif
        console.line("program                 load+check    compile    tracr compile")
        var slowestLoad = 0.0, slowestCompile = 0.0, slowestLibraryCompile = 0.0
        var programs: [String: Program] = [:]
        for path in paths {
            guard case .success(let read) = readSourceFile(console.resolve(path)) else { continue }
            let source = read.renamed(path)
            guard let program = try? Program.load(source) else {
                console.line("\(path): does not load")
                continue
            }
            programs[program.name] = program
            let load = Clock.median { _ = try? Program.load(source) }
            let compile = Clock.median { _ = try? Compiler.compile(program) }
            slowestLoad = max(slowestLoad, load)
            slowestCompile = max(slowestCompile, compile)
            let tracr = TracrFigures.named(program.name)
            if tracr != nil { slowestLibraryCompile = max(slowestLibraryCompile, compile) }
            console.line(program.name.padding(toLength: 22, withPad: " ", startingAt: 0)
                + Clock.format(load).leftPadded(12) + Clock.format(compile).leftPadded(11)
                + (tracr.map { Clock.format($0.compileSeconds).leftPadded(17) } ?? ""))
        }
        console.line("slowest load+check \(Clock.format(slowestLoad)); slowest compile \(Clock.format(slowestCompile)), of a tracr library program \(Clock.format(slowestLibraryCompile))")
        limits(console: console)
        evalThroughput(console: console)
        for name in ["reverse", "shuffle_dyck2"] {
            if let program = programs[name] { forwardThroughput(program, console: console) }
        }
        pruning(programs, console: console)
        return RASPCommandLine.Status.success
    }

    /// Sequences per second of the compiled model's forward pass (with decoding) on batches of 1,000
    /// inputs of length max_seq_len, as tracr's jitted forward was measured.
    static func forwardThroughput(_ program: Program, console: Console) {
        guard let compiled = try? Compiler.compile(program) else { return }
        let model = EdgeMaskedModel(model: compiled.dense)
        var random = SplitMix64(seed: 7)
        let inputs = (0..<1_000).map { _ in (0..<program.maxSeqLen).map { _ in program.vocab[Int(random.next() % UInt64(program.vocab.count))] } }
        let batch = compiled.batches(inputs)[0].batch
        var sink = 0.0
        let forward = Clock.median(budget: 0.5) { sink += model.outputs(batch)[0] }
        let oneCore = Clock.median(budget: 0.5) { sink += model.outputs(batch, threads: 1)[0] }
        let decoded = Clock.median(budget: 0.5) { sink += Double(compiled.run(inputs, on: model).count) }
        console.line("forward \(program.name) (batch 1,000, length \(program.maxSeqLen)): \(Int(1_000 / forward)) sequences/s on all cores, \(Int(1_000 / oneCore)) on one; with encoding and decoding \(Int(1_000 / decoded))")
        if sink.isNaN { console.line("") }
    }

    /// Edge Pruning's wall time on the compiled and noisy models: `reverse` with the default settings
    /// and with the paper's 6,000 steps, then every program with the default settings (seed 0).
    static func pruning(_ programs: [String: Program], console: Console) {
        for variant in [ModelVariant.compiled, .noisy] {
            if let reverse = programs["reverse"], let task = task(reverse, variant) {
                for steps in [PruningConfiguration().steps, 6_000] {
                    var c = PruningConfiguration()
                    c.steps = steps
                    var result: DiscoveryResult? = nil
                    let t = Clock.measure { result = EdgePruning(configuration: c).discover(task, seed: 0) }
                    console.line("prune reverse (\(variant.rawValue)), \(steps) steps: \(Clock.format(t)) (\(Int(Double(steps) / t)) steps/s), its own circuit \(counted(result!.edgesKept, "edge"))")
                }
            }
            var total = 0.0
            for name in programs.keys.sorted() {
                guard let task = task(programs[name]!, variant) else { continue }
                total += Clock.measure { _ = EdgePruning().discover(task, seed: 0) }
            }
            console.line("prune every program (\(programs.count)), \(variant.rawValue), seed 0: \(Clock.format(total))")
        }
    }

    /// The zero-ablation task of a program's variant (nil when it does not compile).
    static func task(_ program: Program, _ variant: ModelVariant) -> CircuitTask? {
        guard let compiled = try? Compiler.compile(program), let evaluation = try? ProgramEvaluation.run(program),
              let model = try? compiled.variant(variant, seed: 0, evaluation: evaluation) else { return nil }
        return ProgramTask.make(compiled, model: model.model, inputs: ProgramTask.inputs(compiled, evaluation: evaluation), ablation: .zero)
    }

    /// `rasp eval` of 10,000 inputs of `sort`, in-process (the interpreter and the output formatting).
    static func evalThroughput(console: Console) {
        let text = """
        vocab {1, 2, 3};
        max_seq_len 5;
        keys = zipmap(lambda x, i: x + 1 * i / 5, tokens, indices);
        target_pos = selector_width(select(keys, keys, <));
        sort = aggregate(select(target_pos, indices, ==), tokens);
        """
        guard let program = try? Program.load(SourceFile(path: "sort.rasp", text: text)) else { return }
        var random = SplitMix64(seed: 1)
        var lines: [String] = []
        for _ in 0..<10_000 {
            let length = 1 + random.next(below: 5)
            lines.append((0..<length).map { _ in String(1 + random.next(below: 3)) }.joined(separator: " "))
        }
        let joined = lines.joined(separator: "\n")
        var sink = 0
        let t = Clock.measure {
            let capture = Console(out: { sink &+= $0.utf8.count; return true }, err: { _ in }, stdin: { _ in [] }, workingDirectory: "/")
            _ = EvalCommand.evaluate(program: program, stream: LineStream.single(joined), json: false, console: capture)
        }
        console.line("eval of 10,000 inputs of sort: \(Clock.format(t)) (\(Int(10_000 / t)) inputs/s)")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
