import Foundation
import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPReport
import RASPCore

/// `rasp check [PATH...] [--variants compiled,noisy] [--seeds 0-4] [--ablation A] [--method M]
/// [--junit FILE] [--golden-dir DIR] [--record-recovery]`: the main job. For every program: load and
/// check it, run its examples through the interpreter and the compiled model, compare the model with
/// the interpreter on every input (a seeded sample past 20,000), compare its golden circuit with the
/// file in `golden/`; then for every variant, run the method for every seed and judge its own circuit
/// and the repaired one. Exits 1 on a pipeline failure or a recovery regression against
/// `golden/recovery.json`.
enum CheckCommand {
    struct Settings {
        var seeds: [UInt64]
        var ablation: Ablation.Kind
        var variants: [ModelVariant]
        var variantSeed: UInt64
        var method: String
        var methodSettings: MethodSettings
        var goldenDirectory: String?
    }

    static let options: Set<String> = Set(["junit", "html", "golden-dir", "seeds", "ablation", "variants", "variant-seed", "method"])
        .union(MethodOptions.optionNames)

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

    static func settings(_ arguments: Arguments) throws(Arguments.UsageError) -> Settings {
        Settings(seeds: try seeds(arguments.options["seeds"] ?? "0-4"),
                 ablation: try PruneCommand.ablation(arguments),
                 variants: try VariantOptions.list(arguments.options["variants"] ?? "compiled,noisy"),
                 variantSeed: UInt64(try arguments.integer("variant-seed", default: 0, range: 0...Int(Int32.max))),
                 method: try arguments.choice("method", default: "edge-pruning", among: Methods.ids),
                 methodSettings: try MethodOptions.settings(arguments),
                 goldenDirectory: arguments.options["golden-dir"])
    }

    static func run(_ args: [String], console answer: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: options, flags: MethodOptions.flagNames.union(["record-recovery", "json"]))
        let json = arguments.has("json"), console = json ? answer.humanOnStderr() : answer
        let paths = try programPaths(arguments.positional.isEmpty ? ["programs"] : arguments.positional, console: console)
        let settings = try settings(arguments)
        var rows: [ProgramRow] = []
        let start = Clock.now()
        var progress = Progress(console: console, command: "check", total: paths.count)
        for path in paths {
            var row = ProgramRow(program: SourceFile(path: path, text: "").programName)
            progress.start(row.program)
            row.seconds = Clock.measure { check(path, settings: settings, console: console, progress: progress, row: &row) }
            rows.append(row)
        }
        progress.finish()
        let total = Clock.now() - start
        CheckReport.table(rows, console: console)
        var summary = CheckReport.recoverySummary(rows, method: settings.method)
        for line in summary { console.line(line) }
        var recoveryFailed = false
        if settings.methodSettings != MethodSettings() {
            console.line("recovery: not compared with the record (the method's settings are not the defaults)")
        } else if let directory = recordDirectory(paths, settings, console: console), !rows.flatMap(\.runs).isEmpty {
            recoveryFailed = !compareRecovery(rows, directory: directory, settings: settings, record: arguments.has("record-recovery"), console: console)
        }
        let failed = rows.filter { !$0.passed }
        summary.append("\(rows.count - failed.count) of \(counted(rows.count, "program")) passed the pipeline checks in \(Clock.format(total))"
            + (failed.isEmpty ? "" : "; failed: \(failed.map(\.program).joined(separator: ", "))"))
        console.line(summary.last!)
        if let html = arguments.options["html"] {
            guard console.write(CheckPage.html(rows, summary: summary, method: settings.method), to: html, command: "check") else {
                return RASPCommandLine.Status.failure
            }
        }
        if let junit = arguments.options["junit"] {
            guard console.write(CheckReport.junit(rows, seconds: total), to: junit, command: "check") else {
                return RASPCommandLine.Status.failure
            }
        }
        if json { answer.out(CheckReport.json(rows, seconds: total, recoveryRegressed: recoveryFailed).pretty()) }
        return failed.isEmpty && !recoveryFailed ? RASPCommandLine.Status.success : RASPCommandLine.Status.failure
    }

    /// Where `recovery.json` lives: the golden directory of the first program (or `--golden-dir`).
    static func recordDirectory(_ paths: [String], _ settings: Settings, console: Console) -> String? {
        guard let first = paths.first else { return nil }
        return ProgramPaths.goldenDirectory(for: first, override: settings.goldenDirectory, console: console)
    }

    /// Compares the runs with `recovery.json` (or records them into it); false on a regression or an
    /// unreadable record.
    static func compareRecovery(_ rows: [ProgramRow], directory: String, settings: Settings, record: Bool, console: Console) -> Bool {
        let path = (directory.isEmpty ? "" : directory + "/") + "recovery.json"
        let runs = rows.flatMap(\.runs)
        var stored = RecoveryRecord(method: settings.method)
        if let text = FileSystem.readText(console.resolve(path)) {
            do throws(RecoveryRecord.FormatError) { stored = try RecoveryRecord.parse(text) } catch {
                console.errLine("\(path): error: \(error.message); re-record it with `rasp check --record-recovery`")
                return false
            }
        } else if !record {
            console.line("recovery: \(path) does not exist; record it with `rasp check --record-recovery`")
            return true
        }
        if record {
            guard console.write(stored.recording(runs).text, to: path, command: "check") else {
                return false
            }
            console.line("recovery: recorded \(counted(runs.count, "run")) in \(path)")
            return true
        }
        let comparison = stored.compare(runs)
        for r in comparison.regressions { console.line("REGRESSION \(r)") }
        for i in comparison.improvements { console.line("improved: \(i)") }
        if comparison.matches {
            console.line("recovery: \(counted(runs.count, "run")) as recorded in \(path)")
        } else {
            var parts: [String] = []
            if !comparison.regressions.isEmpty { parts.append(counted(comparison.regressions.count, "regression")) }
            if !comparison.improvements.isEmpty { parts.append(counted(comparison.improvements.count, "improvement")) }
            if !comparison.unrecorded.isEmpty { parts.append("\(counted(comparison.unrecorded.count, "run")) not recorded") }
            console.line("recovery: \(parts.joined(separator: ", ")) against \(path); after review, re-record with `rasp check --record-recovery`")
        }
        return comparison.regressions.isEmpty
    }

    /// `golden/<name>.json` beside the program's directory, or in `--golden-dir` (see `ProgramPaths`).
    static func goldenFile(for path: String, program: String, directory: String?, console: Console) -> String {
        ProgramPaths.goldenDirectory(for: path, override: directory, console: console) + "/\(program).json"
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
                throw Arguments.UsageError.cannotRead("\(a): error: no such file or directory")
            }
        }
        return paths
    }
}
