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
            let token = w.count > 40 ? String(w.prefix(40)) + "..." : w
            throw BadInput(message: "token '\(token)' is not in the vocab {\(shown)}")
        }
        if input.count > program.maxSeqLen {
            throw BadInput(message: "the input has \(input.count) tokens, more than max_seq_len (\(program.maxSeqLen))")
        }
        if program.distinctInputs, Set(input).count != input.count {
            throw BadInput(message: "the program declares 'inputs distinct', but the input repeats a token")
        }
        return input
    }

    /// Answers every line of `stream` in order: `answer` gets each input that parses; a line that
    /// does not gets an error on stderr and, in its place on stdout, `error: ...` (an error object with
    /// `--json`), so outputs line up with inputs. Stops once stdout fails. False if any line was bad.
    func answerEach(_ stream: LineStream, command: String, json: Bool, console: Console, _ answer: ([Value]) -> Void) -> Bool {
        var good = true
        var number = 0
        while console.outputFailure == nil, let line = stream.next() {
            number += 1
            do throws(BadInput) {
                answer(try parse(line, maximumBytes: stream.maximumBytes))
            } catch {
                console.errLine("rasp \(command): error: input line \(number): \(error.message)")
                console.line(OutputFormat.failure(line: number, error.message, json: json))
                good = false
            }
        }
        return good
    }

    private func parse(_ line: LineStream.Line, maximumBytes: Int) throws(BadInput) -> [Value] {
        switch line {
        case .text(let text): return try parse(text)
        case .tooLong(let bytes):
            throw BadInput(message: "the line has \(grouped(bytes)) bytes, more than the limit of \(grouped(maximumBytes))")
        }
    }

    /// The inputs to answer, from `--input` or `--inputs FILE|-`.
    static func stream(_ arguments: Arguments, console: Console) throws(Arguments.UsageError) -> LineStream {
        switch (arguments.options["input"], arguments.options["inputs"]) {
        case (let one?, nil):
            return LineStream.single(one)
        case (nil, "-"):
            return LineStream { console.stdin(upTo: $0) }
        case (nil, let path?):
            guard let stream = LineStream.file(console.resolve(path)) else {
                throw Arguments.UsageError.cannotRead("\(path): error: cannot read the inputs file")
            }
            return stream
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

    /// The stdout line standing for input line `line`, which could not be read.
    static func failure(line: Int, _ message: String, json: Bool) -> String {
        json ? JSON.object(["line": .int(line), "error": .string(message)]).compact() : "error: \(message)"
    }
}
