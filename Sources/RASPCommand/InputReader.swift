import RASPLanguage

/// Reads inputs for `eval` and `run`: `--input "a b c"` or `--inputs FILE|-`, one input per line,
/// tokens separated by spaces and parsed by the vocab's kind.
struct InputReader {
    let program: Program
    private let tokens: [String: Value]

    init(program: Program) {
        self.program = program
        var t: [String: Value] = [:]
        for v in program.vocab { t[v.description] = v }
        tokens = t
    }

    struct BadInput: Error {
        var message: String
    }

    /// Parses one line of tokens.
    func parse(_ line: String) throws(BadInput) -> [Value] {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
        var input: [Value] = []
        for w in words {
            if let v = tokens[w] {
                input.append(v)
                continue
            }
            // Numbers may be written differently ("1.0" for 1.0, "+2"): compare by value within the kind.
            if case .int? = program.vocab.first, let i = Int(w), let v = tokens[String(i)] { input.append(v); continue }
            if case .real? = program.vocab.first, let r = Double(w), let v = program.vocab.first(where: { $0 == .real(r) }) { input.append(v); continue }
            let shown = program.vocab.prefix(12).map(\.description).joined(separator: ", ") + (program.vocab.count > 12 ? ", ..." : "")
            throw BadInput(message: "token '\(w)' is not in the vocab {\(shown)}")
        }
        if input.count > program.maxSeqLen {
            throw BadInput(message: "the input has \(input.count) tokens, more than max_seq_len (\(program.maxSeqLen))")
        }
        if program.distinctInputs, Set(input).count != input.count {
            throw BadInput(message: "the program declares 'inputs distinct', but the input repeats a token")
        }
        return input
    }

    /// Parses every line; a bad line is reported on stderr and skipped. `bad` says whether any was.
    func parseAll(_ lines: [String], command: String, console: Console) -> (inputs: [[Value]], bad: Bool) {
        var inputs: [[Value]] = []
        var bad = false
        for (n, line) in lines.enumerated() {
            do throws(BadInput) {
                inputs.append(try parse(line))
            } catch {
                console.errLine("rasp \(command): error: input \(lines.count > 1 ? "line \(n + 1)" : "'\(line)'"): \(error.message)")
                bad = true
            }
        }
        return (inputs, bad)
    }

    /// The raw lines to evaluate, from `--input` or `--inputs`.
    static func lines(_ arguments: Arguments, console: Console) throws(Arguments.UsageError) -> [String] {
        switch (arguments.options["input"], arguments.options["inputs"]) {
        case (let one?, nil):
            return [one]
        case (nil, let path?):
            let text: String
            if path == "-" {
                text = console.stdin()
            } else {
                guard let t = FileSystem.readText(console.resolve(path)) else {
                    throw Arguments.UsageError(message: "cannot read inputs file '\(path)'")
                }
                text = t
            }
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            return lines
        case (nil, nil):
            throw Arguments.UsageError(message: "give an input with --input \"a b c\" or a file of inputs with --inputs FILE (- for stdin)")
        default:
            throw Arguments.UsageError(message: "give either --input or --inputs, not both")
        }
    }
}

/// How outputs are printed: values separated by spaces, or one JSON object per input.
enum OutputFormat {
    static func line(_ values: [Value]) -> String {
        values.map(\.description).joined(separator: " ")
    }

    static func json(input: [Value], output: [Value]) -> String {
        JSON.object(["input": .array(input.map(JSON.init)), "output": .array(output.map(JSON.init))]).compact()
    }

    static func json(input: [Value], error: String) -> String {
        JSON.object(["input": .array(input.map(JSON.init)), "error": .string(error)]).compact()
    }
}
