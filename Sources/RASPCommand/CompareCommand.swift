import Foundation
import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPReport
import RASPCore

/// `rasp compare [PATH...] [--methods M,...] [--variants V,...] [--seeds S] [--ablation A,...] [--json]
/// [--csv FILE] [--runs]`: every method on every program, variant, ablation and seed, on the same task
/// (graph, data, ablation) and judged by the same verifier. A method whose result does not depend on
/// the seed runs once per task. Prints a table per program and a summary per method and variant.
enum CompareCommand {
    struct Settings {
        var methods: [String]
        var variants: [ModelVariant]
        var ablations: [Ablation.Kind]
        var seeds: [UInt64]
        var methodSettings: MethodSettings
    }

    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: Set(["methods", "variants", "seeds", "ablation", "csv", "html", "variant-seed"]).union(MethodOptions.optionNames),
                                      flags: MethodOptions.flagNames.union(["json", "runs"]))
        let paths = try CheckCommand.programPaths(arguments.positional.isEmpty ? ["programs"] : arguments.positional, console: console)
        let settings = Settings(methods: try list(arguments.options["methods"] ?? Methods.ids.joined(separator: ","), among: Methods.ids, option: "methods"),
                                variants: try VariantOptions.list(arguments.options["variants"] ?? "compiled,noisy"),
                                ablations: try list(arguments.options["ablation"] ?? "zero", among: Ablation.Kind.allCases.map(\.rawValue), option: "ablation")
                                    .map { Ablation.Kind(rawValue: $0)! },
                                seeds: try CheckCommand.seeds(arguments.options["seeds"] ?? "0-4"),
                                methodSettings: try MethodOptions.settings(arguments))
        let variantSeed = UInt64(try arguments.integer("variant-seed", default: 0, range: 0...Int(Int32.max)))
        let start = Clock.now()
        var runs: [ComparisonRun] = []
        var sections: [ComparePage.Program] = []
        var progress = Progress(console: console, command: "compare", total: paths.count)
        for path in paths {
            guard let p = Pipeline.compile(path, console: console) else { return RASPCommandLine.Status.failure }
            progress.start(p.program.name)
            let golden = GoldenCircuit.derive(p.compiled, evaluation: p.evaluation)
            var section = ComparePage.Program(name: p.program.name, picture: .init(golden: golden, graph: ComputeGraph(model: p.compiled.model),
                                                                                    labels: CircuitPicture.labels(of: p.compiled)))
            for variant in settings.variants {
                guard let model = p.variant(VariantOptions(variant: variant, seed: variantSeed), console: console) else { return RASPCommandLine.Status.failure }
                let compared = compareAblations(p, golden: golden, model: model, settings: settings, progress: progress)
                runs += compared
                if arguments.options["html"] != nil { section.add(compared, variant: variant.rawValue, firstAblation: settings.ablations[0].rawValue) }
            }
            sections.append(section)
        }
        progress.finish()
        let seconds = Clock.now() - start
        if let csv = arguments.options["csv"] {
            guard console.write(ComparisonReport.csv(runs), to: csv, command: "compare") else {
                return RASPCommandLine.Status.failure
            }
        }
        let total = "\(counted(runs.count, "run")) in \(Clock.format(seconds))"
        if let html = arguments.options["html"] {
            let page = ComparePage.html(summary: ComparisonReport.summaryLines(runs), programs: ComparisonReport.programLines(runs),
                                        sections: sections, total: total)
            guard console.write(page, to: html, command: "compare") else { return RASPCommandLine.Status.failure }
        }
        if arguments.has("json") {
            console.out(ComparisonReport.json(runs, seconds: seconds).pretty())
        } else {
            ComparisonReport.print(arguments.has("runs") ? ComparisonReport.runLines(runs) : ComparisonReport.programLines(runs),
                                   left: arguments.has("runs") ? 6 : 3, console: console)
            console.line("")
            ComparisonReport.print(ComparisonReport.summaryLines(runs), left: 3, console: console)
            console.line(total)
        }
        return RASPCommandLine.Status.success
    }

    static func list(_ spec: String, among choices: [String], option: String) throws(Arguments.UsageError) -> [String] {
        var out: [String] = []
        for part in spec.split(separator: ",").map(String.init) {
            guard choices.contains(part) else {
                throw Arguments.UsageError(message: "--\(option) takes a comma-separated list of \(choices.joined(separator: ", ")), got '\(part)'")
            }
            if !out.contains(part) { out.append(part) }
        }
        guard !out.isEmpty else { throw Arguments.UsageError(message: "--\(option) needs at least one value") }
        return out
    }

    /// Every ablation's task side by side (they are independent, and one task alone leaves a core idle
    /// on small programs); runs come back in the order of `settings.ablations`.
    static func compareAblations(_ p: Pipeline, golden: Circuit, model: VariantModel, settings: Settings, progress: Progress) -> [ComparisonRun] {
        let results = ResultList(count: settings.ablations.count)
        DispatchQueue.concurrentPerform(iterations: settings.ablations.count) { i in
            results.set(i, compare(p, golden: golden, model: model, ablation: settings.ablations[i], settings: settings, progress: progress))
        }
        return results.all.flatMap { $0 }
    }

    /// Every method on one task, judged against the golden circuit.
    static func compare(_ p: Pipeline, golden: Circuit, model: VariantModel, ablation: Ablation.Kind, settings: Settings,
                        progress: Progress) -> [ComparisonRun] {
        let task = p.task(model, ablation: ablation)
        let unidentifiable = Verifier.unidentifiableEdges(golden: golden, task: task)
        let goldenFaithfulness = Verifier.goldenFaithfulness(golden: golden, task: task)
        var runs: [ComparisonRun] = []
        for id in settings.methods {
            let method = Methods.make(id, settings: settings.methodSettings)!
            for seed in method.usesSeed ? settings.seeds : [settings.seeds[0]] {
                progress.step("\(model.variant.rawValue), \(ablation.rawValue), \(id)" + (method.usesSeed ? " seed \(seed)" : ""))
                let result = method.discover(task, seed: seed, progress: nil)
                let circuit = Circuit.recovered(program: p.program.name, graph: task.graph, scores: result.scores, kept: result.circuit,
                                                method: id, ablation: ablation.rawValue, seed: Int(seed), variant: model.variant.rawValue,
                                                variantSeed: Int(model.seed), repaired: false)
                let verdict = Verifier.verify(circuit: circuit, golden: golden, task: task, unidentifiable: unidentifiable,
                                              goldenFaithfulness: goldenFaithfulness)
                var run = ComparisonRun(program: p.program.name, variant: model.variant.rawValue, ablation: ablation.rawValue, method: id,
                                        seed: method.usesSeed ? Int(seed) : nil, exact: verdict.isExact, auroc: verdict.auroc,
                                        edgesKept: result.edgesKept, graphEdges: task.edgeCount, faithfulness: verdict.faithfulness,
                                        seconds: result.seconds, modelRuns: result.modelRuns)
                if seed == settings.seeds[0] { run.exhibit = (circuit, verdict, result.curve) }
                runs.append(run)
            }
        }
        return runs
    }
}

/// One method's run on one task.
struct ComparisonRun {
    var program: String
    var variant: String
    var ablation: String
    var method: String
    /// nil for a method whose result does not depend on the seed (run once).
    var seed: Int?
    var exact: Bool
    var auroc: Double?
    var edgesKept: Int
    var graphEdges: Int
    var faithfulness: Faithfulness
    var seconds: Double
    var modelRuns: Int
    /// The first seed's circuit, verdict and training curve, for `--html`.
    var exhibit: (circuit: Circuit, verdict: Verdict, curve: [TrainingPoint])?
}

/// Slots filled by worker threads, one each.
final class ResultList: @unchecked Sendable {
    private var slots: [[ComparisonRun]]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: [], count: count) }
    func set(_ i: Int, _ runs: [ComparisonRun]) { lock.lock(); slots[i] = runs; lock.unlock() }
    var all: [[ComparisonRun]] { lock.lock(); defer { lock.unlock() }; return slots }
}

extension ComparePage.Program {
    /// The runs' first-seed circuits under the first ablation, each with its verdict and curve.
    mutating func add(_ runs: [ComparisonRun], variant: String, firstAblation: String) {
        for r in runs where r.ablation == firstAblation {
            guard let e = r.exhibit else { continue }
            let title = "\(r.method)\(r.seed.map { " seed \($0)" } ?? "") on \(variant), \(r.ablation)"
            exhibits.append(ReportFigures.Exhibit(title: title, circuit: e.circuit, verdict: e.verdict))
            if !e.curve.isEmpty { curves.append((title: "\(r.method), \(variant)", seed: r.seed ?? 0, curve: e.curve)) }
        }
    }
}
