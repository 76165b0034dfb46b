import Foundation
import RASPLanguage
import RASPCore

extension BenchCommand {
    /// Programs at the largest `max_seq_len` the language allows, for `rasp bench --memory`.
    static let memoryCases: [(name: String, statement: String)] = [
        ("one map", "x = tokens == \"a\";"),
        ("one head", "y = aggregate(select(indices, indices, ==), tokens);"),
        ("hist (1,001 output values)", "h = selector_width(select(tokens, tokens, ==));"),
    ]

    /// Peak memory of prune, verify and check on programs at max_seq_len 1,000, each run in-process
    /// on its own command line; the figure is the process's peak resident size after the run (it only
    /// grows, so the last line is the bound over all of them). Pruning runs 20 steps: the memory of a
    /// step does not grow with the number of steps.
    static func memory(console: Console) {
        let directory = NSTemporaryDirectory() + "rasp-bench-memory-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let quiet = Console(out: { _ in true }, err: { _ in }, stdin: { _ in [] }, workingDirectory: console.workingDirectory)
        for (i, c) in memoryCases.enumerated() {
            let program = "\(directory)/programs/case\(i).rasp", circuit = "\(directory)/case\(i).json"
            guard (try? FileSystem.write("vocab {\"a\", \"b\"};\nmax_seq_len 1000;\n\(c.statement)\n", to: program)) != nil else { return }
            let runs: [(String, [String])] = [
                ("prune", ["prune", program, "--steps", "20", "--quiet", "-o", circuit]),
                ("verify", ["verify", program, "--circuit", circuit]),
                ("circuit", ["circuit", program, "-o", "\(directory)/golden/case\(i).json"]),
                ("check", ["check", program, "--seeds", "0", "--steps", "20", "--variants", "compiled"]),
            ]
            for (name, args) in runs {
                let t = Clock.measure { _ = RASPCommandLine.execute(args, console: quiet) }
                console.line("memory: \(name) of \(c.name) at max_seq_len 1,000: \(Clock.format(t)), peak resident \(peakMegabytes()) MB")
            }
        }
    }

    /// The process's peak resident set so far, in MB (`getrusage`'s `ru_maxrss`, in KB on Linux).
    static func peakMegabytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) / 1024
    }
}
