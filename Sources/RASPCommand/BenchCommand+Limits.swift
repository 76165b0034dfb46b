import RASPLanguage
import RASPCompiler
import RASPCore

/// `rasp bench`'s limits section: programs at the documented limits, each loaded, compiled and checked
/// on its inputs once, as `rasp compile` does (a program refused at a limit stops at its diagnostic).
extension BenchCommand {
    struct LimitCase {
        var name: String
        var text: String
    }

    static var limitCases: [LimitCase] {
        let ored = (0..<60).map { $0 % 2 == 0 ? "select(tokens, tokens, ==)" : "select(indices, indices, ==)" }.joined(separator: " or ")
        let digits = (0..<10).map(String.init).joined(separator: ", ")
        let long = String(repeating: "a", count: 40_000)
        return [
            LimitCase(name: "hist, max_seq_len 1,000",
                      text: "vocab {\"a\", \"b\", \"c\"};\nmax_seq_len 1000;\nhist = selector_width(select(tokens, tokens, ==));\n"),
            LimitCase(name: "60 or-ed selects, vocab 10, max_seq_len 100",
                      text: "vocab {\(digits)};\nmax_seq_len 100;\nw = selector_width(\(ored));\n"),
            LimitCase(name: "20,000 statements",
                      text: "vocab {1, 2, 3};\nmax_seq_len 5;\n" + (0..<20_000).map { "v\($0) = tokens + \($0 % 7);\n" }.joined()),
            LimitCase(name: "a chain of 10,000 maps",
                      text: "vocab {1, 2, 3};\nmax_seq_len 5;\nv0 = tokens + 0;\n" + (1..<10_000).map { "v\($0) = v\($0 - 1) + 0;\n" }.joined()),
            LimitCase(name: "a misspelt name of 40,000 characters",
                      text: "vocab {1, 2, 3};\nmax_seq_len 5;\n\(long) = tokens + 1;\nout = \(long.dropLast())b + 1;\n"),
        ]
    }

    static func limits(console: Console) {
        for c in limitCases {
            var program: Program? = nil
            var compiled = false
            var inputs = 0
            let load = Clock.measure { program = try? Program.load(SourceFile(path: "limits.rasp", text: c.text)) }
            var compile = 0.0, check = 0.0
            if let program {
                compile = Clock.measure { compiled = (try? Compiler.compile(program)) != nil }
                check = Clock.measure { inputs = (try? ProgramEvaluation.run(program))?.inputs.count ?? 0 }
            }
            let stages = program == nil ? "refused" : compiled ? "compile \(Clock.format(compile)), \(inputs) inputs checked \(Clock.format(check))" : "does not compile"
            console.line("limits: \(c.name): \(Clock.format(load + compile + check)) (load \(Clock.format(load)), \(stages))")
        }
    }
}
