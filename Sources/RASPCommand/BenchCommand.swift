import Foundation
import RASPLanguage

/// `rasp bench [PATH...]`: speed figures for the README, measured in-process (build with -c release).
enum BenchCommand {
    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: [], flags: ["json"])
        let paths = try CheckCommand.programPaths(arguments.positional.isEmpty ? ["programs"] : arguments.positional, console: console)
        #if DEBUG
        console.errLine("rasp bench: note: this is a debug build; figures are for `swift run -c release rasp bench`")
        #endif
        console.line("program                     load+check")
        var slowest = 0.0
        for path in paths {
            guard let text = FileSystem.readText(console.resolve(path)) else { continue }
            let source = SourceFile(path: path, text: text)
            guard (try? Program.load(source)) != nil else {
                console.line("\(path): does not load")
                continue
            }
            let t = Clock.median { _ = try? Program.load(source) }
            slowest = max(slowest, t)
            console.line(source.programName.padding(toLength: 28, withPad: " ", startingAt: 0) + Clock.format(t))
        }
        console.line("slowest load+check: \(Clock.format(slowest))")
        evalThroughput(console: console)
        return RASPCommandLine.Status.success
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
        let lines = (0..<10_000).map { _ in
            (0..<(1 + Int(random.next() % 5))).map { _ in String(1 + random.next() % 3) }.joined(separator: " ")
        }
        let joined = lines.joined(separator: "\n")
        var sink = 0
        let t = Clock.measure {
            let capture = Console(out: { sink &+= $0.utf8.count }, err: { _ in }, stdin: { joined }, workingDirectory: "/")
            _ = EvalCommand.evaluate(program: program, lines: lines, json: false, console: capture)
        }
        console.line("eval of 10,000 inputs of sort: \(Clock.format(t)) (\(Int(10_000 / t)) inputs/s)")
    }
}
